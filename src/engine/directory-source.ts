// A FileSource over a local directory (the CLI's), skipping VCS and dependency folders.
import { readdir, readFile, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { MAX_FILE_BYTES } from '../managers/limits.js';
import type { FileSource } from './types.js';

const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn', 'vendor']);

export function directorySource(root: string): FileSource {
  let realRoot: Promise<string> | undefined;
  return {
    async list() {
      const files: string[] = [];
      const walk = async (dir: string): Promise<void> => {
        for (const entry of await readdir(dir, { withFileTypes: true })) {
          const full = join(dir, entry.name);
          if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) await walk(full);
          else if (entry.isFile()) files.push(relative(root, full).split(sep).join('/'));
        }
      };
      await walk(root);
      return files.sort();
    },
    async read(path) {
      // Only what list() could list: a regular file under root reached without a symlink (an
      // include naming `notes.txt -> ~/.netrc` is not read).
      const full = join(root, path);
      if (relative(root, full).split(sep).includes('..') || (await realpath(full)) !== join(await (realRoot ??= realpath(root)), path)) {
        throw new Error(`${path}: not a regular file of the repository`);
      }
      const bytes = await readFile(full);
      if (bytes.length > MAX_FILE_BYTES) throw new Error(`file is larger than ${MAX_FILE_BYTES} bytes; skipped`);
      return bytes.toString('utf8');
    },
  };
}
