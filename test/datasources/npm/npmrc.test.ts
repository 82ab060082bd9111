// The npmrc reader and writer: what an ordinary .npmrc keeps, what a crafted one is refused for, and that the written file reads back as chosen.
import ini from 'ini';
import { describe, expect, it } from 'vitest';
import { NpmrcError, npmOptionsFrom, toNpmrc } from '../../../src/datasources/npm/index.js';

const refusal = (repoNpmrc: string, vars: Record<string, string> = {}): NpmrcError => {
  try {
    npmOptionsFrom({ repoNpmrc, repoNpmrcPath: 'web/.npmrc', vars });
  } catch (err) {
    if (err instanceof NpmrcError) return err;
    throw err;
  }
  throw new Error('not refused');
};

describe('reading an .npmrc', () => {
  it('keeps registries and per-host credentials, drops every other setting, ignores sections and comments', () => {
    const text = [
      '# company defaults',
      'save-exact=true',
      'registry = https://npm.acme.test/ ; the mirror',
      '@acme:registry=https://npm.acme.test/private/',
      '//npm.acme.test/:_authToken=${NPM_TOKEN}',
      'proxy=http://proxy.acme.test:3128/',
      'strict-ssl=false',
      '_authToken=global-token',
      '[section]',
      'registry=https://ignored.test/',
    ].join('\r\n');
    expect(npmOptionsFrom({ repoNpmrc: text, vars: { NPM_TOKEN: 'tok-1' } })).toEqual({
      registry: 'https://npm.acme.test/',
      '@acme:registry': 'https://npm.acme.test/private/',
      '//npm.acme.test/:_authToken': 'tok-1',
    });
  });

  it.each([
    ['\\n in a quoted value', 'a=1\nregistry="https://a.test/\\nproxy=http://p.test/"\n', 2],
    ['\\r in a quoted value', 'registry="https://a.test/\\rstrict-ssl=false"\n', 1],
    ['NUL in a quoted value', '\n\n\n//a.test/:_authToken="t\\u0000"\n', 4],
    ['\\n in a quoted key', '"@a\\nstrict-ssl\\u003dfalse\\n@b:registry"=https://a.test/\n', 1],
    ['\\n in a setting Freshen would drop anyway', 'cache="/tmp/x\\nproxy=http://p.test/"\n', 1],
    ['a line break brought in by ${NAME}', 'x=1\n//a.test/:_authToken=${TOKEN}\n', 2],
  ])('refuses %s, at its line', (_name, text, line) => {
    const err = refusal(text, { TOKEN: 'abc\nproxy=http://p.test/' });
    expect(err.located).toEqual({ file: 'web/.npmrc', line, message: expect.stringMatching(/line break or NUL character in a setting is refused/) });
    expect(err.message).not.toContain('p.test');
  });

  it("a bad line in the app's own npmrc is located in FRESHEN_NPMRC", () => {
    expect(() => npmOptionsFrom({ appNpmrc: '//a.test/:_authToken=ok\nregistry="https://a.test/\\nproxy=x"' })).toThrow(
      expect.objectContaining({ file: 'FRESHEN_NPMRC', line: 2 }),
    );
  });

  it('keys that could carry a second setting are not registry or credential keys', () => {
    expect(npmOptionsFrom({ repoNpmrc: '"//a.test/:_authToken\\u003dx ;"=y\n"@a b:registry"=https://a.test/\n"//a=b/:_authToken"=t\n' })).toEqual({});
  });
});

describe('writing the temporary .npmrc', () => {
  it('reads back exactly as chosen, whatever the values contain', () => {
    const options = {
      registry: 'https://npm.acme.test/a;b#c/',
      '//npm.acme.test/:_auth': 'dXNlcjpwYXNz==',
      '//npm.acme.test/:_password': ' "quoted" ',
      '@acme:registry': 'true',
    };
    const text = toNpmrc(options);
    const back = ini.parse(text) as Record<string, unknown>;
    expect(Object.fromEntries(Object.entries(back).map(([k, v]) => [k, String(v)]))).toEqual(options);
  });

  it('refuses a key outside the allow-list or a value with a line break', () => {
    expect(() => toNpmrc({ proxy: 'http://p.test/' })).toThrow(/refusing to write the npm setting "proxy"/);
    expect(() => toNpmrc({ registry: 'https://a.test/\nproxy=http://p.test/' })).toThrow(/refusing to write/);
  });
});
