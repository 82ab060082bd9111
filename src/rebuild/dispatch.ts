// Builds and sends the rebuild dispatch: workflow_dispatch inputs or a repository_dispatch payload.
import { randomBytes } from 'node:crypto';
import type { DispatchRecord } from './ledger.js';
import { DEFAULT_REBUILD_EVENT, type RebuildSettings, type RepoRef } from './types.js';

/** The few GitHub calls a dispatch needs; the app implements them with Octokit. Both answer 204. */
export interface DispatchPort {
  /** POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches. May return the run if GitHub tells it. */
  createWorkflowDispatch(
    repo: RepoRef,
    workflow: string,
    ref: string,
    inputs: Record<string, string>,
  ): Promise<{ runId?: number; runUrl?: string } | void>;
  /** POST /repos/{owner}/{repo}/dispatches */
  createRepositoryDispatch(repo: RepoRef, eventType: string, clientPayload: Record<string, unknown>): Promise<void>;
}

export type DispatchRequest =
  | {
      kind: 'workflow_dispatch';
      workflow: string;
      ref: string;
      /** Only strings, and only inputs the workflow declares: `reason` and `base_images` (a JSON object). */
      inputs: { reason: string; base_images: string };
    }
  | {
      kind: 'repository_dispatch';
      eventType: string;
      /** At most 10 top-level keys. */
      clientPayload: { reason: string; base_images: Record<string, string>; freshen_dispatch_id: string };
    };

/** One image going into the dispatch, with the digest the build should pin. */
export interface DispatchImage {
  key: string;
  /** The reference as written in the repository; the key of `base_images`. */
  written: string;
  digest: string;
}

export function newDispatchId(): string {
  return randomBytes(6).toString('hex');
}

/** The token in `reason` that lets Freshen recognise its run (`run-name: ${{ inputs.reason }}`). */
export function dispatchToken(id: string): string {
  return `[freshen:${id}]`;
}

/** GitHub's workflow id accepts the file name; people often write the path. */
export function workflowFileName(workflow: string): string {
  return workflow.split('/').pop()!;
}

export function baseImagesInput(images: readonly DispatchImage[]): Record<string, string> {
  return Object.fromEntries(images.map((i) => [i.written, i.digest]));
}

export function buildDispatch(
  settings: RebuildSettings,
  images: readonly DispatchImage[],
  options: { id: string; reason: string; defaultBranch: string },
): DispatchRequest {
  const reason = `${options.reason} ${dispatchToken(options.id)}`;
  const baseImages = baseImagesInput(images);
  if (settings.workflow) {
    return {
      kind: 'workflow_dispatch',
      workflow: workflowFileName(settings.workflow),
      ref: settings.ref ?? options.defaultBranch,
      inputs: { reason, base_images: JSON.stringify(baseImages) },
    };
  }
  return {
    kind: 'repository_dispatch',
    eventType: settings.event ?? DEFAULT_REBUILD_EVENT,
    clientPayload: { reason, base_images: baseImages, freshen_dispatch_id: options.id },
  };
}

/** Sends the dispatch and returns the ledger record to keep once GitHub accepted it (throws otherwise). */
export async function sendDispatch(
  port: DispatchPort,
  repo: RepoRef,
  request: DispatchRequest,
  meta: { id: string; images: readonly DispatchImage[]; forced: boolean; at: () => Date },
): Promise<DispatchRecord> {
  const images = Object.fromEntries(meta.images.map((i) => [i.key, i.digest]));
  // Taken before the call: the run GitHub creates is never older than this.
  const at = meta.at().toISOString();
  if (request.kind === 'workflow_dispatch') {
    const run = await port.createWorkflowDispatch(repo, request.workflow, request.ref, request.inputs);
    return {
      id: meta.id,
      at,
      trigger: 'workflow_dispatch',
      target: request.workflow,
      ref: request.ref,
      images,
      reason: request.inputs.reason,
      forced: meta.forced,
      result: 'pending',
      ...(run?.runId !== undefined ? { runId: run.runId } : {}),
      ...(run?.runUrl !== undefined ? { runUrl: run.runUrl } : {}),
    };
  }
  await port.createRepositoryDispatch(repo, request.eventType, request.clientPayload);
  return {
    id: meta.id,
    at,
    trigger: 'repository_dispatch',
    target: request.eventType,
    images,
    reason: request.clientPayload.reason,
    forced: meta.forced,
    result: 'pending',
  };
}
