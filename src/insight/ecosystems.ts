// OSV ecosystem names for an image's distribution and for language datasources.

/**
 * `debian` + `12` → `Debian:12`; `ubuntu` + `22.04` → `Ubuntu:22.04:LTS`; `alpine` + `3.20.3` →
 * `Alpine:v3.20`. null when the release is unknown (testing, edge) or the distribution is another.
 */
export function osEcosystem(distro: string | null, release: string | null): string | null {
  if (!distro || !release) return null;
  if (distro === 'debian') {
    const major = /^(\d+)/.exec(release)?.[1];
    return major ? `Debian:${major}` : null;
  }
  if (distro === 'ubuntu') {
    const m = /^(\d\d)\.(\d\d)$/.exec(release);
    if (!m) return null;
    // LTS releases are the April ones of even years.
    const lts = Number(m[1]) % 2 === 0 && m[2] === '04';
    return `Ubuntu:${release}${lts ? ':LTS' : ''}`;
  }
  if (distro === 'alpine') {
    const m = /^(\d+)\.(\d+)(\.\d+)?$/.exec(release);
    return m ? `Alpine:v${m[1]}.${m[2]}` : null;
  }
  return null;
}
