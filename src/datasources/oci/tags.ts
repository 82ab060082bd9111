// Tag listing: /tags/list pages followed through their `Link: <…>; rel="next"` headers.
import { z } from 'zod';
import type { HttpResponse } from '../../http/index.js';

const tagPage = z.object({ tags: z.array(z.string()).nullish() });

/** The target of the `rel="next"` entry of a Link header, or undefined. */
export function nextLink(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/s.exec(part);
    if (m && /;\s*rel\s*=\s*"?[^";]*\bnext\b/i.test(m[2] ?? '')) return m[1];
  }
  return undefined;
}

/** The distribution spec's tag grammar: longer or other strings are no tags of any image. */
const TAG = /^[\w][\w.-]{0,127}$/;

/**
 * Fetches `firstPath` and every next page. `fetchPage` gets a path (with query) on the same
 * registry and returns the 200 answer or throws. A registry may send more per page than asked:
 * past `maxTags` in all the listing fails rather than fill the worker's memory.
 */
export async function fetchAllTags(
  firstPath: string,
  maxPages: number,
  fetchPage: (path: string) => Promise<HttpResponse>,
  maxTags = Infinity,
): Promise<string[]> {
  const tags: string[] = [];
  const seen = new Set<string>();
  let path: string | undefined = firstPath;
  for (let page = 0; path !== undefined; page++) {
    if (page >= maxPages) throw new Error(`listing tags: gave up after ${maxPages} pages`);
    if (seen.has(path)) throw new Error(`listing tags: the registry's next-page link loops back to ${path}`);
    seen.add(path);
    const res = await fetchPage(path);
    const parsed = tagPage.safeParse(parseJson(res.body));
    if (!parsed.success) throw new Error('listing tags: the registry answered something that is not a tag list');
    for (const tag of parsed.data.tags ?? []) if (TAG.test(tag)) tags.push(tag);
    if (tags.length > maxTags) throw new Error(`listing tags: the registry lists more than ${maxTags} tags`);
    path = nextPath(res, nextLink(res.headers.link));
  }
  return tags;
}

function nextPath(res: HttpResponse, link: string | undefined): string | undefined {
  if (!link) return undefined;
  const current = new URL(res.url);
  const next = new URL(link, current);
  // Our credentials go with the path; a next page on another host is not followed.
  if (next.origin !== current.origin) throw new Error(`listing tags: the next-page link points to another host (${next.origin})`);
  return `${next.pathname}${next.search}`;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
