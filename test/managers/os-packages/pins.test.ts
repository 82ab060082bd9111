import { describe, expect, it } from 'vitest';
import { findPackagePins, type Pin } from '../../../src/managers/os-packages/index.js';

type Expected = Partial<Pin> & { name: string; version: string };

/** Pins as comparable objects, plus the text each versionRange points at. */
function summarize(text: string) {
  const found = findPackagePins(text);
  return {
    pins: found.pins.map((p) => ({ ...p, at: text.slice(p.versionRange.start, p.versionRange.end) })),
    unpinned: found.unpinned,
    skipped: found.skipped.map((s) => s.argument),
  };
}

const apt = (name: string, version: string, extra: Partial<Pin> = {}): Expected => ({ tool: 'apt', name, version, fuzzy: false, ...extra });
const apk = (name: string, version: string, extra: Partial<Pin> = {}): Expected => ({ tool: 'apk', name, version, fuzzy: false, ...extra });

const cases: [string, string, Expected[], string[]][] = [
  ['apt-get with -y', 'apt-get install -y curl=7.88.1-10+deb12u5', [apt('curl', '7.88.1-10+deb12u5')], []],
  ['apt with options between packages', 'apt install -y --no-install-recommends curl=1.0-1 -q wget', [apt('curl', '1.0-1')], ['wget']],
  ['name:arch=version', 'apt-get install -y libc6:amd64=2.36-9+deb12u9', [apt('libc6', '2.36-9+deb12u9', { arch: 'amd64' })], []],
  ['options before the subcommand', 'apt-get -y -o Dpkg::Options::=--force-confnew install ca-certificates=20230311', [apt('ca-certificates', '20230311')], []],
  ['-t takes the release, not a package', 'apt-get install -t bookworm-backports -y git=1:2.45.2-1~bpo12+1', [apt('git', '1:2.45.2-1~bpo12+1')], []],
  ['--target-release=', 'apt-get install --target-release=bookworm-backports git', [], ['git']],
  ['release-qualified package is unpinned', 'apt-get install -y git/bookworm-backports', [], ['git']],
  ['&& chain with update and cleanup', 'apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 ca-certificates && rm -rf /var/lib/apt/lists/*', [apt('curl', '7.88.1-10')], ['ca-certificates']],
  ['; and || chains', 'set -eux; apt-get install -y a=1 || apt-get install -y b=2; echo done', [apt('a', '1'), apt('b', '2')], []],
  ['pipes', 'yes | apt-get install c=3 | tee /log', [apt('c', '3')], []],
  ['env prefix and sudo', 'DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y d=4', [apt('d', '4')], []],
  ['absolute path of apt-get', '/usr/bin/apt-get install -y e=5', [apt('e', '5')], []],
  ['apt-get other subcommands are not installs', 'apt-get remove -y f=6 && apt-get update', [], []],
  ['continuations not yet joined', 'apt-get install -y \\\n    curl=7.88.1-10 \\\n    git=1:2.39.5-0+deb12u1', [apt('curl', '7.88.1-10'), apt('git', '1:2.39.5-0+deb12u1')], []],
  ['quoted version keeps quotes out of the range', 'apt-get install -y "curl=7.88.1-10" wget=\'1.21\'', [apt('curl', '7.88.1-10'), apt('wget', '1.21')], []],
  ['$VAR version', 'apt-get install -y curl=$CURL_VERSION', [apt('curl', '$CURL_VERSION', { variable: 'CURL_VERSION' })], []],
  ['${VAR} version in double quotes', 'apt-get install -y "curl=${CURL_VERSION}"', [apt('curl', '${CURL_VERSION}', { variable: 'CURL_VERSION' })], []],
  ['apk add =', 'apk add --no-cache openssl=3.3.2-r1', [apk('openssl', '3.3.2-r1')], []],
  ['apk fuzzy ~', 'apk add --no-cache "curl~8.11"', [apk('curl', '8.11', { fuzzy: true })], []],
  ['apk fuzzy ~=', "apk add 'curl~=8.11'", [apk('curl', '8.11', { fuzzy: true })], []],
  ['apk --virtual name is not a package', 'apk add --no-cache --virtual .build-deps gcc=14.2.0-r4 musl-dev', [apk('gcc', '14.2.0-r4')], ['musl-dev']],
  ['apk -t name is not a package', 'apk add -t .deps make=4.4.1-r2', [apk('make', '4.4.1-r2')], []],
  ['apk global options before add, -U', 'apk -U --no-cache add bash=5.2.37-r0', [apk('bash', '5.2.37-r0')], []],
  ['apk tagged repository', 'apk add --no-cache curl@edge=8.12.0-r0', [apk('curl', '8.12.0-r0', { repoTag: 'edge' })], []],
  ['apk --repository takes a URL', 'apk add --repository http://mirror.example/edge/main jq=1.7.1-r0', [apk('jq', '1.7.1-r0')], []],
  ['apk other subcommands', 'apk del curl=1 && apk upgrade', [], []],
  ['comments are ignored', 'apt-get install -y a=1 # b=2', [apt('a', '1')], []],
  ['redirections are not packages', 'apt-get install -y a=1 > /dev/null 2>&1 && apk add b=2 2>/dev/null', [apt('a', '1'), apk('b', '2')], []],
  ['sh -c script', "sh -c 'apt-get install -y curl=1.2-3'", [apt('curl', '1.2-3')], []],
  ['if/then', 'if true; then apt-get install -y a=1; fi', [apt('a', '1')], []],
  ['subshell and braces', '(apt-get install -y a=1) && { apk add b=2; }', [apt('a', '1'), apk('b', '2')], []],
  ['RUN flags ahead of the command', '--mount=type=cache,target=/var/cache/apt apt-get install -y a=1', [apt('a', '1')], []],
];

