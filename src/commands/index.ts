// Comment commands: which comments count, what they say, who may run them, and what they do.
export { shouldHandleComment, commentSkipReason, parseCommentEvent, isBotUser, type CommentEvent } from './event.js';
export { parseCommands, type Command } from './parse.js';
export { checkCommandPermission, decidePermission, refusalText, type CollaboratorPermission, type FetchPermission, type PermissionDecision } from './permission.js';
export { handleComment, handleCommand, acknowledgeComment, runCommands, isFreshenPullRequest, HELP_TEXT, FRESHEN_BRANCH_PREFIX } from './handle.js';
export type { CommandContext, CommandPorts, RunPorts, CommandOutcome, CommentOutcome, PullRequestInfo, Reaction } from './handle.js';
export { RefusalReplies, REFUSAL_REPLY_WINDOW_SECONDS } from './refusal-replies.js';
export { IgnoreStore, isUpdateIgnored, ignoredDependencyNames, type IgnoreEntry } from './ignore-store.js';
