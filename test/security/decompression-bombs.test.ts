// Indexes from mirrors an image names are attacker-chosen: decompression stops at a cap instead of exhausting memory.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { apkIndexText } from '../../src/datasources/alpine/apkindex.js';
import { decompressIndex } from '../../src/datasources/debian/packages.js';

describe('decompression bombs', () => {
  it('a Packages.gz expanding past the cap is refused; one within it is read', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expect(decompressIndex('main/binary-amd64/Packages.gz', bomb, 1024 * 1024)).rejects.toThrow(/more than 1048576 bytes/);
    const fine = gzipSync(Buffer.from('Package: jq\nVersion: 1.6\n'));
    expect((await decompressIndex('main/binary-amd64/Packages.gz', fine, 1024 * 1024)).toString()).toContain('Package: jq');
  });

  it('an APKINDEX.tar.gz bomb fails as a clear index error', async () => {
    const bomb = gzipSync(Buffer.alloc(160 * 1024 * 1024));
    await expect(apkIndexText(bomb)).rejects.toThrow(/APKINDEX\.tar\.gz expands to more than/);
  });
});
