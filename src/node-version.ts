// Refuses an older Node than package.json's engines with one line, before any dependency loads and crashes on it.
// The entries (cli.ts, main.ts) import this module first: ES modules evaluate their imports in order,
// so this check runs before undici, probot and the rest are evaluated.

/** package.json's `engines.node` (a test keeps the two equal). */
export const MINIMUM_NODE = '22.12';

/** Whether `version` (`20.20.2`, `v24.1.0`) is older than MINIMUM_NODE. */
export function isNodeTooOld(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const [minMajor = 0, minMinor = 0] = MINIMUM_NODE.split('.').map(Number);
  return major < minMajor || (major === minMajor && minor < minMinor);
}

export function nodeTooOldMessage(version: string): string {
  return `freshen needs Node >= ${MINIMUM_NODE} (this is v${version.replace(/^v/, '')}); see README 'On a fresh machine'\n`;
}

if (isNodeTooOld(process.versions.node)) {
  process.stderr.write(nodeTooOldMessage(process.versions.node));
  process.exit(1);
}
