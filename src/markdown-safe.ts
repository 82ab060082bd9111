// Text from elsewhere (a comment, a package's release notes) made safe to paste into GitHub markdown: no escaping code spans, no pings.

/** GitHub pings `@name` and `@org/team` unless a word character stands right before the `@`. */
const MENTION = /(?<!\w)@(?=[A-Za-z0-9])/g;
const ZERO_WIDTH_SPACE = '\u200b';

/** `@name` → `@\u200bname`: it reads the same and links to nobody. Emails (`a@b.com`) are left alone. */
export function neutraliseMentions(text: string): string {
  return text.replace(MENTION, `@${ZERO_WIDTH_SPACE}`);
}

/**
 * `text` as one inline code span that it cannot close: the fence is one backtick longer than the
 * longest run of backticks inside, line breaks become spaces, and very long text is cut. Mentions
 * and `#123` inside a code span neither ping nor link.
 */
export function inlineCode(text: string, maxChars = 200): string {
  let flat = text.replace(/[\r\n]+/g, ' ');
  if (flat.length > maxChars) flat = `${flat.slice(0, maxChars - 1)}…`;
  if (flat === '') return '` `';
  const longestRun = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longestRun + 1);
  // A span strips one space from each end when both are there, and a backtick at an edge would join the fence.
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
