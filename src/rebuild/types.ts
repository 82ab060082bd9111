// Shared shapes of the rebuild process: the repository, its floating base images, its settings.
import { z } from 'zod';

/** A repository as the rebuild process keys it: by id (stable across renames), named for messages. */
export interface RepoRef {
  id: number;
  owner: string;
  name: string;
}

export function repoFullName(repo: RepoRef): string {
  return `${repo.owner}/${repo.name}`;
}

/** A base image written without a digest (`FROM python:3.13-slim`) that follows the rebuild process. */
export interface FloatingBaseImage {
  /** Normalized name and tag, the ledger's key: `docker.io/library/python:3.13-slim`. */
  key: string;
  /** Normalized name for registry lookups: `docker.io/library/python`. */
  depName: string;
  tag: string;
  /** The references exactly as written in the repository (`python:3.13-slim`), first one first. */
  written: string[];
  /** Where it is used: `path:line`. */
  usedIn: string[];
}

const durationText = /^(\d+)\s*(s|m|h|d)$/;

/** Minutes as a number, or a short duration text such as `10m`, `1h`. */
const duration = z.union([
  z.number().int().min(0),
  z.string().regex(durationText, 'expected a duration such as "10m", "2h" or a number of minutes'),
]);

export function durationMs(value: number | string): number {
  if (typeof value === 'number') return value * 60_000;
  const match = durationText.exec(value.trim());
  if (!match) throw new Error(`invalid duration "${value}"`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/**
 * The `rebuild:` section of `.github/freshen.yml`, meant to be embedded in the repo config schema.
 * Exactly one trigger: `workflow` (a workflow file with `on: workflow_dispatch`) or `event`
 * (a `repository_dispatch` type); with neither, `event: freshen-rebuild` is used.
 */
export const rebuildSettingsSchema = z
  .strictObject({
    workflow: z.string().min(1).optional()
      .meta({ description: 'Workflow file name or path (`build.yml`, `.github/workflows/build.yml`) to dispatch; it needs `on: workflow_dispatch`.', examples: ['build.yml'] }),
    ref: z.string().min(1).optional().meta({ description: 'Branch or tag the workflow runs on. Default: the default branch.', examples: ['main'] }),
    event: z.string().min(1).max(100).optional()
      .meta({ description: '`repository_dispatch` event type, used when no workflow is named (default `freshen-rebuild`).', examples: ['freshen-rebuild'] }),
    image: z.string().min(1).optional()
      .meta({ description: 'The published image whose `org.opencontainers.image.base.digest` is the truth.', examples: ['ghcr.io/acme/app:latest'] }),
    baseline: z.enum(['record', 'dispatch']).default('record')
      .meta({ description: 'First sight of a base image: `record` its digest, or `dispatch` a build at once.' }),
    cooldown: duration.default('10m')
      .meta({ description: 'Forced `/rebuild` commands closer together than this are refused (minutes, or `30s`, `10m`, `2h`, `1d`).' }),
  })
  .refine((s) => !(s.workflow && s.event), { message: 'name either rebuild.workflow or rebuild.event, not both' });

export type RebuildSettings = z.infer<typeof rebuildSettingsSchema>;

export const defaultRebuildSettings: RebuildSettings = rebuildSettingsSchema.parse({});

export const DEFAULT_REBUILD_EVENT = 'freshen-rebuild';
