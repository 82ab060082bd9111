// Go releases (for go.mod's `go` and `toolchain` lines) from the module proxies in GOPROXY: the `golang.org/toolchain` module lists one version per release and platform.
import type { Datasource, Release, ReleaseList } from '../../types.js';
import type { GoRelease } from './index.js';

/** `v0.0.1-go1.22.3.linux-amd64` → `1.22.3`; `v0.0.1-go1.21rc2.darwin-arm64` → `1.21rc2`. */
export function goReleaseOf(toolchainVersion: string): string | undefined {
  return /^v0\.0\.1-go(\d+\.\d+(?:\.\d+)?(?:(?:rc|beta)\d+)?)\.[a-z0-9]+-[a-z0-9]+$/.exec(toolchainVersion)?.[1];
}

/** `modules` is the Go module datasource over the same proxies. */
export function createGoToolchainReleases(modules: Datasource<GoRelease>): Datasource {
  return {
    name: 'golang-version',
    defaultVersioning: 'loose',
    async getReleases(): Promise<ReleaseList> {
      const list = await modules.getReleases('golang.org/toolchain');
      const byVersion = new Map<string, Release>();
      for (const release of list.releases) {
        const version = goReleaseOf(release.version);
        if (version && !byVersion.has(version)) byVersion.set(version, { version, ...(release.publishedAt ? { publishedAt: release.publishedAt } : {}) });
      }
      return { name: 'go', releases: [...byVersion.values()], sourceUrl: 'https://github.com/golang/go' };
    },
  };
}
