// The repository config `.github/freshen.yml`: one zod schema, defaults and docs beside each field.
import { z } from 'zod';
import { parseDuration } from '../insight/release-age.js';
import { parseScheduleEntry, scanCronFor, ScheduleError } from '../insight/schedule.js';
import { rebuildSettingsSchema } from '../rebuild/types.js';
import { CONFIG_PATH, type LocatedError } from '../types.js';

export { CONFIG_PATH };

const cronField = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;

const cron = z.string().refine(
  (value) => {
    const fields = value.trim().split(/\s+/);
    return fields.length === 5 && fields.every((f) => cronField.test(f));
  },
  { message: 'expected a 5-field cron expression such as "0 4 * * 1"' },
);

const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an IANA time zone such as "Europe/Berlin"' },
);

const groupName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'expected a lowercase name usable in a branch (a-z, 0-9, ".", "_", "-")');

const group = z.strictObject({
  name: groupName.meta({ description: 'Names the group; its PR lives on branch `freshen/<name>`.', examples: ['base-images'] }),
  match: z.array(z.string().min(1)).min(1).optional()
    .meta({ description: 'Dependency names or file paths (globs) that belong to this group (default: any).', examples: [['docker.io/library/*', 'services/**']] }),
  matchUpdateTypes: z.array(z.enum(['major', 'minor', 'patch', 'digest', 'pin'])).min(1).optional()
    .meta({ description: 'Only updates of these types belong to this group (default: any); `major` here implies `includeMajor`.', examples: [['digest', 'patch']] }),
  includeMajor: z.boolean().default(false).meta({ description: 'Put major updates of this group in the same PR (default: each major on its own).' }),
}).refine((g) => g.match !== undefined || g.matchUpdateTypes !== undefined, { message: 'a group needs "match", "matchUpdateTypes" or both' });

const registry = z.strictObject({
  host: z.string().regex(/^[A-Za-z0-9.-]+(:\d+)?$/, 'expected a host or host:port')
    .meta({ description: 'Registry host[:port] exactly as written in image references.', examples: ['registry.corp.example:5000'] }),
  credentials: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected the name of an app-side credential, not a secret').optional().meta({
    description: 'Name of a credential configured on the app side (`FRESHEN_REGISTRY_CREDENTIALS`), never the secret itself. The app sends it only to the hosts that credential lists.',
    examples: ['corp'],
  }),
});

/** A cron string says when scans run; a list says when PRs may open ("before 6am on monday" or cron). */
const schedule = z.union([z.string(), z.array(z.string()).min(1)]).superRefine((value, ctx) => {
  if (typeof value === 'string') {
    if (!cron.safeParse(value).success) {
      ctx.addIssue({ code: 'custom', message: 'expected a 5-field cron expression such as "0 4 * * 1" (when scans run), or a list of windows such as ["before 6am on monday"]' });
    }
    return;
  }
  value.forEach((entry, i) => {
    try {
      parseScheduleEntry(entry);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: [i], message: err instanceof ScheduleError ? err.message : String(err) });
    }
  });
});

const platformName = z.string().regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, 'expected os/arch[/variant] such as "linux/arm64"');

const releaseAge = z.string().refine((v) => parseDuration(v) !== null, { message: 'expected a duration such as "3 days", "12 hours" or "1 week"' });

const security = z.strictObject({
  bypassSchedule: z.boolean().default(true).meta({ description: 'Open PRs that fix known vulnerabilities outside the `schedule` windows.' }),
  bypassReleaseAge: z.boolean().default(true).meta({ description: 'Propose security fixes before they reach `minimumReleaseAge`.' }),
});

const processName = z.enum(['pinned', 'rebuild']);

const imageProcess = z.strictObject({
  match: z.string().min(1).meta({ description: 'An image name or glob (`python`, `ghcr.io/org/*`, `node:20*`).', examples: ['ghcr.io/acme/*'] }),
  process: processName.meta({ description: 'The process this image follows.' }),
});

/** `[owner/]repo[:path.yml]`, as Probot's config loader reads it. */
const extendsTarget = /^(?:([a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38})\/)?([-_.\w\d]+)(?::([-_./\w\d]+\.ya?ml))?$/i;

