// npm registry settings from the repository's .npmrc and the app's own npmrc, parsed by npm's `ini`.
import ini from 'ini';
import { ParseError, type LocatedError } from '../../types.js';

/** The flat options npm-registry-fetch reads: `registry`, `@scope:registry`, `//host/:_authToken`... */
export type NpmOptions = Record<string, string>;

// Only registry choice and credentials are taken from a repository's file: cert/key/ca paths,
// proxies or scripts settings would make the app read its own disk or route through the repo's host.
// Keys are checked character by character too, so a quoted key cannot carry `=` or a second setting.
const ALLOWED_KEY = /^(registry|@[\w.~-]+:registry|\/\/[^\s=;#"'\\[\]]+:(_authToken|_auth|username|_password))$/;
const SECRET_KEY = /:(_authToken|_auth|_password)$/;
/** What `ini` turns `\n`, `\r` and `\u0000` in a quoted value into: each would start a setting of its own in the file npm reads. */
const LINE_BREAK = /[\r\n\u0000]/;
/**
 * The app's own settings: a repository's .npmrc never pulls them in with `${NAME}`, or it could
 * write `//its-host/:_authToken=${FRESHEN_NPMRC}` and be sent the app's tokens.
 */
const APP_SETTING = /^(FRESHEN_\w*|PIP_INDEX_URL|PIP_EXTRA_INDEX_URL|PRIVATE_KEY\w*|WEBHOOK_SECRET|ADMIN_PASSWORD|REDIS_\w*|GITHUB_TOKEN|GH_TOKEN)$/;

/** An npmrc line Freshen refuses to use; `file` is the repository path (or FRESHEN_NPMRC). */
export class NpmrcError extends ParseError {
  override name = 'NpmrcError';
  constructor(
    readonly file: string,
    line: number,
    message: string,
  ) {
    super(message, line);
  }

  get located(): LocatedError {
    return { file: this.file, line: this.line!, message: this.message };
  }
}

export interface NpmrcInput {
  /** The repository's .npmrc text, if it has one. */
  repoNpmrc?: string;
  /** Its path in the repository, for errors (default `.npmrc`). */
  repoNpmrcPath?: string;
  /** The app's npmrc text (FRESHEN_NPMRC): wins over the repository's for the same key. */
  appNpmrc?: string;
  /** Values `${NAME}` in an npmrc may refer to; nothing else of the process environment is visible. */
  vars?: Record<string, string | undefined>;
}

function substitute(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(/(\\*)\$\{([^}]+)\}/g, (whole, escapes: string, name: string) => {
    if (escapes.length % 2 === 1) return whole.slice(1);
    const found = vars[name.replace(/\?$/, '')];
    return escapes + (found ?? (name.endsWith('?') ? '' : whole));
  });
}

/** The key as a person would recognise it: up to its first line break, quoted. */
const shownKey = (key: string): string => JSON.stringify(key.split(LINE_BREAK)[0]!.slice(0, 80));

/**
 * The top-level settings of an npmrc, read line by line with npm's own `ini` so each one keeps its
 * line number. A key or value that decodes (or expands) to a line break is refused for the whole file.
 */
function readNpmrc(text: string | undefined, vars: Record<string, string | undefined>, file: string): NpmOptions {
  if (!text) return {};
  const out: NpmOptions = {};
  let inSection = false;
  text.split('\n').forEach((fullLine, index) => {
    // `ini` breaks lines at a lone carriage return too.
    for (const line of fullLine.split('\r')) {
      if (/^\[[^\]]*\]\s*$/.test(line)) inSection = true;
      if (inSection) continue;
      for (const [rawKey, rawValue] of Object.entries(ini.parse(line) as Record<string, unknown>)) {
        if (typeof rawValue !== 'string' && typeof rawValue !== 'boolean') continue;
        const key = substitute(rawKey, vars);
        const value = substitute(String(rawValue), vars);
        if (LINE_BREAK.test(key) || LINE_BREAK.test(value)) {
          throw new NpmrcError(file, index + 1, `${shownKey(key)}: a line break or NUL character in a setting is refused (it would add npm settings of its own, such as a proxy)`);
        }
        if (ALLOWED_KEY.test(key)) out[key] = value;
      }
    }
  });
  return out;
}

export function npmOptionsFrom(input: NpmrcInput): NpmOptions {
  const vars = input.vars ?? {};
  const repoVars = Object.fromEntries(Object.entries(vars).filter(([name]) => !APP_SETTING.test(name)));
  return { ...readNpmrc(input.repoNpmrc, repoVars, input.repoNpmrcPath ?? '.npmrc'), ...readNpmrc(input.appNpmrc, vars, 'FRESHEN_NPMRC') };
}

const CREDENTIAL_KEY = /:(_authToken|_auth|username|_password)$/;

/**
 * Whether npm would send credentials with a request to `url`: `user:pass@` in it, or a
 * `//host/path/:_authToken`-style setting for any prefix of it (npm picks the longest; any one counts).
 */
export function sendsCredentials(url: string, options: NpmOptions): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return true;
  }
  if (parsed.username !== '' || parsed.password !== '') return true;
  const target = `//${parsed.host}${parsed.pathname}`.toLowerCase();
  return Object.entries(options).some(([key, value]) => {
    if (!CREDENTIAL_KEY.test(key) || value === '') return false;
    return target.startsWith(key.slice(0, key.lastIndexOf(':')).toLowerCase());
  });
}

/** The credential values in these options, to scrub from any text shown to people. */
export function secretsOf(options: NpmOptions): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (!SECRET_KEY.test(key) || value.length < 4) continue;
    out.push(value);
    if (key.endsWith(':_auth')) out.push(...Buffer.from(value, 'base64').toString('utf8').split(':').filter((s) => s.length >= 4));
  }
  return out;
}

/** Removes credentials from text (npm's output, error messages): known values and anything token-shaped. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out
    .replace(/(_authToken|_auth|_password)\s*=\s*\S+/g, '$1=***')
    .replace(/(authorization:\s*(bearer|basic)\s+)\S+/gi, '$1***')
    .replace(/\/\/([^/\s:@]+):([^/\s@]+)@/g, '//$1:***@');
}

/**
 * The options as an npmrc text (for a temporary npm run), never written into a repository. Only
 * allow-listed keys, each value encoded as `ini` reads it back, and the text is read back to prove
 * npm sees exactly these settings and no others.
 */
export function toNpmrc(options: NpmOptions): string {
  const lines = Object.entries(options).map(([key, value]) => {
    if (!ALLOWED_KEY.test(key) || LINE_BREAK.test(key) || LINE_BREAK.test(value)) throw new Error(`refusing to write the npm setting ${shownKey(key)}`);
    return `${ini.safe(key)}=${ini.safe(value)}`;
  });
  const text = lines.join('\n') + '\n';
  const readBack = ini.parse(text) as Record<string, unknown>;
  const same = Object.keys(readBack).length === lines.length && Object.entries(options).every(([key, value]) => String(readBack[key]) === value);
  if (!same) throw new Error('the temporary npmrc would not read back as the settings Freshen chose');
  return text;
}
