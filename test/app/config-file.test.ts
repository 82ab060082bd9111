// `.github/freshen.yml` checked from its text: every problem at the line and column of the key or value it is about.
import { describe, expect, it } from 'vitest';
import { checkConfigText, locateProblems } from '../../src/config/config-file.js';
import { formatConfigProblem, parseRepoConfig } from '../../src/config/repo-config.js';
import { parse } from 'yaml';

const messages = (text: string) => checkConfigText(text).problems.map((p) => formatConfigProblem(p));

describe('checking the config text', () => {
  it('accepts a valid file, an empty one, and a comment-only one, with the defaults', () => {
    for (const text of ['prLimit: 3\ngroups:\n  - name: base\n    match: ["docker.io/library/*"]\n', '', '# nothing yet\n']) {
      const checked = checkConfigText(text);
      expect(checked.problems).toEqual([]);
      expect(checked.config?.labels).toEqual(['dependencies']);
    }
    expect(checkConfigText('prLimit: 3\n').config?.prLimit).toBe(3);
  });

  it('points at the value for a wrong type or option, and at the key for an unknown field', () => {
    const text = [
      'prLimit: many',             // 1
      'groups:',                   // 2
      '  - name: base',            // 3
      '    match: [x]',            // 4
      '  - name: majors',          // 5
      '    matchUpdateTypes: [major, huge]', // 6
      'registries:',               // 7
      '  - host: registry.corp.example', // 8
      '    password: hunter2',     // 9
    ].join('\n');
    expect(messages(text)).toEqual([
      '.github/freshen.yml:1:10: prLimit: expected number, received string',
      '.github/freshen.yml:6:31: groups[1].matchUpdateTypes[1]: expected one of "major"|"minor"|"patch"|"digest"|"pin"',
      '.github/freshen.yml:9:5: registries[0].password: unknown field "password" (secrets never go in this file; refer to an app-side credential by name)',
    ]);
    expect(checkConfigText(text).config).toBeUndefined();
  });

  it('points at the object that lacks a required key, at a bad map key, and at a list item', () => {
    const text = 'groups:\n  - includeMajor: true\nosMirrors:\n  "not a url": "http://mirror.example/"\nlabels: [ok, ""]\n';
    expect(messages(text)).toEqual([
      '.github/freshen.yml:2:5: groups[0].name: required: expected string',
      '.github/freshen.yml:4:3: osMirrors["not a url"]: invalid key: Invalid URL',
      '.github/freshen.yml:5:14: labels[1]: Too small: expected string to have >=1 characters',
    ]);
    expect(messages('groups:\n  - name: base\n')).toEqual(['.github/freshen.yml:2:5: groups[0]: a group needs "match", "matchUpdateTypes" or both']);
  });

  it('reports YAML syntax errors at their line and column, as the app parses them', () => {
    expect(messages('prLimit: 2\nprLimit: 3\n')).toEqual(['.github/freshen.yml:2:1: invalid YAML: Map keys must be unique']);
    expect(messages('ignore: [a]\nnested: b: c\n')).toEqual(['.github/freshen.yml:2:9: invalid YAML: Nested mappings are not allowed in compact mappings']);
    expect(messages('ignore:\n\t- x\n')).toEqual(['.github/freshen.yml:2:1: invalid YAML: Tabs are not allowed as indentation']);
    expect(messages('just a sentence\n')).toEqual(['.github/freshen.yml:1:1: YAML is not an object']);
    expect(messages('- a\n- b\n')).toEqual(['.github/freshen.yml:1:1: expected object, received array']);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const [problem] = checkConfigText(lines.join('\n')).problems;
    expect(problem?.message).toMatch(/^invalid YAML: .*alias/i);
  });

  it('warns at _extends that the other repository is not read here, and checks the file alone', () => {
    const checked = checkConfigText('# shared settings first\n_extends: acme/.github\nprLimit: 2\n');
    expect(checked.problems).toEqual([]);
    expect(checked.config?.prLimit).toBe(2);
    expect(checked.warnings.map((w) => formatConfigProblem(w, 'warning'))).toEqual([
      '.github/freshen.yml:2:11: warning: _extends: the app reads the config of "acme/.github" first and lets this file\'s keys win; that repository cannot be read here, so this file is checked and applied alone',
    ]);
    // A value the app's loader would refuse is an error, not a warning.
    expect(messages('_extends: "not a repo!"\n')).toEqual([
      '.github/freshen.yml:1:11: _extends: expected [owner/]repository[:path.yml], such as ".github" or "acme/.github:freshen-base.yml"',
    ]);
  });

  it('gives problems found in the merged object (the app) their line from the repository\'s own text', () => {
    const text = 'labels: [deps]\nprLimit: lots\n';
    const merged = parseRepoConfig({ ...parse('timezone: UTC\n'), ...parse(text) });
    expect(merged.ok).toBe(false);
    if (merged.ok) return;
    expect(locateProblems(text, merged.problems)).toEqual([{ file: '.github/freshen.yml', path: 'prLimit', line: 2, column: 10, message: 'expected number, received string' }]);
  });
});
