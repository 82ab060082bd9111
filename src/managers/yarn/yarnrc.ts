// Berry's .yarnrc.yml registry choice as npmrc lines (`registry=`, `@scope:registry=`), so lookups ask the registry yarn would. Pure; never credentials.
import { isMap, isScalar } from 'yaml';
import { parseYamlFile } from '../yaml-values.js';

const SCOPE_NAME = /^[a-z0-9][\w.-]*$/i;

function registry(value: unknown): string | undefined {
  if (typeof value !== 'string' || /[\s${}]/.test(value)) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? `${value.replace(/\/+$/, '')}/` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `npmRegistryServer` and `npmScopes.<scope>.npmRegistryServer` of a .yarnrc.yml, as an npmrc text
 * the npm datasource reads. Anything else (tokens, yarnPath, plugins) is left out; an unreadable
 * file gives no lines, and yarn's own run reports it.
 */
export function yarnrcAsNpmrc(text: string, file: string): string {
  const parsed = parseYamlFile(text, file);
  if (Array.isArray(parsed)) return '';
  const root = parsed.documents[0]?.contents;
  if (!isMap(root)) return '';
  const lines: string[] = [];
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'npmRegistryServer') {
      const url = registry(isScalar(pair.value) ? pair.value.value : undefined);
      if (url) lines.push(`registry=${url}`);
    } else if (key === 'npmScopes' && isMap(pair.value)) {
      for (const scope of pair.value.items) {
        const name = isScalar(scope.key) ? String(scope.key.value) : '';
        if (!SCOPE_NAME.test(name) || !isMap(scope.value)) continue;
        const server = scope.value.items.find((p) => isScalar(p.key) && p.key.value === 'npmRegistryServer');
        const url = registry(server && isScalar(server.value) ? server.value.value : undefined);
        if (url) lines.push(`@${name}:registry=${url}`);
      }
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
