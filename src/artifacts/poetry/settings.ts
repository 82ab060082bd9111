// What Poetry may talk to and with which credentials: the project's sources checked against the host policy, PyPI replaced by the app's index.
import { BlockedHostError } from '../../http/errors.js';
import type { PoetrySource } from '../../managers/poetry/index.js';
import type { LocatedError } from '../../types.js';
import { checkToolUrls } from '../child.js';
import type { DnsLookup } from '../../http/address-guard.js';

export interface PoetryNetwork {
  /** Poetry's built-in PyPI repository points here (a base URL: `<base>pypi/<name>/<v>/json`, `<base>simple/`). */
  pypiUrl: string;
  /** POETRY_HTTP_BASIC_<SOURCE>_USERNAME/PASSWORD for sources on the app index's origin. */
  env: Record<string, string>;
  secrets: string[];
}

/** The app's index as Poetry's PyPI base: PIP_INDEX_URL without its `/simple` (PyPI's own layout), else PyPI. */
export function pypiBaseOf(appIndexUrl: string | undefined): string {
  if (!appIndexUrl) return 'https://pypi.org/';
  return `${appIndexUrl.replace(/\/+$/, '').replace(/\/simple$/, '')}/`;
}

/** Poetry reads `http-basic.<name>.username` from POETRY_HTTP_BASIC_<NAME>_USERNAME: dots and dashes become underscores. */
export function credentialVariable(sourceName: string): string {
  return `POETRY_HTTP_BASIC_${sourceName.toUpperCase().replace(/[-.]/g, '_')}`;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Poetry asks PyPI unless a source replaces it: a default one, or one standing for PyPI itself. */
export function usesPypi(sources: readonly PoetrySource[]): boolean {
  return !sources.some((s) => s.priority === 'default' || !s.url);
}

/**
 * Checks every URL Poetry will be given (a refused one is a located error at its source's line) and
 * hands the app's credentials only to sources on its own index's origin. A source whose credential
 * variable another source on a different origin also reads gets nothing: Poetry would send the
 * same credentials to both.
 */
export async function poetryNetwork(
  pyproject: string, sources: readonly PoetrySource[], settings: Readonly<Record<string, string | undefined>>,
  insecureHosts: readonly string[], lookup?: DnsLookup,
): Promise<PoetryNetwork | LocatedError> {
  const appIndex = settings.PIP_INDEX_URL;
  const pypiUrl = pypiBaseOf(appIndex);
  const check = async (url: string, where: Omit<LocatedError, 'message'>): Promise<LocatedError | undefined> => {
    try {
      await checkToolUrls([url], insecureHosts, lookup);
      return undefined;
    } catch (err) {
      if (err instanceof BlockedHostError) return { ...where, message: `${err.message}; poetry.lock left as it is` };
      if (err instanceof TypeError) return { ...where, message: `"${url}" is no URL; poetry.lock left as it is` };
      throw err;
    }
  };
  for (const source of sources) {
    if (!source.url) continue;
    const refused = await check(source.url, { file: pyproject, line: source.line, depName: source.name });
    if (refused) return refused;
  }
  if (usesPypi(sources)) {
    const refused = await check(pypiUrl, { file: pyproject });
    if (refused) return { ...refused, message: `the app's index (PIP_INDEX_URL): ${refused.message}` };
  }
  const env: Record<string, string> = {};
  const secrets: string[] = [];
  let app: URL | undefined;
  try {
    app = appIndex ? new URL(appIndex) : undefined;
  } catch {
    app = undefined;
  }
  if (app && (app.username || app.password)) {
    secrets.push(decoded(app.password), app.password);
    const origin = (url: string) => {
      try {
        return new URL(url).origin;
      } catch {
        return undefined;
      }
    };
    for (const source of sources) {
      if (!source.url || origin(source.url) !== app.origin || new URL(source.url).username) continue;
      const variable = credentialVariable(source.name);
      const shared = sources.find((s) => s !== source && credentialVariable(s.name) === variable && (!s.url || origin(s.url) !== app.origin));
      if (shared) return { file: pyproject, line: shared.line, depName: shared.name, message: `sources "${source.name}" and "${shared.name}" read the same credentials (${variable}_*) but are on different hosts; poetry.lock left as it is` };
      env[`${variable}_USERNAME`] = decoded(app.username);
      env[`${variable}_PASSWORD`] = decoded(app.password);
    }
  }
  return { pypiUrl, env, secrets: secrets.filter((s) => s.length > 0) };
}
