// The CLI's side of `.github/freshen.yml`: `freshen config check`, and the config applied to extract and scan as the app applies it.
import { configuredScanOptions } from './config/apply.js';
import { readConfigFile } from './config/config-file.js';
import { registryCredentialsFromEnv } from './config/env.js';
import { isIgnored } from './engine/index.js';
import { configErrorOf, formatConfigProblem, type ConfigProblem, type RepoConfig } from './config/repo-config.js';
import { createImageLookup } from './datasources/oci/index.js';
import { OsvClient } from './datasources/osv/index.js';
import { anonymousGitHubReleases, PUBLIC_GITHUB_API, type GitHubReleaseSource } from './datasources/github-releases/index.js';
import { scanPlanners } from './config/compose.js';
import { packageIndexes, parseOsMirrors } from './engine/planners/os-pins.js';
import type { FileSource, ScanContext, ScanOptions } from './engine/types.js';
import { createHttpClient } from './http/index.js';
import { MemoryFirstSeenStore, releaseDataSource } from './insight/index.js';
import { repositoryCredentials } from './jobs/registry-credentials.js';
import type { Dependency, LocatedError } from './types.js';
import { silentLogger } from './types.js';

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The environment or the command line asks for something impossible: exit 2, as for a usage mistake. */
export class CliSetupError extends Error {}

/** `freshen config check [dir]`: 0 valid, 1 invalid; warnings (`_extends`) do not fail it. */
export async function runConfigCheck(source: FileSource, json: boolean, io: Io): Promise<number> {
  const checked = await readConfigFile(source);
  const valid = checked.problems.length === 0;
  if (json) {
    io.out(`${JSON.stringify({ valid, found: checked.found, problems: checked.problems, warnings: checked.warnings }, null, 2)}\n`);
  } else {
    for (const p of checked.problems) io.out(`${formatConfigProblem(p)}\n`);
    for (const w of checked.warnings) io.out(`${formatConfigProblem(w, 'warning')}\n`);
    io.out(!checked.found ? 'No .github/freshen.yml: the defaults apply (docs/configuration.md).\n' : valid ? '.github/freshen.yml is valid.\n' : '');
  }
  return valid ? 0 : 1;
}

/** The checkout's config; its warnings go to stderr (stdout may be JSON). Invalid: the problems, as errors. */
export async function loadCliConfig(source: FileSource, io: Io): Promise<{ config: RepoConfig; problems: [] } | { config?: undefined; problems: LocatedError[] }> {
  const checked = await readConfigFile(source);
  for (const w of checked.warnings) io.err(`freshen: ${formatConfigProblem(w, 'warning')}\n`);
  if (checked.config) return { config: checked.config, problems: [] };
  return { problems: checked.problems.map((p: ConfigProblem) => configErrorOf(p)) };
}

/** Extract lists every dependency; those the config ignores say so. */
export function markIgnored(dependencies: Dependency[], config: RepoConfig): Dependency[] {
  return dependencies.map((d) => (!d.skipReason && isIgnored(d, config.ignore) ? { ...d, skipReason: 'ignored' } : d));
}

export interface CliScanFlags {
  platforms: string[];
  minReleaseAge: string | undefined;
  whatChanged: boolean;
}

/**
 * The app's composition (src/config/apply.ts) with the CLI's parts: Docker's config.json for
 * credentials, plus FRESHEN_REGISTRY_CREDENTIALS for the config's `registries` when set (each
 * credential only for the hosts it lists, as in the app). Flags and FRESHEN_PLATFORM /
 * FRESHEN_OS_MIRRORS win over the config's keys.
 */
