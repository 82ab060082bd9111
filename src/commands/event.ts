// Which issue_comment webhooks Freshen acts on, and the fields it needs from them, validated once.
import { z } from 'zod';
import type { RepoRef } from '../rebuild/types.js';

const commentPayload = z.object({
  action: z.string(),
  comment: z.object({
    id: z.number(),
    body: z.string().nullish(),
    user: z.object({ login: z.string(), type: z.string().optional() }).nullable(),
  }),
  issue: z.object({
    number: z.number(),
    /** Present (an object) when the issue is a pull request. */
    pull_request: z.object({}).loose().nullish(),
  }),
  repository: z.object({ id: z.number(), name: z.string(), owner: z.object({ login: z.string() }) }),
  installation: z.object({ id: z.number() }).nullish(),
});

/** What a command handler needs to know about the comment. */
export interface CommentEvent {
  repo: RepoRef;
  installationId: number | null;
  issueNumber: number;
  isPullRequest: boolean;
  commentId: number;
  author: string;
  body: string;
}

export function isBotUser(user: { login: string; type?: string | undefined } | null | undefined): boolean {
  if (!user) return true;
  return user.type === 'Bot' || user.login.toLowerCase().endsWith('[bot]');
}

/** Why a comment webhook is not for Freshen to act on, or null when it is. */
export function commentSkipReason(payload: unknown, eventName = 'issue_comment'): string | null {
  if (eventName !== 'issue_comment') return `event ${eventName} is not a comment`;
  const parsed = commentPayload.safeParse(payload);
  if (!parsed.success) return `payload is not an issue_comment: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`;
  const { action, comment } = parsed.data;
  if (action !== 'created') return `comment ${action}, only new comments count`;
  if (isBotUser(comment.user)) return `comment by a bot (${comment.user?.login ?? 'unknown'})`;
  return null;
}

/** Only newly created comments by people: never edited or deleted ones, never bots (Freshen included). */
export function shouldHandleComment(payload: unknown, eventName = 'issue_comment'): boolean {
  return commentSkipReason(payload, eventName) === null;
}

/** The fields Freshen uses; throws on a payload that is not an issue_comment. */
export function parseCommentEvent(payload: unknown): CommentEvent {
  const { comment, issue, repository, installation } = commentPayload.parse(payload);
  return {
    repo: { id: repository.id, owner: repository.owner.login, name: repository.name },
    installationId: installation?.id ?? null,
    issueNumber: issue.number,
    isPullRequest: issue.pull_request != null,
    commentId: comment.id,
    author: comment.user?.login ?? 'ghost',
    body: comment.body ?? '',
  };
}
