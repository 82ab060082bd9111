// pip includes: `-r` / `-c` followed to files of any name, relative to the including file, inside the repository.
import { describe, expect, it } from 'vitest';
import { directorySource } from '../../../src/engine/directory-source.js';
import { extractAll } from '../../../src/engine/extract.js';
import { resolveInclude } from '../../../src/managers/pip/includes.js';
import { tempCheckout } from '../../support/temp-dir.js';

const checkout = (files: Record<string, string>) => tempCheckout('freshen-pip-includes-', files);

describe('resolveInclude', () => {
  it.each([
    ['requirements.txt', 'more.txt', { path: 'more.txt' }],
    ['api/requirements.txt', 'more.txt', { path: 'api/more.txt' }],
    ['api/requirements.txt', './constraints/prod.txt', { path: 'api/constraints/prod.txt' }],
    ['api/requirements.txt', '../shared/base.in', { path: 'shared/base.in' }],
    ['a/b/requirements.txt', '..//../x.txt', { path: 'x.txt' }],
    ['requirements.txt', '../outside.txt', { refused: 'outside the repository' }],
    ['api/requirements.txt', '../../etc/passwd', { refused: 'outside the repository' }],
    ['requirements.txt', '/etc/passwd', { refused: 'an absolute path, outside the repository' }],
    ['requirements.txt', 'https://example.test/reqs.txt', { refused: expect.stringContaining('a URL') }],
    ['requirements.txt', '${REQS}/base.txt', { refused: expect.stringContaining('variable') }],
    ['api/requirements.txt', '..', { refused: 'names no file' }],
  ])('%s includes %s', (from, written, expected) => {
    expect(resolveInclude(from, written)).toEqual(expected);
  });
});

describe('extractAll follows pip includes', () => {
  it('reads included files whatever their name, relative to the including file, once each', async () => {
    const dir = checkout({
      'requirements.txt': '-r more.txt\n-c constraints/prod.txt\nflask==2.3.3\n',
      'more.txt': 'attrs==23.1.0\n-r api/extra.in\n',
      'constraints/prod.txt': 'six==1.16.0\n-c ../more.txt\n',
      'api/extra.in': 'idna==3.4\n',
      'notes.txt': 'not==1.0\n',
    });
    const { dependencies, errors } = await extractAll(directorySource(dir));
    expect(errors).toEqual([]);
    expect(dependencies.map((d) => [d.file, d.line, d.depName, d.currentValue])).toEqual([
      ['requirements.txt', 3, 'flask', '2.3.3'],
      ['more.txt', 1, 'attrs', '23.1.0'],
      ['api/extra.in', 1, 'idna', '3.4'],
      ['constraints/prod.txt', 1, 'six', '1.16.0'],
    ]);
  });

  it('refuses includes out of the repository, missing files and cycles with a located reason, and scans the rest', async () => {
    const dir = checkout({
      'app/requirements.txt': '-r ../../secret.txt\n-r /etc/passwd\n-r https://example.test/r.txt\n-r gone.txt\n-r a.txt\nflask==2.3.3\n',
      'app/a.txt': 'attrs==23.1.0\n-r b.txt\n',
      'app/b.txt': 'six==1.16.0\n-r a.txt\n',
    });
    const { dependencies, errors } = await extractAll(directorySource(dir));
    expect(dependencies.map((d) => [d.file, d.depName])).toEqual([
      ['app/requirements.txt', 'flask'],
      ['app/a.txt', 'attrs'],
      ['app/b.txt', 'six'],
    ]);
    expect(errors).toEqual([
      { file: 'app/requirements.txt', line: 1, message: '-r ../../secret.txt: outside the repository; not followed' },
      { file: 'app/requirements.txt', line: 2, message: '-r /etc/passwd: an absolute path, outside the repository; not followed' },
      { file: 'app/requirements.txt', line: 3, message: expect.stringMatching(/^-r https:\/\/example\.test\/r\.txt: a URL/) },
      { file: 'app/requirements.txt', line: 4, message: '-r gone.txt: not found in the repository (or not a regular file)' },
      { file: 'app/b.txt', line: 2, message: '-r a.txt: a cycle (app/a.txt → app/b.txt → app/a.txt), which pip refuses' },
    ]);
  });

  it('a file including itself is a cycle too', async () => {
    const dir = checkout({ 'requirements.txt': 'flask==2.3.3\n-r ./requirements.txt\n' });
    const { errors } = await extractAll(directorySource(dir));
    expect(errors).toEqual([{ file: 'requirements.txt', line: 2, message: '-r ./requirements.txt: a cycle (requirements.txt → requirements.txt), which pip refuses' }]);
  });
});
