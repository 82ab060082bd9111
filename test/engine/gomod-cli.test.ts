// `freshen scan <dir> --write` on a Go module against a loopback module proxy: go.mod and go.sum moved by the go command; go mod verify and go build accept them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../support/cli.js';
import { startGoProxy, type GoProxyServer } from '../support/go-proxy.js';
import { goTestSettings, runGo } from '../support/go-tool.js';
import { tempCheckout, tempDir } from '../support/temp-dir.js';

const PSEUDO = 'v0.0.0-20240101120000-abcdef123456';
const GO_MOD = `module example.com/app

go 1.19

require (
	example.com/greet v1.0.0
	example.com/old v1.0.0
	example.com/pseudo ${PSEUDO}
	example.com/forked v1.0.0
	example.com/ex v1.0.0 // indirect
)

exclude example.com/ex v1.1.0

replace example.com/forked => example.com/fork v1.0.0
`;
const MAIN_GO = `package main

import (
	"fmt"

	"example.com/ex"
	"example.com/forked"
	"example.com/greet"
	"example.com/old"
	"example.com/pseudo"
)

func main() { fmt.Println(greet.Version(), old.Version(), pseudo.Version(), forked.Version(), ex.Version()) }
`;
const forkVersion = (version: string) => ({ version, goMod: 'module example.com/forked\n\ngo 1.19\n', files: { 'forked.go': `package forked\n\nfunc Version() string { return "fork ${version}" }\n` } });

let proxy: GoProxyServer;
const home = tempDir('freshen-gomod-cli-home-');

beforeAll(async () => {
  proxy = await startGoProxy([
    { path: 'example.com/dep', versions: [{ version: 'v1.0.0' }] },
    {
      path: 'example.com/greet',
      versions: [
        { version: 'v1.0.0', time: '2023-01-01T00:00:00Z' },
        { version: 'v1.1.0', time: '2023-02-01T00:00:00Z', goMod: 'module example.com/greet\n\ngo 1.19\n\nrequire example.com/dep v1.0.0\n', files: { 'greet.go': 'package greet\n\nimport "example.com/dep"\n\nfunc Version() string { return "v1.1.0 " + dep.Version() }\n' } },
      ],
    },
    { path: 'example.com/greet/v2', versions: [{ version: 'v2.0.0' }] },
    { path: 'example.com/old', versions: [{ version: 'v1.0.0', goMod: null }, { version: 'v2.0.0+incompatible', goMod: null }] },
    { path: 'example.com/pseudo', versions: [{ version: PSEUDO, unlisted: true }, { version: 'v0.1.0' }] },
    { path: 'example.com/fork', versions: [forkVersion('v1.0.0'), forkVersion('v1.1.0')] },
    { path: 'example.com/ex', versions: [{ version: 'v1.0.0' }, { version: 'v1.1.0' }] },
  ]);
}, 60_000);

afterAll(async () => {
  await proxy?.close();
});

function cli(args: string[]) {
  return runCliCaptured(args, { PATH: process.env.PATH, ...goTestSettings(proxy.url), FRESHEN_INSECURE_REGISTRIES: proxy.host });
}

