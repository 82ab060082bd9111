// Links a PR may show: a GitHub compare of two image revisions, and a distribution's own package pages.
// Only pages the distribution itself publishes; nothing guessed, no package mirrors.

/** `https://github.com/o/r(.git)` + two revisions → the compare page; null for anything else. */
export function compareUrl(source: string | undefined, from: string | undefined, to: string | undefined): string | null {
  if (!source || !from || !to || from === to) return null;
  const m = /^(?:https?:\/\/|git@)github\.com[/:]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(source.trim());
  if (!m) return null;
  if (!/^[0-9a-f]{7,40}$/i.test(from) || !/^[0-9a-f]{7,40}$/i.test(to)) return null;
  return `https://github.com/${m[1]}/${m[2]}/compare/${from}...${to}`;
}

export interface PackageLink {
  label: string;
  url: string;
}

const SAFE_NAME = /^[a-z0-9][a-z0-9+.-]*$/;

/** The distribution's changelog and security pages for a source package, where it publishes them. */
export function packageLinks(distro: string | null, source: string): PackageLink[] {
  if (!SAFE_NAME.test(source)) return [];
  const name = encodeURIComponent(source);
  switch (distro) {
    case 'debian':
      return [
        { label: 'tracker', url: `https://tracker.debian.org/pkg/${name}` },
        { label: 'security', url: `https://security-tracker.debian.org/tracker/source-package/${name}` },
      ];
    case 'ubuntu':
      return [
        { label: 'changelog', url: `https://launchpad.net/ubuntu/+source/${name}/+changelog` },
        { label: 'security', url: `https://ubuntu.com/security/cves?package=${name}` },
      ];
    case 'alpine':
      return [{ label: 'security', url: `https://security.alpinelinux.org/srcpkg/${name}` }];
    default:
      return [];
  }
}

/** The page of one vulnerability id on OSV's public site. */
export function vulnerabilityUrl(id: string): string {
  return `https://osv.dev/vulnerability/${encodeURIComponent(id)}`;
}
