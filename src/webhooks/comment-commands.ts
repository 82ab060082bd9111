// The issue_comment webhook: find commands, acknowledge at once, check permission, queue the work.
import type { Redis } from 'ioredis';
import type { Context } from 'probot';
import { collaboratorPermission, reactTo, replyOn } from '../github/rebuild-ports.js';
import type { GitHub, RepoRef } from '../github/types.js';
import { enqueueCommentCommand, type FreshenQueue } from '../queue/jobs.js';
import { commentSkipReason, parseCommentEvent } from '../commands/event.js';
import { acknowledgeComment } from '../commands/handle.js';
import { parseCommands } from '../commands/parse.js';
import { RefusalReplies } from '../commands/refusal-replies.js';

/**
 * Only new comments by people, with a command at the start of a line outside code and quotes.
 * The permission is asked of GitHub now (one call); everything else happens in the job.
 */
export function commentCommandHandler(queue: FreshenQueue, redis: Redis) {
  const refusals = new RefusalReplies(redis);
  return async (context: Context<'issue_comment.created'>): Promise<void> => {
    if (commentSkipReason(context.payload, context.name) !== null) return;
    const event = parseCommentEvent(context.payload);
    const commands = parseCommands(event.body);
    if (commands.length === 0 || event.installationId === null) return;
    const repo: RepoRef = { installationId: event.installationId, repoId: event.repo.id, owner: event.repo.owner, repo: event.repo.name };
    const gh = context.octokit as unknown as GitHub;
    const allowed = await acknowledgeComment(
      {
        react: (content) => reactTo(gh, repo, event.commentId, content),
        reply: (body) => replyOn(gh, repo, event.issueNumber, body),
        getPermission: (login) => collaboratorPermission(gh, repo, login),
        firstRefusal: () => refusals.first(event.repo.id, event.author),
      },
      event.author,
    );
    if (!allowed) return;
    await enqueueCommentCommand(queue, {
      installationId: event.installationId,
      repoId: event.repo.id,
      owner: event.repo.owner,
      repo: event.repo.name,
      issueNumber: event.issueNumber,
      isPullRequest: event.isPullRequest,
      commentId: event.commentId,
      author: event.author,
      commands,
    });
  };
}