describe('freshen scan --write on a Go module', () => {
  it('moves requirements, +incompatible, a pseudo-version and a replacement; holds the excluded version and the /v2 path; go mod verify and go build accept the result', async () => {
    const dir = tempCheckout('freshen-gomod-cli-', { 'go.mod': GO_MOD, 'main.go': MAIN_GO, Dockerfile: 'FROM scratch\n' });
    await runGo(dir, ['mod', 'tidy'], goTestSettings(proxy.url), home);
    const result = await cli(['scan', dir, '--write', '--json']);
    expect(result.err).toBe('');
    const report = JSON.parse(result.out) as { updates: { depName: string; to: string }[]; held: { depName: string; to: string; reason: string }[]; errors: unknown[] };
    expect(report.errors).toEqual([]);
    expect(report.updates.map((u) => [u.depName, u.to])).toEqual([
      ['example.com/greet', 'v1.1.0'],
      ['example.com/old', 'v2.0.0+incompatible'],
      ['example.com/pseudo', 'v0.1.0'],
      ['example.com/fork', 'v1.1.0'],
    ]);
    expect(report.held.map((h) => [h.depName, h.to, h.reason]).sort()).toEqual([
      ['example.com/ex', 'v1.1.0', 'v1.1.0 is excluded in go.mod (line 13)'],
      ['example.com/greet', 'v2.0.0', 'new major module path example.com/greet/v2: change the import paths by hand'],
    ]);
    const goMod = readFileSync(join(dir, 'go.mod'), 'utf8');
    const goSum = readFileSync(join(dir, 'go.sum'), 'utf8');
    expect(goMod).toContain('example.com/greet v1.1.0\n');
    expect(goMod).toContain('example.com/old v2.0.0+incompatible');
    expect(goMod).toContain('example.com/pseudo v0.1.0');
    expect(goMod).toContain('replace example.com/forked => example.com/fork v1.1.0');
    expect(goMod).toContain('example.com/ex v1.0.0');
    expect(goMod).toMatch(/example\.com\/dep v1\.0\.0 \/\/ indirect/);
    expect(goSum).toContain('example.com/greet v1.1.0 h1:');
    expect(goSum).not.toContain('example.com/greet v1.0.0 h1:');
    const readonly = { ...goTestSettings(proxy.url), GOFLAGS: '-mod=readonly -modcacherw' };
    expect(await runGo(dir, ['mod', 'verify'], readonly, home)).toContain('all modules verified');
    await runGo(dir, ['build', './...'], readonly, home);
  }, 300_000);
});

describe("go.mod's go and toolchain lines", () => {
  const files = (config?: string) => ({
    'go.mod': 'module example.com/lines\n\ngo 1.22\n\ntoolchain go1.22.3\n',
    ...(config ? { '.github/freshen.yml': config } : {}),
  });
  let toolchains: GoProxyServer;
  beforeAll(async () => {
    toolchains = await startGoProxy([{
      path: 'golang.org/toolchain',
      versions: ['v0.0.1-go1.22.3.linux-amd64', 'v0.0.1-go1.23.4.linux-amd64', 'v0.0.1-go1.23.4.darwin-arm64', 'v0.0.1-go1.24rc1.linux-amd64'].map((version) => ({ version })),
    }]);
  });
  afterAll(async () => {
    await toolchains?.close();
  });
  const env = () => ({ PATH: process.env.PATH, ...goTestSettings(toolchains.url), FRESHEN_INSECURE_REGISTRIES: toolchains.host });
  const scanJson = async (dir: string) => (await runCliCaptured(['scan', dir, '--json'], env())).json as { updates: { depName: string; from: string; to: string }[]; errors: unknown[] };

  it('are left alone by default: nothing is asked of the proxy for them', async () => {
    const report = await scanJson(tempCheckout('freshen-golines-', files()));
    expect(report.updates).toEqual([]);
    expect(toolchains.requests).toEqual([]);
  });

  it('move to the newest stable Go release at their written precision with goDirective: bump', async () => {
    const report = await scanJson(tempCheckout('freshen-golines-', files('goDirective: bump\n')));
    expect(report.errors).toEqual([]);
    expect(report.updates.map((u) => [u.depName, u.from, u.to])).toEqual([['go', '1.22', '1.23'], ['toolchain', '1.22.3', 'go1.23.4']]);
    const dir = tempCheckout('freshen-golines-', files('goDirective: bump\n'));
    await runCliCaptured(['scan', dir, '--write'], env());
    expect(readFileSync(join(dir, 'go.mod'), 'utf8')).toBe('module example.com/lines\n\ngo 1.23\n\ntoolchain go1.23.4\n');
  });
});
