// Debian's published release data (distro-info-data's debian.csv): when each release's security support ends.

export interface DebianRelease {
  /** `12`; empty for releases without a number (sid, experimental). */
  version: string;
  /** `bookworm`. */
  series: string;
  /** Regular security support ends (YYYY-MM-DD), or null when not yet announced. */
  eol: string | null;
  /** Debian LTS ends, or null. */
  eolLts: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Rows of `version,codename,series,created,release,eol,eol-lts,...`, read by the header's names. */
export function parseDebianReleases(csv: string): DebianRelease[] {
  const lines = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim().toLowerCase());
  const column = (name: string) => header.indexOf(name);
  const [version, series, eol, eolLts] = [column('version'), column('series'), column('eol'), column('eol-lts')];
  if (series < 0 || eol < 0) throw new Error('the Debian release data has no "series" and "eol" columns');
  return lines.flatMap((line) => {
    const cells = line.split(',').map((c) => c.trim());
    const date = (i: number) => (i >= 0 && DATE.test(cells[i] ?? '') ? cells[i]! : null);
    const row = { version: version >= 0 ? (cells[version] ?? '') : '', series: (cells[series] ?? '').toLowerCase(), eol: date(eol), eolLts: date(eolLts) };
    // Names end up in PR bodies and issues: a row that is not plain data is left out.
    return VERSION.test(row.version) && SERIES.test(row.series) ? [row] : [];
  });
}

const VERSION = /^(\d{1,3}(\.\d{1,3})?)?$/;
const SERIES = /^[a-z][a-z0-9-]{0,31}$/;

/** The release an image's os-release names: `VERSION_ID` 12 (or 12.8), else its codename. */
export function findDebianRelease(releases: readonly DebianRelease[], release: string | null, codename: string | null): DebianRelease | undefined {
  const major = release?.split('.')[0];
  return releases.find((r) => (major && r.version === major) || (codename && r.series === codename.toLowerCase()));
}
