// The repository config `.github/freshen.yml`: one zod schema, defaults and docs beside each field.
import { z } from 'zod';

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
  /** Dependency names or file paths (globs) that belong to this group. */
  match: z.array(z.string().min(1)).min(1),
  /** Put major updates of this group in the same PR (default: each major on its own). */
  includeMajor: z.boolean().default(false),
});

const registry = z.strictObject({
  /** Registry host[:port] exactly as written in image references. */
  host: z.string().regex(/^[A-Za-z0-9.-]+(:\d+)?$/, 'expected a host or host:port'),
  /**
   * Name of a credential configured on the app side (never the secret itself): the operator
   * maps names to secrets in the app's environment.
   */
  credentials: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected the name of an app-side credential, not a secret').optional(),
});

export const repoConfigSchema = z.strictObject({
  /** `pinned`: PRs with pinned digests. `rebuild`: trigger the image build when a base changes. */
  process: z.enum(['pinned', 'rebuild']).default('pinned'),
  /** When the scheduled scan runs (cron, 5 fields). Default: weekly, at a time derived from the installation. */
  schedule: cron.optional(),
  /** Time zone the schedule is read in. */
  timezone: timezone.default('UTC'),
  /** Dependency names or file paths (globs) never looked up nor proposed. */
  ignore: z.array(z.string().min(1)).default([]),
  /** Named groups of updates sharing one PR. Everything else: non-major in one PR, each major alone. */
  groups: z.array(group).default([]),
  /** At most this many Freshen PRs open at once in the repository. */
  prLimit: z.number().int().min(0).max(100).default(5),
  /** Labels put on Freshen's PRs. */
  labels: z.array(z.string().min(1).max(50)).default(['dependencies']),
  /** Private or insecure registries the scan may use, by reference to app-side credentials. */
  registries: z.array(registry).default([]),
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
