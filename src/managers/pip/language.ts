// How the language planner reads pip pins: `==` versions, the index each file names (or inherits through -r/-c), and the release's hashes.
import { dataOf, type Release } from '../../types.js';
import type { LanguageSupport } from '../language-support.js';
import { resolveInclude } from './includes.js';
import { joinHashes, parseRequirementsFile, REQUIREMENTS_FILE } from './parse.js';

/** A PyPI release as the pypi datasource reports it: its files' hashes come along. */
export interface PipRelease extends Release {
  files: { filename: string; hash: string }[];
}

const indexUrlsByTexts = new WeakMap<ReadonlyMap<string, string>, Map<string, string>>();

/** Index URL per file: its own `--index-url`, else that of a file that includes it with -r/-c (through any depth). */
function indexUrls(texts: ReadonlyMap<string, string>): Map<string, string> {
  const cached = indexUrlsByTexts.get(texts);
  if (cached) return cached;
  const own = new Map<string, string>();
  const includes: [string, string][] = [];
  // Files named only by an include hold pip dependencies without matching pip's file names.
  const queue = [...texts.keys()].filter((f) => REQUIREMENTS_FILE.test(f));
  const seen = new Set(queue);
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i]!;
    const parsed = parseRequirementsFile(texts.get(file) ?? '');
    if (parsed.indexUrl) own.set(file, parsed.indexUrl);
    for (const include of parsed.includes) {
      const target = resolveInclude(file, include.path);
      if (!('path' in target) || !texts.has(target.path)) continue;
      includes.push([file, target.path]);
      if (!seen.has(target.path)) {
        seen.add(target.path);
        queue.push(target.path);
      }
    }
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const [parent, child] of includes) {
      const url = own.get(parent);
      if (url && !own.has(child)) {
        own.set(child, url);
        changed = true;
      }
    }
  }
  indexUrlsByTexts.set(texts, own);
  return own;
}

/** The app's PIP_INDEX_URL is the default index; its credentials also serve its own origin. */
export const pipLanguage: LanguageSupport<PipRelease> = {
  versioning: 'pep440',
  current(dep) {
    return { version: dep.currentValue!, locked: true };
  },
  lookup(dep, texts, settings) {
    const appIndexUrl = settings.PIP_INDEX_URL;
    const extra = dataOf(dep, 'pip')!;
    const main = extra.indexUrl ?? indexUrls(texts).get(dep.file) ?? appIndexUrl;
    const withApp = (url: string) => withAppCredentials(url, appIndexUrl);
    const urls = [...(main ? [withApp(main)] : []), ...(extra.extraIndexUrls ?? []).map(withApp)];
    return urls.length ? { registryUrls: urls } : {};
  },
  newValue(_dep, _current, target) {
    return target.version;
  },
  // Hashes only where the pin had them, and then every file of the release (as pip-compile --generate-hashes).
  newDigest(dep, target) {
    return dep.currentDigest === null ? null : joinHashes(target.files.map((f) => f.hash));
  },
};

/** The index URL with the app's `user:password@` when it is on the app index's origin and names none of its own. */
export function withAppCredentials(indexUrl: string, appIndexUrl: string | undefined): string {
  if (!appIndexUrl) return indexUrl;
  try {
    const [url, app] = [new URL(indexUrl), new URL(appIndexUrl)];
    if (url.username !== '' || url.password !== '' || (app.username === '' && app.password === '')) return indexUrl;
    if (url.origin !== app.origin) return indexUrl;
    url.username = app.username;
    url.password = app.password;
    return url.href;
  } catch {
    return indexUrl;
  }
}
