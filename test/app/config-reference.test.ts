// The shipped JSON Schema and configuration reference are what the zod schema generates now, and say the same as the app.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchema, configJsonSchemaText, configReference, REFERENCE_FILE, SCHEMA_FILE } from '../../src/config/reference.js';
import { parseRepoConfig } from '../../src/config/repo-config.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const shipped = (file: string) => readFileSync(`${root}/${file}`, 'utf8');

interface Node {
  description?: string;
  examples?: unknown[];
  properties?: Record<string, Node>;
  items?: Node;
}

/** Every key of the schema, nested ones as `groups[].name`. */
function keys(node: Node, prefix = ''): [string, Node][] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    const path = `${prefix}${key}`;
    const nested = child.properties ? keys(child, `${path}.`) : child.items?.properties ? keys(child.items, `${path}[].`) : [];
    return [[path, child] as [string, Node], ...nested];
  });
}

describe('generated from the schema', () => {
  it(`${SCHEMA_FILE} and ${REFERENCE_FILE} are what \`npm run docs:config\` writes now`, () => {
    // When this fails: run `npm run docs:config` and commit both files.
    expect(shipped(SCHEMA_FILE)).toBe(configJsonSchemaText());
    expect(shipped(REFERENCE_FILE)).toBe(configReference());
  });

  it('describes every key, and the reference has a section for each', () => {
    const all = keys(configJsonSchema() as Node);
    expect(all.length).toBeGreaterThan(30);
    expect(all.filter(([, node]) => !node.description).map(([path]) => path)).toEqual([]);
    const reference = configReference();
    for (const [path] of all) expect(reference).toContain(`### \`${path}\``);
  });

  it('every example in the schema is valid: a top-level one for the app, a nested one for its own schema', () => {
    const ajv = new Ajv2020({ strict: false });
    let checked = 0;
    for (const [path, node] of keys(configJsonSchema() as Node)) {
      for (const example of node.examples ?? []) {
        checked++;
        if (/[.[]/.test(path)) expect(ajv.validate(node, example), `${path}: ${JSON.stringify(example)}`).toBe(true);
        else expect(parseRepoConfig({ [path]: example }), `${path}: ${JSON.stringify(example)}`).toMatchObject({ ok: true });
      }
    }
    expect(checked).toBeGreaterThan(15);
  });
});

describe('the JSON Schema in an editor', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(shipped(SCHEMA_FILE)));

  it("accepts Freshen's own config and the examples in docs/app.md", () => {
    expect(validate(parse(shipped('.github/freshen.yml'))), JSON.stringify(validate.errors)).toBe(true);
    const blocks = [...shipped('docs/app.md').matchAll(/```yaml\n(# \.github\/freshen\.yml\n)?((?:process|schedule)[\s\S]*?)```/g)].map((m) => m[2]!);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) {
      const config = parse(block);
      expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
      expect(parseRepoConfig(config)).toMatchObject({ ok: true });
    }
  });

  it('flags what the app refuses: a wrong type, an unknown key, a secret in a registry entry', () => {
    for (const bad of ['prLimit: many\n', 'prlimit: 3\n', 'registries:\n  - host: r.example\n    password: hunter2\n', 'groups:\n  - name: Bad Name\n    match: [x]\n']) {
      expect(validate(parse(bad)), bad).toBe(false);
      expect(parseRepoConfig(parse(bad)), bad).toMatchObject({ ok: false });
    }
  });
});
