// The settings Freshen writes for a yarn run: registries from allow-listed repository keys, credentials only from the operator, scripts and telemetry off.
import { isMap, isScalar } from 'yaml';
import { stringify } from 'yaml';
import { NpmrcError, npmOptionsFrom, sendsCredentials, type NpmOptions } from '../../datasources/npm/config.js';
import { HostPolicy, unbracket } from '../../http/address-guard.js';
import { parseYamlFile } from '../../managers/yaml-values.js';
import type { LocatedError } from '../../types.js';
import { knowsSetting, type YarnTool } from './tool.js';

export const YARNRC = '.yarnrc.yml';
/** The file name Freshen's own Berry settings go by (YARN_RC_FILENAME): no stray .yarnrc.yml above the temp folder is read. */
export const FRESHEN_YARNRC = '.freshen-yarnrc.yml';

type Settings = Record<string, unknown>;

/** What a repository's .yarnrc.yml may say: where packages come from and how the lockfile is laid out, nothing that runs or reads files. */
const TOP_LEVEL: Record<string, (value: unknown) => boolean> = {
  npmRegistryServer: (v) => typeof v === 'string',
  npmAlwaysAuth: (v) => typeof v === 'boolean',
  nodeLinker: (v) => typeof v === 'string' && /^(node-modules|pnp|pnpm)$/.test(v),
  compressionLevel: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 9) || v === 'mixed',
  enableTransparentWorkspaces: (v) => typeof v === 'boolean',
};
const SCOPE_KEYS: Record<string, (value: unknown) => boolean> = {
  npmRegistryServer: (v) => typeof v === 'string',
  npmAlwaysAuth: (v) => typeof v === 'boolean',
};
const SCOPE_NAME = /^[a-z0-9][\w.-]*$/i;

export class YarnConfigError extends Error {
  constructor(readonly located: LocatedError) {
    super(located.message);
  }
}

function refuse(file: string, line: number | undefined, message: string): never {
  throw new YarnConfigError({ file, ...(line ? { line } : {}), message });
}

/** A URL yarn will fetch from: absolute http(s), without `${…}` (Berry would expand it from its environment). */
function registryUrl(value: string, file: string, line: number | undefined, key: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return refuse(file, line, `${key} "${value.slice(0, 80)}" is not a URL`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || value.includes('${')) refuse(file, line, `${key} "${value.slice(0, 80)}" is not an http(s) registry URL`);
  return value.replace(/\/+$/, '');
}

