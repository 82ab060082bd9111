// The repository config `.github/freshen.yml`: one zod schema, defaults and docs beside each field.
import { z } from 'zod';
import { parseDuration } from '../insight/release-age.js';
import { parseScheduleEntry, scanCronFor, ScheduleError } from '../insight/schedule.js';
import { rebuildSettingsSchema } from '../rebuild/types.js';

export const CONFIG_PATH = '.github/freshen.yml';

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
  /** Names the group; its PR lives on branch `freshen/<name>`. */
  name: groupName,
  /** Dependency names or file paths (globs) that belong to this group (default: any). */
  match: z.array(z.string().min(1)).min(1).optional(),
  /** Only updates of these types belong to this group (default: any); `major` here implies includeMajor. */
  matchUpdateTypes: z.array(z.enum(['major', 'minor', 'patch', 'digest', 'pin'])).min(1).optional(),
  /** Put major updates of this group in the same PR (default: each major on its own). */
  includeMajor: z.boolean().default(false),
}).refine((g) => g.match !== undefined || g.matchUpdateTypes !== undefined, { message: 'a group needs "match", "matchUpdateTypes" or both' });

const registry = z.strictObject({
  /** Registry host[:port] exactly as written in image references. */
  host: z.string().regex(/^[A-Za-z0-9.-]+(:\d+)?$/, 'expected a host or host:port'),
  /**
   * Name of a credential configured on the app side (never the secret itself): the operator
   * maps names to secrets in the app's environment.
   */
  credentials: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected the name of an app-side credential, not a secret').optional(),
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
  /** Open PRs that fix known vulnerabilities outside the `schedule` windows. */
  bypassSchedule: z.boolean().default(true),
  /** Propose security fixes before they reach `minimumReleaseAge`. */
  bypassReleaseAge: z.boolean().default(true),
});

const processName = z.enum(['pinned', 'rebuild']);

const imageProcess = z.strictObject({
  /** An image name or glob (`python`, `ghcr.io/org/*`, `node:20*`). */
  match: z.string().min(1),
  process: processName,
});

export const repoConfigSchema = z.strictObject({
  /** `pinned`: PRs with pinned digests. `rebuild`: trigger the image build when a base changes. */
  process: processName.default('pinned'),
  /** Per-image overrides of `process`; the first whose `match` fits wins. */
  images: z.array(imageProcess).default([]),
  /** What the rebuild process dispatches (`workflow` or `event`), and how. */
  rebuild: rebuildSettingsSchema.optional(),
  /**
   * A cron string: when the scheduled scan runs. Default: nightly when any image follows the
   * rebuild process, else weekly at a time derived from the installation. A list of windows
   * (`["before 6am on monday"]`, `["after 10pm every weekday"]`, or crons whose hours count): PRs
   * open or change only inside them, and scans run hourly inside them.
   */
  schedule: schedule.optional(),
  /** Time zone the schedule is read in. */
  timezone: timezone.default('UTC'),
  /** Dependency names or file paths (globs) never looked up nor proposed. */
  ignore: z.array(z.string().min(1)).default([]),
  /** Named groups of updates sharing one PR. Everything else: non-major in one PR, each major alone. */
  groups: z.array(group).default([]),
  /** At most this many Freshen PRs open at once in the repository. */
  prLimit: z.number().int().min(0).max(100).default(5),
  /** Keep the dashboard issue (dependencies, pending and held updates, errors, repeatability); false: none. */
  dashboard: z.boolean().default(true),
  /** Labels put on Freshen's PRs. */
  labels: z.array(z.string().min(1).max(50)).default(['dependencies']),
  /** Private or insecure registries the scan may use, by reference to app-side credentials. */
  registries: z.array(registry).default([]),
  /**
   * OS package mirrors: a URL prefix as base images write it in their apt/apk sources → the prefix
   * to fetch package indexes from instead (e.g. an internal mirror).
   */
  osMirrors: z.record(z.url(), z.url()).default({}),
  /** The platform whose base image layers are read for OS package pins, unless a stage says `--platform`. */
  platform: z.string().regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, 'expected os/arch[/variant] such as "linux/amd64"').default('linux/amd64'),
  /** Every platform the repository builds for (default: `platform`); `FROM --platform=` wins per stage. */
  platforms: z.array(platformName).default([]),
  /** Drop digest refreshes of multi-arch images when only platforms not built for changed. */
  ignoreUnchangedPlatforms: z.boolean().default(true),
  /** Hold updates to releases younger than this (`3 days`); the status says when they become eligible. */
  minimumReleaseAge: releaseAge.optional(),
  /** Updates that fix known vulnerabilities (OSV) may skip the schedule and the release age. */
  security: security.prefault({}),
});

export type RepoConfig = z.infer<typeof repoConfigSchema>;
export type GroupConfig = z.infer<typeof group>;

export interface ConfigProblem {
  file: string;
  /** Dotted path inside the file, e.g. `groups.0.name`; empty for the whole file. */
  path: string;
  line?: number;
  message: string;
}

export type ConfigResult = { ok: true; config: RepoConfig } | { ok: false; problems: ConfigProblem[] };

export const defaultRepoConfig: RepoConfig = repoConfigSchema.parse({});

/** Validates an already-parsed config object (after `_extends` merging). */
export function parseRepoConfig(raw: unknown, file = CONFIG_PATH): ConfigResult {
  const input = stripExtends(raw ?? {});
  const parsed = repoConfigSchema.safeParse(input);
  if (parsed.success) return { ok: true, config: parsed.data };
  const problems = parsed.error.issues.map((issue) => ({
    file,
    path: issue.path.map(String).join('.'),
    message: describeIssue(issue),
  }));
  return { ok: false, problems };
}

function stripExtends(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const { _extends: _ignored, ...rest } = raw as Record<string, unknown>;
  return rest;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (secrets never go in this file; refer to an app-side credential by name)`;
  }
  return issue.message;
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
