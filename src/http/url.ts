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