describe('findPackagePins (shell form)', () => {
  it.each(cases)('%s', (_title, text, pins, unpinned) => {
    const got = summarize(text);
    expect(got.pins).toEqual(pins.map((p) => expect.objectContaining({ ...p, at: p.version })));
    expect(got.pins).toHaveLength(pins.length);
    expect(got.unpinned).toEqual(unpinned);
  });
});

describe('findPackagePins (heredocs)', () => {
  it('scans a RUN <<EOF script body', () => {
    const text = '<<EOF\nset -e\napt-get update\napt-get install -y curl=7.88.1-10 \\\n  jq\nEOF\n';
    const got = summarize(text);
    expect(got.pins).toEqual([expect.objectContaining({ name: 'curl', version: '7.88.1-10', at: '7.88.1-10' })]);
    expect(got.unpinned).toEqual(['jq']);
  });

  it('scans a heredoc fed to bash, with <<- tab stripping', () => {
    const text = "bash -e <<-'SCRIPT'\n\tapk add tzdata=2024b-r1\n\tSCRIPT";
    expect(summarize(text).pins).toEqual([expect.objectContaining({ tool: 'apk', name: 'tzdata', at: '2024b-r1' })]);
  });

  it('treats a heredoc written to a file as data', () => {
    const text = 'cat <<EOF > /tmp/notes && apt-get install -y a=1\napt-get install -y b=2\nEOF\n';
    expect(summarize(text).pins.map((p) => p.name)).toEqual(['a']);
  });

  it('scans several heredocs on one line', () => {
    const text = 'cat <<A > /x; bash <<B\nnot=1\nA\napk add z=9-r0\nB\n';
    expect(summarize(text).pins).toEqual([expect.objectContaining({ name: 'z', at: '9-r0' })]);
  });
});

describe('findPackagePins (exec form)', () => {
  it('reads packages from the JSON array', () => {
    const text = '["apt-get", "install", "-y", "curl=7.88.1-10", "wget"]';
    const got = summarize(text);
    expect(got.pins).toEqual([expect.objectContaining({ name: 'curl', version: '7.88.1-10', at: '7.88.1-10' })]);
    expect(got.unpinned).toEqual(['wget']);
  });

  it('reads a sh -c script inside the array, mapping offsets through JSON escapes', () => {
    const text = '["/bin/sh", "-c", "apk add \\"openssl=3.3.2-r1\\" && apk add zlib~1.3"]';
    const got = summarize(text);
    expect(got.pins).toEqual([
      expect.objectContaining({ name: 'openssl', version: '3.3.2-r1', at: '3.3.2-r1' }),
      expect.objectContaining({ name: 'zlib', fuzzy: true, at: '1.3' }),
    ]);
  });

  it('does not treat $VAR as a variable (exec form runs no shell)', () => {
    const got = findPackagePins('["apt-get", "install", "curl=$V"]');
    expect(got.pins[0]).toMatchObject({ version: '$V' });
    expect(got.pins[0]?.variable).toBeUndefined();
  });

  it('falls back to shell form for text that is not a JSON array', () => {
    expect(summarize('[ -f /x ] && apt-get install -y a=1').pins.map((p) => p.name)).toEqual(['a']);
  });
});

describe('findPackagePins (what cannot be pinned)', () => {
  it.each([
    ['computed version', 'apt-get install -y curl=${V}-1', 'curl=${V}-1'],
    ['command substitution', 'apt-get install -y curl=$(cat /v)', 'curl=$(cat /v)'],
    ['computed name', 'apt-get install -y $PKG=1', '$PKG=1'],
    ['local deb', 'apt-get install -y ./pkg.deb', './pkg.deb'],
    ['apk range', "apk add 'curl>=8'", 'curl>=8'],
  ])('%s is skipped, not pinned', (_t, text, argument) => {
    const got = summarize(text);
    expect(got.pins).toEqual([]);
    expect(got.skipped).toEqual([argument]);
  });

  it('replacing the range of each pin rewrites only that version', () => {
    const text = 'apt-get install -y a=1.0 "b=2.0" c:arm64=3.0';
    const found = findPackagePins(text);
    let out = text;
    for (const pin of [...found.pins].reverse()) out = out.slice(0, pin.versionRange.start) + 'X' + out.slice(pin.versionRange.end);
    expect(out).toBe('apt-get install -y a=X "b=X" c:arm64=X');
  });
});
