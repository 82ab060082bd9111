// A registry that would be sent credentials over plain HTTP without being listed as insecure: the repository may name the credential's host, not downgrade the connection it travels on.
import { sendsCredentials, type NpmOptions } from '../../datasources/npm/config.js';
import { HostPolicy } from '../../http/address-guard.js';

/** Why these npm settings must not be used (the first such registry key), or undefined. Shared by npm, yarn classic and pnpm. */
export function plainHttpCredentials(options: NpmOptions, insecure: readonly string[]): string | undefined {
  const policy = new HostPolicy(insecure);
  for (const [key, registry] of Object.entries(options)) {
    if (key !== 'registry' && !key.endsWith(':registry')) continue;
    let url: URL;
    try {
      url = new URL(registry);
    } catch {
      return `${key} "${registry}" is not a URL`;
    }
    if (url.protocol === 'https:' || !sendsCredentials(registry, options)) continue;
    try {
      policy.checkScheme(url);
    } catch (err) {
      return `${key}: ${(err as Error).message}; credentials are not sent over it`;
    }
  }
  return undefined;
}