/** The allow-listed settings of a repository's .yarnrc.yml; every other key (yarnPath, plugins, …) is dropped. */
export function repoYarnSettings(text: string | undefined, file: string): Settings {
  if (text === undefined) return {};
  const parsed = parseYamlFile(text, file);
  if (Array.isArray(parsed)) return refuse(file, parsed[0]?.line, parsed[0]?.message ?? 'not YAML');
  const doc = parsed.documents[0];
  if (!doc || doc.contents === null) return {};
  if (!isMap(doc.contents)) return refuse(file, 1, 'not a map of settings');
  const out: Settings = {};
  for (const pair of doc.contents.items) {
    if (!isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    const line = pair.key.range ? parsed.lineOf(pair.key.range[0]) : undefined;
    const value: unknown = isScalar(pair.value) ? pair.value.value : pair.value;
    if (key === 'npmScopes') {
      out.npmScopes = scopesOf(value, file, line, parsed.lineOf);
      continue;
    }
    const valid = TOP_LEVEL[key];
    if (!valid) continue;
    if (!valid(value)) refuse(file, line, `${key}: a value Freshen does not pass on to yarn`);
    out[key] = key === 'npmRegistryServer' ? registryUrl(value as string, file, line, key) : value;
  }
  return out;
}

function scopesOf(node: unknown, file: string, line: number | undefined, lineOf: (offset: number) => number): Settings {
  if (!isMap(node)) return refuse(file, line, 'npmScopes: not a map of scopes');
  const scopes: Settings = {};
  for (const pair of node.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const scopeLine = isScalar(pair.key) && pair.key.range ? lineOf(pair.key.range[0]) : line;
    if (!SCOPE_NAME.test(name)) refuse(file, scopeLine, `npmScopes: "${name.slice(0, 40)}" is not a scope name`);
    if (!isMap(pair.value)) refuse(file, scopeLine, `npmScopes.${name}: not a map of settings`);
    const settings: Settings = {};
    for (const inner of pair.value.items) {
      const key = isScalar(inner.key) ? String(inner.key.value) : '';
      const value: unknown = isScalar(inner.value) ? inner.value.value : inner.value;
      const valid = SCOPE_KEYS[key];
      if (!valid) continue;
      if (!valid(value)) refuse(file, scopeLine, `npmScopes.${name}.${key}: a value Freshen does not pass on to yarn`);
      settings[key] = key === 'npmRegistryServer' ? registryUrl(value as string, file, scopeLine, `npmScopes.${name}.${key}`) : value;
    }
    scopes[name] = settings;
  }
  return scopes;
}

/** The operator's npmrc (FRESHEN_NPMRC), the only source of credentials. */
export function operatorNpmOptions(settings: Readonly<Record<string, string | undefined>>): NpmOptions {
  try {
    return npmOptionsFrom({ appNpmrc: settings.FRESHEN_NPMRC, vars: { ...settings } });
  } catch (err) {
    if (err instanceof NpmrcError) throw new YarnConfigError(err.located);
    throw err;
  }
}

/**
 * The operator's credentials as Berry's `npmRegistries`, each under the host (and path) it was
 * issued for: Berry sends it only to that registry, whichever registry the repository names.
 */
function registriesFrom(options: NpmOptions): Settings {
  const registries: Record<string, Settings> = {};
  for (const [key, value] of Object.entries(options)) {
    const match = /^(\/\/.+?)\/?:(_authToken|_auth|username|_password)$/.exec(key);
    if (!match || value === '' || value.includes('${')) continue;
    const entry = (registries[match[1]!] ??= {});
    if (match[2] === '_authToken') entry.npmAuthToken = value;
    else if (match[2] === '_auth') entry.npmAuthIdent = value;
    else if (match[2] === 'username') entry.username = value;
    else entry.password = Buffer.from(value, 'base64').toString('utf8');
  }
  for (const entry of Object.values(registries)) {
    if (typeof entry.username === 'string' && typeof entry.password === 'string' && !entry.npmAuthIdent) entry.npmAuthIdent = `${entry.username}:${entry.password}`;
    delete entry.username;
    delete entry.password;
  }
  return Object.fromEntries(Object.entries(registries).filter(([, e]) => Object.keys(e).length > 0));
}

/** Every registry URL these settings send yarn to. */
function registryUrls(settings: Settings): string[] {
  const scopes = Object.values((settings.npmScopes as Record<string, Settings> | undefined) ?? {});
  return [settings.npmRegistryServer, ...scopes.map((s) => s.npmRegistryServer)].filter((u): u is string => typeof u === 'string');
}

/**
 * Berry's settings file: the repository's allow-listed keys, the operator's registry choice over
 * them (as for npm), the operator's credentials by host, and Freshen's own: no scripts, no
 * telemetry, no global cache, no age gate (Freshen chose the version already), http only for
 * FRESHEN_INSECURE_REGISTRIES.
 */
export function berrySettings(tool: YarnTool, repo: Settings, operator: NpmOptions, insecure: readonly string[], cacheFolder: string, lockFile: string): string {
  const settings: Settings = { ...repo };
  if (operator.registry) settings.npmRegistryServer = registryUrl(operator.registry, 'FRESHEN_NPMRC', undefined, 'registry');
  for (const [key, value] of Object.entries(operator)) {
    const scope = /^@([\w.~-]+):registry$/.exec(key);
    if (!scope) continue;
    const scopes = ((settings.npmScopes as Record<string, Settings> | undefined) ??= {});
    scopes[scope[1]!] = { ...scopes[scope[1]!], npmRegistryServer: registryUrl(value, 'FRESHEN_NPMRC', undefined, key) };
  }
  checkPlainHttp(registryUrls(settings), operator, insecure, lockFile);
  const registries = registriesFrom(operator);
  Object.assign(settings, {
    enableScripts: false,
    enableTelemetry: false,
    enableGlobalCache: false,
    enableImmutableInstalls: false,
    enableProgressBars: false,
    enableColors: false,
    cacheFolder,
    unsafeHttpWhitelist: [...new Set(insecure.map(hostnameOf))],
    ...(Object.keys(registries).length ? { npmRegistries: registries } : {}),
    ...(knowsSetting(tool, [4, 10]) ? { npmMinimalAgeGate: 0 } : {}),
  });
  const text = stringify(settings);
  if (text.includes('${')) throw new YarnConfigError({ file: lockFile, message: 'a setting holds "${", which yarn would expand; not run' });
  return text;
}

function hostnameOf(hostPort: string): string {
  const host = hostPort.trim().toLowerCase();
  if (host.startsWith('[')) return unbracket(host.slice(0, host.indexOf(']') + 1));
  return host.split(':')[0]!;
}

/** A registry that would be sent credentials over plain HTTP must be listed as insecure; the repository cannot downgrade it. */
export function checkPlainHttp(urls: readonly string[], options: NpmOptions, insecure: readonly string[], lockFile: string): void {
  const policy = new HostPolicy(insecure);
  for (const url of urls) {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:' || !sendsCredentials(`${url}/`, options)) continue;
    try {
      policy.checkScheme(parsed);
    } catch (err) {
      throw new YarnConfigError({ file: lockFile, message: `${(err as Error).message}; credentials are not sent over it` });
    }
  }
}
