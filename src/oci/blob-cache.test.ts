import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobCache } from './blob-cache.js';
import { sha256Digest } from './digest.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'packsync-blobcache-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const blob = (text: string, size = 100) => Buffer.from(text.padEnd(size, '.'));

describe('BlobCache', () => {
  it('returns stored blobs, also to a new instance on the same directory', async () => {
    const dir = tempDir();
    const data = blob('hello');
    const digest = sha256Digest(data);
    await new BlobCache({ dir }).put(digest, data);
    const again = new BlobCache({ dir });
    expect(await again.get(digest)).toEqual(data);
    expect(await again.size()).toBe(100);
    expect(readdirSync(join(dir, 'sha256'))).toEqual([digest.slice('sha256:'.length)]);
  });

  it('stores nothing whose content does not match the digest', async () => {
    const cache = new BlobCache({ dir: tempDir() });
    const digest = sha256Digest(blob('a'));
    await cache.put(digest, blob('b'));
    expect(await cache.get(digest)).toBeUndefined();
    expect(await cache.size()).toBe(0);
  });

  it('drops a corrupted entry and reports a miss', async () => {
    const dir = tempDir();
    const data = blob('precious');
    const digest = sha256Digest(data);
    await new BlobCache({ dir }).put(digest, data);
    writeFileSync(join(dir, 'sha256', digest.slice('sha256:'.length)), blob('tampered'));
    const cache = new BlobCache({ dir });
    expect(await cache.get(digest)).toBeUndefined();
    expect(await cache.size()).toBe(0);
    expect(readdirSync(join(dir, 'sha256'))).toEqual([]);
  });

  it('evicts the least recently used blobs beyond the size bound', async () => {
    const cache = new BlobCache({ dir: tempDir(), maxBytes: 300 });
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((t) => blob(t));
    const digest = (x: Buffer | undefined) => sha256Digest(x ?? Buffer.alloc(0));
    await cache.put(digest(a), a!);
    await cache.put(digest(b), b!);
    await cache.put(digest(c), c!);
    // `a` is used again, so `b` is now the least recently used.
    expect(await cache.get(digest(a))).toEqual(a);
    await cache.put(digest(d), d!);
    expect(await cache.size()).toBe(300);
    expect(await cache.has(digest(b))).toBe(false);
    for (const x of [a, c, d]) expect(await cache.get(digest(x))).toEqual(x);
  });

  it('does not keep a blob larger than the whole bound', async () => {
    const cache = new BlobCache({ dir: tempDir(), maxBytes: 50 });
    const big = blob('big', 100);
    await cache.put(sha256Digest(big), big);
    expect(await cache.size()).toBe(0);
  });
});
