// Who may run Freshen commands: people with write, maintain or admin permission, asked of GitHub at the time.

/**
 * GitHub's answer to GET /repos/{owner}/{repo}/collaborators/{username}/permission.
 * `permission` is the legacy level (maintain shows as write, triage as read); `role_name` is the
 * actual role, or a custom role's name.
 */
export interface CollaboratorPermission {
  permission: string;
  role_name?: string | null;
}

export type FetchPermission = (login: string) => Promise<CollaboratorPermission>;

export interface PermissionDecision {
  allowed: boolean;
  /** The role used for the decision, for the refusal and the logs. */
  role: string;
  /** The polite reply for someone who may not run commands. */
  refusal?: string;
}

const ALLOWED = new Set(['admin', 'maintain', 'write']);

export const WHO_CAN_RUN = 'people with write, maintain or admin permission on this repository';

export function refusalText(login: string, role: string): string {
  return (
    `Thanks @${login}! Freshen commands can only be run by ${WHO_CAN_RUN}` +
    ` (yours is ${role}), so I have not done anything. Ask one of the maintainers to comment the command for you.`
  );
}

/** Decides from GitHub's answer. Either field naming an allowed level is enough (custom roles keep a base `permission`). */
export function decidePermission(login: string, answer: CollaboratorPermission): PermissionDecision {
  const permission = answer.permission.toLowerCase();
  const role = (answer.role_name ?? permission).toLowerCase();
  if (ALLOWED.has(permission) || ALLOWED.has(role)) return { allowed: true, role };
  return { allowed: false, role, refusal: refusalText(login, role) };
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 404;
}

/** Asks GitHub now (never cached: permissions change). A 404 (no such collaborator) means no permission. */
export async function checkCommandPermission(fetchPermission: FetchPermission, login: string): Promise<PermissionDecision> {
  try {
    return decidePermission(login, await fetchPermission(login));
  } catch (err) {
    if (isNotFound(err)) return decidePermission(login, { permission: 'none' });
    throw err;
  }
}
