/**
 * A content-addressed blob cache on disk (`<dir>/sha256/<hex>`) for manifests, configs and
 * layers, bounded in size with least-recently-used eviction. Only verified content is stored
 * (its sha256 must equal the digest); writes go to a temporary file renamed into place, and an
 * entry that no longer matches its digest is deleted and reported as a miss. Several clients
 * (and processes) may share one directory; a vanished file is just a miss.
 */
import { randomBytes } from 'node:crypto';
import {
  mkdir,
  readdir,
  readFile,
  rename,
  stat,
  unlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';

import { sha256Digest } from './digest.js';

export interface BlobCacheOptions {
  dir: string;
  /** Total size bound of the cached blobs; default 512 MiB. */
  maxBytes?: number;
}

interface Entry {
  size: number;
  lastUsed: number;
}

const digestPattern = /^sha256:([0-9a-f]{64})$/;

export class BlobCache {
  readonly dir: string;
  readonly maxBytes: number;
  private index: Promise<Map<string, Entry>> | undefined;
  private total = 0;
  /** Monotonic use counter, so uses within the same millisecond keep their order. */
  private clock = 0;

  constructor(opts: BlobCacheOptions) {
    this.dir = opts.dir;
    this.maxBytes = opts.maxBytes ?? 512 * 1024 * 1024;
  }

  private path(digest: string): string | undefined {
    const m = digestPattern.exec(digest);
    return m?.[1] === undefined ? undefined : join(this.dir, 'sha256', m[1]);
  }

  private tick(): number {
    this.clock = Math.max(this.clock + 1, Date.now());
    return this.clock;
  }

  /** Scans the directory once: sizes and last use (mtime) of the entries present. */
  private entries(): Promise<Map<string, Entry>> {
    this.index ??= (async () => {
      const map = new Map<string, Entry>();
      const base = join(this.dir, 'sha256');
      await mkdir(base, { recursive: true });
      for (const name of await readdir(base)) {
        if (!/^[0-9a-f]{64}$/.test(name)) continue;
        try {
          const st = await stat(join(base, name));
          map.set(`sha256:${name}`, { size: st.size, lastUsed: st.mtimeMs });
          this.total += st.size;
        } catch {
          // removed meanwhile
        }
      }
      return map;
    })();
    return this.index;
  }

  /** Bytes currently held. */
  async size(): Promise<number> {
    await this.entries();
    return this.total;
  }

  async has(digest: string): Promise<boolean> {
    return (await this.entries()).has(digest);
  }

  private async forget(digest: string): Promise<void> {
    const map = await this.entries();
    const e = map.get(digest);
    if (e !== undefined) {
      map.delete(digest);
      this.total -= e.size;
    }
    const p = this.path(digest);
    if (p !== undefined) await unlink(p).catch(() => undefined);
  }

  /** The verified content of `digest`, or undefined (missing or corrupted, then removed). */
  async get(digest: string): Promise<Buffer | undefined> {
    const p = this.path(digest);
    if (p === undefined) return undefined;
    const map = await this.entries();
    let data: Buffer;
    try {
      data = await readFile(p);
    } catch {
      await this.forget(digest);
      return undefined;
    }
    if (sha256Digest(data) !== digest) {
      await this.forget(digest);
      return undefined;
    }
    const now = this.tick();
    const e = map.get(digest);
    if (e === undefined) {
      map.set(digest, { size: data.byteLength, lastUsed: now });
      this.total += data.byteLength;
    } else e.lastUsed = now;
    const seconds = now / 1000;
    await utimes(p, seconds, seconds).catch(() => undefined);
    return data;
  }

  /**
   * Stores `data` under `digest` when its content matches (otherwise nothing is stored), then
   * evicts the least recently used entries beyond the size bound. A blob larger than the bound
   * is not stored.
   */
  async put(digest: string, data: Uint8Array): Promise<void> {
    const p = this.path(digest);
    if (p === undefined || sha256Digest(data) !== digest) return;
    if (data.byteLength > this.maxBytes) return;
    const map = await this.entries();
    const now = this.tick();
    const known = map.get(digest);
    if (known !== undefined) {
      known.lastUsed = now;
      return;
    }
    const tmp = `${p}.${randomBytes(8).toString('hex')}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, p);
    map.set(digest, { size: data.byteLength, lastUsed: now });
    this.total += data.byteLength;
    await this.evict(digest);
  }

  private async evict(keep: string): Promise<void> {
    if (this.total <= this.maxBytes) return;
    const map = await this.entries();
    const byAge = [...map.entries()]
      .filter(([d]) => d !== keep)
      .sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [digest] of byAge) {
      if (this.total <= this.maxBytes) break;
      await this.forget(digest);
    }
  }
}
