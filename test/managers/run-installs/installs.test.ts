// Pinned installs inside RUN: which installer forms are read, where each version sits, and why some are listed but not moved.
import { describe, expect, it } from 'vitest';
import { extractRunInstalls, findInstallPins, updateRunInstall } from '../../../src/managers/run-installs/index.js';
import type { InstallLocation } from '../../../src/managers/run-installs/index.js';
import { UpdateError } from '../../../src/types.js';

const pins = (command: string) => findInstallPins(command).pins.map((p) => `${p.installer} ${p.name} ${p.version}${p.problem ? ` (${p.problem})` : ''}`);

describe('findInstallPins', () => {
  it.each([
    ['pip install requests==2.31.0', ['pip requests 2.31.0']],
    ['pip install --no-cache-dir requests==2.31.0', ['pip requests 2.31.0']],
    ['pip3 install -q -U --no-cache-dir a==1 b==2.0.post1 c>=3 d', ['pip a 1', 'pip b 2.0.post1']],
    ['pip install "requests[socks,security]==2.31.0"', ['pip requests 2.31.0']],
    ['python3 -m pip install --upgrade pip==24.0', ['pip pip 24.0']],
    ['uv pip install --system ruff==0.4.4', ['pip ruff 0.4.4']],
    ['pip install -r requirements.txt -c constraints==1.txt flask==3.0.0', ['pip flask 3.0.0']],
    ['pip install --index-url https://pypi.example/simple flask==3.0.0', ['pip flask 3.0.0']],
    ['pip install "django==4.*" "numpy~=1.26" "x===1.0"', []],
    ['pip download flask==3.0.0', []],
    ['npm install -g typescript@5.4.5', ['npm typescript 5.4.5']],
    ['npm install typescript@5.4.5 -g', ['npm typescript 5.4.5']],
    ['npm i --global --prefix /opt @angular/cli@17.3.0 eslint@^9', ['npm @angular/cli 17.3.0']],
    ['npm install -g npm@latest', ['npm npm latest (not-pinned: latest is a tag, not a version)']],
    ['npm ci', []],
    ['go install golang.org/x/tools/cmd/goimports@v0.20.0', ['go golang.org/x/tools/cmd/goimports v0.20.0']],
    ['go install -ldflags "-s -w" github.com/a/b@v1.2.3', ['go github.com/a/b v1.2.3']],
    ['go install github.com/a/b@latest', ['go github.com/a/b latest (not-pinned: latest is a tag, not a version)']],
    ['gem install bundler -v 2.5.9', ['gem bundler 2.5.9']],
    ['gem install --no-document bundler --version=2.5.9', ['gem bundler 2.5.9']],
    ["gem install rails:7.1.3 -N", ['gem rails 7.1.3']],
    ["gem install bundler -v '~> 2.5'", []],
    ['cargo install ripgrep --version 14.1.0', ['cargo ripgrep 14.1.0']],
    ['cargo install --locked cargo-watch@8.5.2', ['cargo cargo-watch 8.5.2']],
    ['set -eux; apt-get update && sudo -E pip install flask==3.0.0 || true', ['pip flask 3.0.0']],
    ["sh -c 'npm install -g pnpm@9.1.0'", ['npm pnpm 9.1.0']],
    ['["pip", "install", "flask==3.0.0"]', ['pip flask 3.0.0']],
    ['pip install flask==$(cat VERSION)', ['pip flask $(cat VERSION) (the version is computed, not a plain $VAR)']],
    ['echo pip install flask==3.0.0', []],
  ])('%s', (command, expected) => {
    expect(pins(command)).toEqual(expected);
  });

  it('locates each version in the command text, through quotes and continuations', () => {
    const command = 'pip install \\\n  "black==24.1.0" \\\n  httpie==${HTTPIE_VERSION}';
    const found = findInstallPins(command).pins;
    expect(found.map((p) => command.slice(p.versionRange.start, p.versionRange.end))).toEqual(['24.1.0', '${HTTPIE_VERSION}']);
    expect(found[1]!.variable).toBe('HTTPIE_VERSION');
    expect(found.map((p) => p.pin)).toEqual(['black=={version}', 'httpie=={version}']);
  });
});

const DOCKERFILE = `FROM python:3.12-slim
ARG BLACK_VERSION=24.1.0
RUN pip install --no-cache-dir "requests[socks]==2.31.0" black==$BLACK_VERSION \\
 && npm install -g typescript@5.4.5
RUN go install github.com/a/b@v1.2.3 && gem install bundler -v 2.5.9 && cargo install ripgrep --version 14.1.0
RUN pip install flask==$UNDECLARED
`;

