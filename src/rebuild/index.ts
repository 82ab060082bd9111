// The rebuild process: floating base images, the ledger, the one-at-a-time gate, dispatch, the status issue.
export { rebuildSettingsSchema, defaultRebuildSettings, durationMs, repoFullName, DEFAULT_REBUILD_EVENT } from './types.js';
export type { RepoRef, FloatingBaseImage, RebuildSettings } from './types.js';
export { floatingBaseImages, processForImage, imageMatches, type ProcessChoice, type ProcessName } from './process.js';
export { RebuildLedger, type BuiltRecord, type DispatchRecord, type DispatchError, type DispatchResult } from './ledger.js';
export { RebuildGate, type GateAnswer, type PendingRebuild, type RebuildRequest, type RebuildRequester } from './gate.js';
export { planRebuild, matchImages, type ImageCheck, type RebuildPlan, type PublishedBase, type PublishedBaseReader } from './decide.js';
export { buildDispatch, sendDispatch, dispatchToken, type DispatchPort, type DispatchRequest, type DispatchImage } from './dispatch.js';
export { publishedBaseReader, type PublishedImageSource } from './published.js';
export { runRebuild, type RebuildJob, type RebuildDeps, type RebuildOutcome, type RequesterPort } from './run.js';
export { onWorkflowRunCompleted, type WorkflowRunDeps, type WorkflowRunOutcome } from './workflow-run.js';
export { renderStatusIssue, renderStatusSections, upsertStatusIssue, STATUS_MARKER, STATUS_TITLE } from './status-issue.js';
export type { RepoStatus, StatusImage, PendingUpdate, StatusIssuePort, UpsertResult } from './status-issue.js';
export { rebuildStatusImages } from './status.js';
export { redisLock, LockTimeoutError } from '../cache/lock.js';
