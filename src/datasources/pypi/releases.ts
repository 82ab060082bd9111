// PyPI behind the Datasource interface: the main index and every extra index asked, releases joined as pip sees them.
import type { Datasource, Release, ReleaseList } from '../../types.js';
import type { PypiDatasource, PypiFile, PypiProject, PypiRelease } from './index.js';

export interface PypiReleaseFiles extends Release {
  files: PypiFile[];
}

/** One project from several indexes, as pip sees it with --extra-index-url: every release of each, files joined. */
export function mergeProjects(found: PypiProject[]): PypiProject {
  const [first, ...rest] = found;
  if (!first || rest.length === 0) return first!;
  const byVersion = new Map<string, PypiRelease>();
  for (const release of found.flatMap((p) => p.releases)) {
    const seen = byVersion.get(release.version);
    if (!seen) { byVersion.set(release.version, release); continue; }
    const names = new Set(seen.files.map((s) => s.filename));
    const files = [...seen.files, ...release.files.filter((f) => !names.has(f.filename))];
    const publishedAt = [seen.publishedAt, release.publishedAt].filter((t): t is string => !!t).sort()[0];
    byVersion.set(release.version, { version: release.version, yanked: seen.yanked && release.yanked, files: files.sort((a, b) => a.filename.localeCompare(b.filename)), ...(publishedAt ? { publishedAt } : {}) });
  }
  const sourceUrl = found.find((p) => p.sourceUrl)?.sourceUrl;
  return { name: first.name, releases: [...byVersion.values()], ...(sourceUrl ? { sourceUrl } : {}) };
}

/** `registryUrls` are the main index then the extra ones; an index without the project is skipped, all failing is an error. */
export function createPypiReleases(pypi: PypiDatasource): Datasource<PypiReleaseFiles> {
  return {
    name: 'pypi',
    defaultVersioning: 'pep440',
    osvEcosystem: 'PyPI',
    async getReleases(name, lookup = {}): Promise<ReleaseList<PypiReleaseFiles>> {
      const [main, ...extras] = lookup.registryUrls ?? [];
      let project: PypiProject;
      if (extras.length === 0) {
        project = await pypi.getProject(name, main);
      } else {
        const settled = await Promise.allSettled([main, ...extras.filter((e) => e !== main)].map((index) => pypi.getProject(name, index)));
        const found = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
        if (found.length === 0) throw (settled[0] as PromiseRejectedResult).reason;
        project = mergeProjects(found);
      }
      // A release without files cannot be installed: it is no candidate.
      const releases = project.releases.filter((r) => r.files.length > 0).map((r) => ({ version: r.version, yanked: r.yanked, files: r.files, ...(r.publishedAt ? { publishedAt: r.publishedAt } : {}) }));
      return { name: project.name, releases, ...(project.sourceUrl ? { sourceUrl: project.sourceUrl } : {}) };
    },
  };
}