export function cliScanSetup(config: RepoConfig, env: NodeJS.ProcessEnv, flags: CliScanFlags): { context: ScanContext; options: ScanOptions; configErrors: LocatedError[]; config: RepoConfig } {
  const insecureHosts = (env.FRESHEN_INSECURE_REGISTRIES ?? '').split(',').filter(Boolean);
  let envMirrors: Record<string, string>;
  let appCredentials: ReturnType<typeof registryCredentialsFromEnv>;
  try {
    envMirrors = parseOsMirrors(env.FRESHEN_OS_MIRRORS ?? '');
    appCredentials = env.FRESHEN_REGISTRY_CREDENTIALS ? registryCredentialsFromEnv(env.FRESHEN_REGISTRY_CREDENTIALS) : {};
  } catch (err) {
    throw new CliSetupError((err as Error).message);
  }
  const applied: RepoConfig = {
    ...config,
    platform: env.FRESHEN_PLATFORM || config.platform,
    osMirrors: { ...config.osMirrors, ...envMirrors },
    ...(flags.platforms.length ? { platforms: flags.platforms } : {}),
    ...(flags.minReleaseAge ? { minimumReleaseAge: flags.minReleaseAge } : {}),
  };
  // Without FRESHEN_REGISTRY_CREDENTIALS the names in `registries` mean nothing here: Docker's config.json answers.
  const { credentials, errors } = env.FRESHEN_REGISTRY_CREDENTIALS ? repositoryCredentials(config.registries, appCredentials) : { credentials: {}, errors: [] };
  const images = createImageLookup({ insecureRegistries: insecureHosts, dockerConfigDir: env.DOCKER_CONFIG, credentials, log: silentLogger });
  const osvUrl = env.FRESHEN_OSV_URL && env.FRESHEN_OSV_URL !== 'off' ? env.FRESHEN_OSV_URL : undefined;
  const osv = osvUrl ? new OsvClient(createHttpClient({ insecureHosts: [new URL(osvUrl).host] }), osvUrl) : undefined;
  const endOfLife = cliReleaseData(env);
  const planners = scanPlanners(applied, {
    settings: env,
    insecureRegistries: insecureHosts,
    http: createHttpClient({ insecureHosts }),
    toolReleases: cliToolReleases(env, insecureHosts),
    images,
    indexes: packageIndexes(createHttpClient({ insecureHosts, maxBodyBytes: 256 * 1024 ** 2 })),
    // Layer reads and OSV cost time and network: only when asked.
    insight: { firstSeen: new MemoryFirstSeenStore(), skipWhatChanged: !flags.whatChanged && !osv, ...(osv ? { osv } : {}), ...(endOfLife ? { endOfLife } : {}) },
  });
  return { context: { images, log: silentLogger, planners }, options: configuredScanOptions(applied), configErrors: errors, config: applied };
}


/** FRESHEN_DEBIAN_RELEASES_URL / FRESHEN_ALPINE_RELEASES_URL: as with OSV, the CLI asks only when told where. */
function cliReleaseData(env: NodeJS.ProcessEnv) {
  const urls = { debian: env.FRESHEN_DEBIAN_RELEASES_URL, alpine: env.FRESHEN_ALPINE_RELEASES_URL };
  const chosen = Object.values(urls).filter((url): url is string => !!url && url !== 'off');
  if (chosen.length === 0) return undefined;
  let insecureHosts: string[];
  try {
    insecureHosts = chosen.map((url) => new URL(url).host);
  } catch {
    throw new CliSetupError(`FRESHEN_DEBIAN_RELEASES_URL / FRESHEN_ALPINE_RELEASES_URL: expected a URL or off`);
  }
  return releaseDataSource({ http: createHttpClient({ insecureHosts, maxBodyBytes: 4 * 1024 ** 2, retries: 1 }), urls });
}

/**
 * GitHub releases of tools a Dockerfile downloads, read anonymously from FRESHEN_GITHUB_API (default
 * the public API; its host may be private or plain HTTP, as for a GitHub Enterprise server).
 */
function cliToolReleases(env: NodeJS.ProcessEnv, insecureHosts: string[]): GitHubReleaseSource {
  const api = env.FRESHEN_GITHUB_API || PUBLIC_GITHUB_API;
  let apiHost: string;
  try {
    apiHost = new URL(api).host;
  } catch {
    throw new CliSetupError(`FRESHEN_GITHUB_API: "${api}" is not a URL`);
  }
  const http = createHttpClient({ insecureHosts: env.FRESHEN_GITHUB_API ? [...insecureHosts, apiHost] : insecureHosts });
  return anonymousGitHubReleases(http, api);
}