export const repoConfigSchema = z.strictObject({
  _extends: z.string().regex(extendsTarget, 'expected [owner/]repository[:path.yml], such as ".github" or "acme/.github:freshen-base.yml"').optional().meta({
    description: 'Another repository whose config is read first; keys in this file win, one level deep (a key given here replaces that key\'s whole value). `.github` means the organisation\'s `.github` repository. The app resolves it; `freshen config check` cannot (it warns and checks this file alone).',
    examples: ['.github', 'acme/.github:freshen-base.yml'],
  }),
  process: processName.default('pinned')
    .meta({ description: '`pinned`: PRs with pinned digests. `rebuild`: trigger the image build when a base changes (see the rebuild process in docs/app.md).' }),
  images: z.array(imageProcess).default([])
    .meta({ description: 'Per-image overrides of `process`; the first whose `match` fits wins.', examples: [[{ match: 'python', process: 'rebuild' }]] }),
  rebuild: rebuildSettingsSchema.optional().meta({ description: 'What the rebuild process dispatches (`workflow` or `event`), and how.' }),
  schedule: schedule.optional().meta({
    description: 'A cron string: when the scheduled scan runs. Default: nightly when any image follows the rebuild process, else weekly at a time derived from the installation. A list of windows (`before 6am on monday`, `after 10pm every weekday`, `every weekend`, `between 9am and 5pm on weekdays`, or crons whose hours count): PRs open or change only inside them, and scans run hourly inside them.',
    examples: ['0 4 * * 1', ['before 6am on monday']],
  }),
  timezone: timezone.default('UTC').meta({ description: 'IANA time zone the `schedule` is read in.', examples: ['Europe/Berlin'] }),
  ignore: z.array(z.string().min(1)).default([])
    .meta({ description: 'Dependency names or file paths (globs) never looked up nor proposed.', examples: [['docker.io/library/postgres', 'legacy/**']] }),
  groups: z.array(group).default([])
    .meta({ description: 'Named groups of updates sharing one PR; the first group an update fits wins. Everything else: non-major updates in one PR, each major alone.' }),
  prLimit: z.number().int().min(0).max(100).default(5).meta({ description: 'At most this many Freshen PRs open at once in the repository.' }),
  dashboard: z.boolean().default(true)
    .meta({ description: 'Keep the dashboard issue (dependencies, pending and held updates, errors, repeatability); `false`: none, except to report an invalid config.' }),
  labels: z.array(z.string().min(1).max(50)).default(['dependencies']).meta({ description: 'Labels put on Freshen\'s PRs.' }),
  registries: z.array(registry).default([]).meta({
    description: 'Private registries the scan reads, by reference to app-side credentials (secrets never go in this file).',
    examples: [[{ host: 'registry.corp.example:5000', credentials: 'corp' }]],
  }),
  osMirrors: z.record(z.url(), z.url()).default({}).meta({
    description: 'OS package mirrors: a URL prefix as base images write it in their apt/apk sources → the prefix to fetch package indexes from instead (e.g. an internal mirror). Private or plain-HTTP mirrors must also be in the app\'s `FRESHEN_INSECURE_REGISTRIES`.',
    examples: [{ 'http://deb.example.org/debian': 'https://mirror.corp.example/debian' }],
  }),
  platform: z.string().regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, 'expected os/arch[/variant] such as "linux/amd64"').default('linux/amd64')
    .meta({ description: 'The platform whose base image layers are read for OS package pins, unless a stage says `--platform`.' }),
  platforms: z.array(platformName).default([])
    .meta({ description: 'Every platform the repository builds for (default: `platform`); `FROM --platform=` wins per stage.', examples: [['linux/amd64', 'linux/arm64']] }),
  ignoreUnchangedPlatforms: z.boolean().default(true)
    .meta({ description: 'Drop digest refreshes of multi-arch images when only platforms not built for changed.' }),
  goDirective: z.enum(['keep', 'bump']).default('keep').meta({
    description: "go.mod's `go` and `toolchain` lines: `keep` leaves them as written; `bump` moves them to the newest stable Go release the app's GOPROXY lists (the `golang.org/toolchain` module), at their written precision.",
    examples: ['bump'],
  }),
  minimumReleaseAge: releaseAge.optional()
    .meta({ description: 'Hold updates to releases younger than this; the dashboard says when they become eligible.', examples: ['3 days'] }),
  security: security.prefault({}).meta({ description: 'Updates that fix known vulnerabilities (OSV) may skip the schedule and the release age.' }),
  unmaintainedAfter: z.string().refine((v) => v === 'off' || parseDuration(v) !== null, { message: 'expected a duration such as "120 days" or "26 weeks", or "off"' })
    .default('120 days').meta({
    description: 'A version tag whose image (its config\'s `created`) is older than this, while the newest tag of the same variant (same suffix, e.g. `-slim-bookworm`) was built since and within this age, is flagged **no longer maintained** on the dashboard and the status issue; the PR to the newest line says so first and gets the `security` label. `off`: not checked.',
    examples: ['120 days', '26 weeks', 'off'],
  }),
});

export type RepoConfig = z.infer<typeof repoConfigSchema>;
export type GroupConfig = z.infer<typeof group>;

