// Another project's release notes, made safe to paste into a PR body: nobody is pinged, `#123` points at that project.
import { neutraliseMentions } from '../markdown-safe.js';

/**
 * Spans left as written: code spans, inline links (their text only has its mentions neutralised),
 * reference links, autolinks, bare URLs, HTML tags and entities.
 */
const OPAQUE = new RegExp(
  [
    /(?<codeSpan>`+)/.source,
    /(?<link>!?\[(?<linkText>(?:\\.|[^[\]\\]|\[[^[\]]*\])*)\](?:\((?:[^()\s]|\([^()\s]*\))*(?:\s+"[^"]*")?\)|\[[^\]]*\]))/.source,
    /(?<autolink><[A-Za-z][\w+.-]*:[^\s<>]*>|<[^\s<>@]+@[^\s<>]+>)/.source,
    /(?<url>(?:https?:\/\/|www\.)[^\s<>]*[^\s<>?!.,:;*_~)\]'"])/.source,
    /(?<tag><\/?[A-Za-z][^<>]*>)/.source,
    /(?<entity>&#?\w+;)/.source,
  ].join('|'),
  'g',
);

/** `#123` and `GH-123` where GitHub would link them into the repository the body is in. */
const BARE_REFERENCE = /(?<![\w\\&/#-])(?:#|GH-)(\d+)(?![\w-])/gi;
const ZERO_WIDTH_SPACE = '\u200b';

/** `owner/repo` a release-notes source URL names, or null. */
export function sourceRepository(url: string | undefined): string | null {
  const match = url ? /^https:\/\/github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?(?:[/#?]|$)/.exec(url) : null;
  return match ? `${match[1]}/${match[2]}` : null;
}

/**
 * A link that does not show on the source issue's timeline: GitHub lists every PR body that links
 * an issue there, and a fleet of update PRs would flood it (the same host Renovate uses).
 */
function referenceLink(repository: string, number: string): string {
  return `[${repository}#${number}](https://redirect.github.com/${repository}/issues/${number})`;
}

function plainText(text: string, repository: string | null): string {
  const neutral = neutraliseMentions(text);
  return neutral.replace(BARE_REFERENCE, (whole, number: string) =>
    repository ? referenceLink(repository, number) : whole.replace(/(#|-)(?=\d)/, `$1${ZERO_WIDTH_SPACE}`),
  );
}

/** One line outside code blocks: plain text between the opaque spans is rewritten. */
function neutraliseLine(line: string, repository: string | null): string {
  let out = '';
  let done = 0;
  OPAQUE.lastIndex = 0;
  for (let match = OPAQUE.exec(line); match; match = OPAQUE.exec(line)) {
    const start = match.index;
    let end = start + match[0].length;
    let kept = match[0];
    const { codeSpan, link, linkText } = match.groups!;
    if (codeSpan !== undefined) {
      // A code span closes at the next run of exactly as many backticks; without one the backticks are text.
      const close = new RegExp(`(?<!\`)${codeSpan}(?!\`)`, 'g');
      close.lastIndex = end;
      const closing = close.exec(line);
      if (!closing) {
        OPAQUE.lastIndex = end;
        continue;
      }
      end = closing.index + codeSpan.length;
      kept = line.slice(start, end);
    } else if (link !== undefined) {
      // GitHub links nothing inside a link's text; its mentions are neutralised all the same.
      const textStart = link.indexOf('[') + 1;
      kept = link.slice(0, textStart) + neutraliseMentions(linkText!) + link.slice(textStart + linkText!.length);
    }
    out += plainText(line.slice(done, start), repository) + kept;
    done = end;
    OPAQUE.lastIndex = end;
  }
  return out + plainText(line.slice(done), repository);
}

/**
 * Release notes as they may appear in a PR body: `@name` cannot ping (`@\u200bname`), bare `#123`
 * and `GH-123` link to the source repository (`owner/repo#123`; without a known source they link
 * nowhere), and fenced code blocks, code spans, links, URLs and emails stay exactly as written.
 */
export function neutraliseReleaseNotes(markdown: string, repository: string | null): string {
  let fence: { char: string; length: number } | null = null;
  return markdown
    .split('\n')
    .map((line) => {
      const marker = /^\s*(`{3,}|~{3,})(.*)$/.exec(line);
      if (fence) {
        if (marker && marker[1]![0] === fence.char && marker[1]!.length >= fence.length && marker[2]!.trim() === '') fence = null;
        return line;
      }
      if (marker && !(marker[1]![0] === '`' && marker[2]!.includes('`'))) {
        fence = { char: marker[1]![0]!, length: marker[1]!.length };
        return line;
      }
      return neutraliseLine(line, repository);
    })
    .join('\n');
}
