// URLs as Freshen names them where others can see them (cache keys, package records): never with a user or password.

/** The URL with any `user:password@` removed; `unparsable` when it is not a URL. */
export function withoutUserInfo(url: string, unparsable: string = url): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return unparsable;
  }
}

// A URL's user and password run from `//` to the last `@` before the host. Spaces and quotes end a
// URL in prose and JSON, so a match never reaches into the next word or string; a backslash escape
// (`\"` in a JSON line) is part of the password, not its end.
const USER_INFO = /(\/\/)(?:[^\s/?#"'<>`\\]|\\[^\s/])*@/g;

/**
 * Text with every URL's `user:password@` (or `token@`, or `:password@`) removed: what located
 * errors, logs, issues, PR bodies and CLI output may show.
 */
export function withoutUserInfoIn(text: string): string {
  return text.includes('@') ? text.replace(USER_INFO, '$1') : text;
}
