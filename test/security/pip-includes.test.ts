// A hostile repository's pip includes: symlinks out of the checkout and endless include chains are not followed.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directorySource } from '../../src/engine/directory-source.js';
import { extractAll } from '../../src/engine/extract.js';
import { MAX_INCLUDED_FILES } from '../../src/engine/pip-includes.js';
import { tempDir as tempDirWithPrefix } from '../support/temp-dir.js';

const tempDir = () => tempDirWithPrefix('freshen-hostile-pip-');

describe('pip includes in a hostile checkout', () => {
  it('an include that is a symlink (to a file or through a folder) out of the checkout is not read', async () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'netrc'), 'leaked-secret==1.0\n');
    const repo = tempDir();
    writeFileSync(join(repo, 'requirements.txt'), '-r notes.txt\n-r linked/netrc\nflask==2.3.3\n');
    symlinkSync(join(outside, 'netrc'), join(repo, 'notes.txt'));
    symlinkSync(outside, join(repo, 'linked'));
    const { dependencies, errors } = await extractAll(directorySource(repo));
    expect(dependencies.map((d) => d.depName)).toEqual(['flask']);
    expect(JSON.stringify({ dependencies, errors })).not.toContain('leaked-secret');
    expect(errors).toEqual([
      { file: 'requirements.txt', line: 1, message: '-r notes.txt: not found in the repository (or not a regular file)' },
      { file: 'requirements.txt', line: 2, message: '-r linked/netrc: not found in the repository (or not a regular file)' },
    ]);
  });

  it(`a chain of includes longer than ${MAX_INCLUDED_FILES} files stops there with a located error`, async () => {
    const repo = tempDir();
    mkdirSync(join(repo, 'chain'));
    writeFileSync(join(repo, 'requirements.txt'), '-r chain/0.in\n');
    const files = MAX_INCLUDED_FILES + 50;
    for (let i = 0; i < files; i++) writeFileSync(join(repo, 'chain', `${i}.in`), `pkg${i}==1.0\n-r ${i + 1}.in\n`);
    const { dependencies, errors } = await extractAll(directorySource(repo));
    expect(dependencies).toHaveLength(MAX_INCLUDED_FILES);
    expect(errors).toEqual([
      { file: `chain/${MAX_INCLUDED_FILES - 1}.in`, line: 2, message: `-r ${MAX_INCLUDED_FILES}.in: more than ${MAX_INCLUDED_FILES} included files; not followed` },
    ]);
  });
});
