// Which dependency specs keep npm from running: git in every spelling npm accepts, and paths that leave the project.
import { describe, expect, it } from 'vitest';
import { isGitSpec, leavesProject, npmRefusal, specRefusal } from '../../src/artifacts/npm/refusals.js';

describe('git specs', () => {
  it.each([
    'git+http://10.0.0.5/x.git', 'git+https://git.internal/x.git#v1', 'git+ssh://git@git.internal:2222/x.git', 'git://git.internal/x.git',
    'git+file:///srv/x.git', 'ssh://git@git.internal/x.git', 'github:acme/x', 'gitlab:acme/x#main', 'bitbucket:acme/x', 'gist:1234abcd',
    'acme/x', 'acme/x#semver:^1.0.0', 'git@git.internal:acme/x.git', 'https://github.com/acme/x', 'npm:x@git+http://10.0.0.5/x.git', 'npm:@a/x@acme/x',
  ])('%s is git', (spec) => expect(isGitSpec(spec)).toBe(true));

  it.each(['^1.2.3', '~1.0.0', '1.x || >=2.5.0 <3', 'latest', 'npm:x@^1.0.0', 'npm:@a/x@1.0.0', 'https://npm.acme.test/x/-/x-1.0.0.tgz', 'file:./vendor/x', '*', ''])(
    '%s is not git',
    (spec) => expect(isGitSpec(spec)).toBe(false),
  );
});

describe('paths', () => {
  it.each([
    ['file:../../outside', ''], ['link:../x', ''], ['../x', ''], ['file:/etc', ''], ['file:///etc/passwd', ''], ['~/x', ''], ['file:~/x', ''],
    ['file:%2e%2e/x', ''], ['file:packages/../../x', ''], ['file:../../../x', 'packages/app'], ['file:C:\\x', ''], ['file:..\\x', ''],
  ])('%s from "%s" leaves the project', (spec, dir) => expect(specRefusal(spec, dir)).toMatch(/points outside the project/));

  it.each([['file:./vendor/x.tgz', ''], ['file:../shared', 'packages/app'], ['./local', ''], ['~1.0.0', ''], ['link:packages/ui', '']])(
    '%s from "%s" stays inside',
    (spec, dir) => expect(specRefusal(spec, dir)).toBeUndefined(),
  );

  it('workspace globs are paths too', () => {
    expect(leavesProject('packages/*', '')).toBe(false);
    expect(leavesProject('../*', '')).toBe(true);
  });
});

describe('a whole project', () => {
  const lock = (packages: Record<string, unknown>) => JSON.stringify({ name: 'p', lockfileVersion: 3, packages: { '': { name: 'p' }, ...packages } }, null, 2);
  const refusal = (lockText: string, packageJson = '{"name":"p"}') => npmRefusal({ root: '', lockFile: 'package-lock.json', lockText, packageFiles: new Map([['package.json', packageJson]]) });

  it('a workspace link is fine; a link or package key outside the project is not', () => {
    expect(refusal(lock({ 'node_modules/app': { resolved: 'packages/app', link: true }, 'packages/app': { version: '1.0.0' } }))).toBeUndefined();
    expect(refusal(lock({ 'node_modules/x': { resolved: '../../x', link: true } }))).toMatchObject({ file: 'package-lock.json', line: 9, depName: 'node_modules/x' });
    expect(refusal(lock({ '../../x': { version: '1.0.0' } }))).toMatchObject({ line: 8, message: /outside the project/ });
  });

  it('a transitive git dependency named in a lockfile entry, and one in the v1 tree', () => {
    expect(refusal(lock({ 'node_modules/a': { version: '1.0.0', dependencies: { b: 'git+ssh://git@10.0.0.5/b.git' } } }))).toMatchObject({ line: 11, depName: 'b', message: /^a git dependency/ });
    const v1 = JSON.stringify({ lockfileVersion: 2, packages: { '': {} }, dependencies: { a: { version: '1.0.0', dependencies: { b: { version: 'git+http://10.0.0.5/b.git#abc' } } } } }, null, 2);
    expect(refusal(v1)).toMatchObject({ depName: 'b', message: /^a git dependency/ });
  });

  it('overrides are checked like dependencies', () => {
    const packageJson = JSON.stringify({ name: 'p', overrides: { a: { b: 'github:acme/b' } } }, null, 2);
    expect(refusal(lock({}), packageJson)).toEqual({ file: 'package.json', line: 5, depName: 'b', message: expect.stringMatching(/^a git dependency.*package-lock\.json left as it is$/) });
  });
});