describe('run-installs extract and update', () => {
  const { deps, errors } = extractRunInstalls(DOCKERFILE, 'Dockerfile');

  it('lists every pin with its source, line and what it is, or why it is not moved', () => {
    expect(errors).toEqual([]);
    expect(deps.map((d) => [d.line, d.datasource, d.depName, d.currentValue, d.reference, d.skipReason ?? null])).toEqual([
      [3, 'pypi', 'requests', '2.31.0', 'requests[socks]==2.31.0', null],
      [2, 'pypi', 'black', '24.1.0', 'black==24.1.0', null],
      [4, 'npm', 'typescript', '5.4.5', 'typescript@5.4.5', null],
      [5, 'go', 'github.com/a/b', 'v1.2.3', 'github.com/a/b@v1.2.3', 'unsupported-datasource: no Go module proxy datasource yet'],
      [5, 'rubygems', 'bundler', '2.5.9', 'bundler -v 2.5.9', 'unsupported-datasource: no RubyGems datasource yet'],
      [5, 'crate', 'ripgrep', '14.1.0', 'ripgrep --version 14.1.0', 'unsupported-datasource: no crates.io datasource yet'],
      [6, 'pypi', 'flask', null, 'flask==$UNDECLARED', 'unresolved-variable: UNDECLARED (no ARG or ENV in this Dockerfile declares it)'],
    ]);
    expect(deps[0]!.extra).toMatchObject({ installer: 'pip', source: { datasource: 'pypi', depName: 'requests', versioning: 'pep440' } });
    expect(deps[2]!.extra).toMatchObject({ installer: 'npm', source: { datasource: 'npm', depName: 'typescript', versioning: 'semver' } });
  });

  it('rewrites only the version bytes, in the RUN line or in the ARG default', () => {
    const quoted = updateRunInstall(DOCKERFILE, deps[0]!, { newValue: '2.32.3', newDigest: null });
    expect(quoted).toBe(DOCKERFILE.replace('"requests[socks]==2.31.0"', '"requests[socks]==2.32.3"'));
    const viaArg = updateRunInstall(DOCKERFILE, deps[1]!, { newValue: '24.4.2', newDigest: null });
    expect(viaArg).toBe(DOCKERFILE.replace('ARG BLACK_VERSION=24.1.0', 'ARG BLACK_VERSION=24.4.2'));
    expect((deps[1]!.location as InstallLocation).in).toBe('ARG');
    const npm = updateRunInstall(DOCKERFILE, deps[2]!, { newValue: '5.5.2', newDigest: null });
    expect(extractRunInstalls(npm, 'Dockerfile').deps[2]!.currentValue).toBe('5.5.2');
    expect(npm.length - DOCKERFILE.length).toBe(0);
  });

  it('refuses pins it cannot look up, values that are not versions, and a file that changed', () => {
    expect(() => updateRunInstall(DOCKERFILE, deps[3]!, { newValue: 'v1.3.0', newDigest: null })).toThrow(/no Go module proxy/);
    expect(() => updateRunInstall(DOCKERFILE, deps[0]!, { newValue: '2.32; rm -rf /', newDigest: null })).toThrow(UpdateError);
    expect(() => updateRunInstall(DOCKERFILE.replace('2.31.0', '2.31.1'), deps[0]!, { newValue: '2.32.3', newDigest: null })).toThrow(/changed/);
  });

  it('an install whose ARG a download URL also uses follows the tool, which moves it with its checksums', () => {
    const text = [
      'FROM node:24',
      'ARG YARN_VERSION=1.22.19',
      'RUN curl -fsSLO "https://github.com/yarnpkg/yarn/releases/download/v${YARN_VERSION}/yarn-v${YARN_VERSION}.tar.gz" \\',
      ' && npm install -g yarn@${YARN_VERSION} typescript@5.4.5',
      '',
    ].join('\n');
    const { deps } = extractRunInstalls(text, 'Dockerfile');
    expect(deps.map((d) => [d.depName, d.currentValue, d.skipReason ?? null])).toEqual([
      ['yarn', '1.22.19', 'moved with the tool yarnpkg/yarn: a download URL uses YARN_VERSION too'],
      ['typescript', '5.4.5', null],
    ]);
  });

  it('an empty pinned version is a located error; the other pins of the RUN still count', () => {
    const result = extractRunInstalls('FROM python:3.12\n\nRUN pip install requests== flask==3.0.0\n', 'app/Dockerfile');
    expect(result.errors).toEqual([{ file: 'app/Dockerfile', line: 3, depName: 'requests==', message: expect.stringMatching(/empty version/) }]);
    expect(result.deps.map((d) => d.depName)).toEqual(['flask']);
  });
});
