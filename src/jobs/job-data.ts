// What the job services are given (the payloads) and ask of the queue (JobQueue, which queue/ implements): they never see BullMQ.
import type { Command } from '../commands/parse.js';

export interface RepoJobData {
  installationId: number;
  repoId: number;
  owner: string;
  repo: string;
  /** Why the scan runs: installed, push, schedule, command... (for logs). */
  reason: string;
}

export interface InstallationJobData {
  installationId: number;
}

export interface PrClosedJobData {
  installationId: number;
  repoId: number;
  owner: string;
  repo: string;
  prNumber: number;
  branch: string;
  body: string;
}

/** Comment commands already acknowledged and allowed (issue 5); the job carries them out and replies. */
export interface CommentCommandJobData {
  installationId: number;
  repoId: number;
  owner: string;
  repo: string;
  issueNumber: number;
  isPullRequest: boolean;
  commentId: number;
  author: string;
  commands: Command[];
}

/** A completed `workflow_run` of a dispatch (the fields `onWorkflowRunCompleted` reads). */
export interface WorkflowRunJobData {
  installationId: number;
  payload: Record<string, unknown>;
}

/** A repository's scan scheduler as the status issue shows it. */
export interface ScanScheduler {
  /** When it fires next (ms since the epoch). */
  next?: number | undefined;
  pattern?: string | undefined;
  tz?: string | undefined;
}

/** The queue as the job services use it: follow-up jobs, and the scan schedule in force. */
export interface JobQueue {
  /** Deduplicated: a scan waiting already covers this one; one running gets one more after it. */
  enqueueRepoScan(data: RepoJobData): Promise<void>;
  enqueueRebuild(data: RepoJobData): Promise<void>;
  /** The repository's own scheduler, else its installation's; null when there is none. */
  scanScheduler(repo: { installationId: number; repoId: number }): Promise<ScanScheduler | null>;
}
