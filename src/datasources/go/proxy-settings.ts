// GOPROXY, GONOPROXY and GOPRIVATE as the app's settings give them: the proxies Freshen asks, and the modules it may not.

export const DEFAULT_GOPROXY = 'https://proxy.golang.org';

export interface GoProxy {
  url: string;
  /** Written before `|`: any failure moves on to the next proxy, not only 404/410 (`,`). */
  fallBackOnError: boolean;
}

export interface GoProxySettings {
  proxies: GoProxy[];
  /** Entries Freshen never uses (`direct`, and anything after `off`), for the log. */
  ignored: string[];
  /** `off` came before any usable proxy: no module is looked up. */
  off: boolean;
}

export class GoProxySettingError extends Error {
  override name = 'GoProxySettingError';
}

/**
 * Reads a GOPROXY value: proxy URLs separated by `,` (next on 404/410) or `|` (next on any error).
 * `direct` would make the tool fetch from version control hosts no policy checks, so it is never
 * used; `off` stops the list there. Unset or empty means the public proxy, as for the go command.
 */
export function parseGoProxy(value: string | undefined): GoProxySettings {
  const text = value?.trim() || DEFAULT_GOPROXY;
  const proxies: GoProxy[] = [];
  const ignored: string[] = [];
  let off = false;
  for (const match of text.matchAll(/([^,|]*)([,|]?)/g)) {
    const entry = match[1]!.trim();
    if (entry === '' && match[2] === '') continue;
    if (off) {
      ignored.push(entry);
    } else if (entry === 'direct') {
      ignored.push(entry);
    } else if (entry === 'off') {
      off = true;
    } else if (entry !== '') {
      let url: URL;
      try {
        url = new URL(entry);
      } catch {
        throw new GoProxySettingError(`GOPROXY setting: "${entry.slice(0, 80)}" is not a URL`);
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new GoProxySettingError(`GOPROXY setting: ${url.protocol} proxies are not supported`);
      proxies.push({ url: entry.replace(/\/+$/, ''), fallBackOnError: match[2] === '|' });
    }
  }
  return { proxies, ignored, off: off && proxies.length === 0 };
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/**
 * Whether a comma list of path globs (GONOPROXY, GOPRIVATE, GONOSUMDB) matches a prefix of the
 * module path, element by element, as golang.org/x/mod/module.MatchPrefixPatterns does.
 */
export function matchesPrefixPatterns(patterns: string, path: string): boolean {
  const elements = path.split('/');
  for (const pattern of patterns.split(',').map((p) => p.trim()).filter(Boolean)) {
    const parts = pattern.split('/');
    if (parts.length > elements.length) continue;
    try {
      if (globToRegExp(pattern).test(elements.slice(0, parts.length).join('/'))) return true;
    } catch {
      // A pattern no regular expression can hold matches nothing.
    }
  }
  return false;
}

/** The modules the go command would fetch directly (GONOPROXY, else GOPRIVATE; `none` for no module). */
export function fetchedDirectly(settings: Readonly<Record<string, string | undefined>>, path: string): string | undefined {
  const noProxy = settings.GONOPROXY ?? settings.GOPRIVATE;
  if (!noProxy || noProxy.trim() === 'none') return undefined;
  if (!matchesPrefixPatterns(noProxy, path)) return undefined;
  return settings.GONOPROXY !== undefined ? 'GONOPROXY' : 'GOPRIVATE';
}

/**
 * `https://user:token@proxy/` → the URL without them and the Basic header they stand for, as the
 * go command sends it. The header goes only to that origin: the HTTP client drops it on a redirect elsewhere.
 */
export function proxyCredentials(proxyUrl: string): { base: string; authorization?: string } {
  const url = new URL(proxyUrl);
  if (url.username === '' && url.password === '') return { base: proxyUrl };
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const userPass = `${decode(url.username)}:${decode(url.password)}`;
  url.username = '';
  url.password = '';
  return { base: url.href.replace(/\/+$/, ''), authorization: `Basic ${Buffer.from(userPass).toString('base64')}` };
}