export interface ConfigProblem {
  file: string;
  /** Where in the file, as written in messages: `groups[0].name`; empty for the whole file. */
  path: string;
  line?: number;
  column?: number;
  message: string;
}

export type ConfigResult = { ok: true; config: RepoConfig } | { ok: false; problems: ConfigProblem[] };

export const defaultRepoConfig: RepoConfig = repoConfigSchema.parse({});

/** Validates an already-parsed config object (after `_extends` merging). */
export function parseRepoConfig(raw: unknown, file = CONFIG_PATH): ConfigResult {
  const checked = validateRepoConfig(raw, file);
  return checked.config ? { ok: true, config: checked.config } : { ok: false, problems: checked.issues.map((i) => i.problem) };
}

/** A problem and the keys it is about, so a caller holding the YAML source can locate it. */
export interface ConfigIssue {
  keys: PropertyKey[];
  /** The key itself is the problem (an unknown field), not its value. */
  atKey: boolean;
  problem: ConfigProblem;
}

/** The config, or each issue (one per unknown field, at that field). */
export function validateRepoConfig(raw: unknown, file = CONFIG_PATH): { config?: RepoConfig; issues: ConfigIssue[] } {
  const parsed = repoConfigSchema.safeParse(raw ?? {});
  if (parsed.success) return { config: parsed.data, issues: [] };
  const issues = parsed.error.issues.flatMap((issue): ConfigIssue[] => {
    if (issue.code !== 'unrecognized_keys') {
      // A record's key (osMirrors) is wrong in itself: point at the key.
      return [{ keys: issue.path, atKey: issue.code === 'invalid_key', problem: { file, path: configPath(issue.path), message: describeIssue(issue) } }];
    }
    return issue.keys.map((key) => {
      const keys = [...issue.path, key];
      const message = `unknown field "${key}" (secrets never go in this file; refer to an app-side credential by name)`;
      return { keys, atKey: true, problem: { file, path: configPath(keys), message } };
    });
  });
  return { issues };
}

/** zod's words, without its "Invalid input:" preamble (the path already says where). */
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `required: expected ${issue.expected}`;
  if (issue.code === 'invalid_key') return `invalid key: ${issue.issues[0]?.message.replace(/^Invalid (input|option): /, '') ?? 'not allowed'}`;
  return issue.message.replace(/^Invalid (input|option): /, '');
}

/** `groups[1].match[0]`, `osMirrors["http://a/"]`: how a path in the file is written in messages. */
export function configPath(keys: readonly PropertyKey[]): string {
  return keys
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = String(key);
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) return `[${JSON.stringify(name)}]`;
      return i === 0 ? name : `.${name}`;
    })
    .join('');
}

/** A problem as the dashboard's Errors and the CLI's `errors` list it: `registries[0].host: expected …` at its file and line. */
export function configErrorOf(problem: ConfigProblem): LocatedError {
  return { file: problem.file, ...(problem.line ? { line: problem.line } : {}), message: `${problem.path ? `${problem.path}: ` : ''}${problem.message}` };
}

/** `file:line:column: path: message`, the way compilers and `freshen config check` print it. */
export function formatConfigProblem(problem: ConfigProblem, severity?: 'warning'): string {
  const where = `${problem.file}${problem.line ? `:${problem.line}${problem.column ? `:${problem.column}` : ''}` : ''}`;
  return `${where}: ${severity ? `${severity}: ` : ''}${problem.path ? `${problem.path}: ` : ''}${problem.message}`;
}

/** Which processes the repository's images follow: only pinned, only rebuild, or both. */
export function repoProcess(config: Pick<RepoConfig, 'process' | 'images'>): 'pinned' | 'rebuild' | 'mixed' {
  const overrides = new Set(config.images.map((i) => i.process));
  if (config.process === 'pinned') return overrides.has('rebuild') ? 'mixed' : 'pinned';
  return overrides.has('pinned') ? 'mixed' : 'rebuild';
}

/** A nightly cron (between 00:00 and 05:59) whose minute and hour are derived from the repository id. */
export function defaultNightlyCron(repoId: number): string {
  const slot = Number((BigInt(repoId) * 2654435761n) % 360n);
  return `${slot % 60} ${Math.floor(slot / 60)} * * *`;
}

/**
 * The repository's own schedule: the configured cron, or nightly when any image follows the
 * rebuild process; undefined means the installation's weekly schedule.
 */
export function repoSchedule(config: Pick<RepoConfig, 'process' | 'images' | 'schedule'>, repoId: number): string | undefined {
  // A list of PR windows scans hourly inside them; a cron string is the scan time itself.
  if (config.schedule) return scanCronFor(config.schedule);
  return repoProcess(config) === 'pinned' ? undefined : defaultNightlyCron(repoId);
}
