// Writes schema/freshen.schema.json and docs/configuration.md from the zod schema (`npm run docs:config`).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchemaText, configReference, REFERENCE_FILE, SCHEMA_FILE } from '../src/config/reference.js';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const [file, text] of [[SCHEMA_FILE, configJsonSchemaText()], [REFERENCE_FILE, configReference()]] as const) {
  await mkdir(dirname(join(root, file)), { recursive: true });
  await writeFile(join(root, file), text);
  process.stdout.write(`wrote ${file}\n`);
}
