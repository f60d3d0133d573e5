/**
 * A read-only Git object store reader: pack files through their v2 indexes (offset and ref deltas,
 * also thin-pack bases found in other packs or loose), and loose objects, inflated with node:zlib.
 * isomorphic-git reads objects with a JavaScript inflate and a directory scan per object, which
 * made reading a 2,000-file tree take seconds; this reads it in tens of milliseconds. It returns
 * undefined for anything it cannot find, and the caller falls back to isomorphic-git.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

export type GitObjectType = 'commit' | 'tree' | 'blob' | 'tag';

export interface GitObject {
  type: GitObjectType;
  data: Buffer;
}

const typeNames: Record<number, GitObjectType> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };
const OFS_DELTA = 6;
const REF_DELTA = 7;

interface PackIndex {
  packPath: string;
  fanout: Uint32Array;
  count: number;
  idx: Buffer;
  pack?: Promise<Buffer>;
}

function loadIndex(packPath: string, idx: Buffer): PackIndex | undefined {
  // v2: magic \377tOc, version 2, 256 fanout entries, then the sorted object ids.
  if (idx.length < 8 + 1024 || idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) {
    return undefined;
  }
  const fanout = new Uint32Array(256);
  for (let i = 0; i < 256; i++) fanout[i] = idx.readUInt32BE(8 + i * 4);
  const count = fanout[255] ?? 0;
  // Ids, CRCs, offsets and the two trailing checksums at least: a shorter file is a torn write.
  if (idx.length < 8 + 1024 + count * 28 + 40) return undefined;
  return { packPath, fanout, count, idx };
}

/** Offset of `oid` (20 raw bytes) in the pack, or -1. */
function findOffset(p: PackIndex, oid: Buffer): number {
  const first = oid[0] ?? 0;
  let lo = first === 0 ? 0 : (p.fanout[first - 1] ?? 0);
  let hi = p.fanout[first] ?? 0;
  const names = 8 + 1024;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const cmp = p.idx.compare(oid, 0, 20, names + mid * 20, names + mid * 20 + 20);
    if (cmp === 0) {
      const offsets = names + p.count * 24;
      const off = p.idx.readUInt32BE(offsets + mid * 4);
      if ((off & 0x80000000) === 0) return off;
      const large = offsets + p.count * 4 + (off & 0x7fffffff) * 8;
      return p.idx.readUInt32BE(large) * 2 ** 32 + p.idx.readUInt32BE(large + 4);
    }
    if (cmp > 0) hi = mid;
    else lo = mid + 1;
  }
  return -1;
}

function readVarint(buf: Buffer, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  let c: number;
  do {
    c = buf[pos++] ?? 0;
    value += (c & 0x7f) * 2 ** shift;
    shift += 7;
  } while (c & 0x80);
  return [value, pos];
}

/** Applies a git delta to `base`. */
export function applyDelta(base: Buffer, delta: Buffer): Buffer {
  const [srcSize, afterSrc] = readVarint(delta, 0);
  if (srcSize !== base.length) throw new Error('delta base size mismatch');
  const [dstSize, afterDst] = readVarint(delta, afterSrc);
  let pos = afterDst;
  const out = Buffer.allocUnsafe(dstSize);
  let at = 0;
  while (pos < delta.length) {
    const op = delta[pos++] ?? 0;
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let i = 0; i < 4; i++) if (op & (1 << i)) offset += (delta[pos++] ?? 0) * 2 ** (8 * i);
      for (let i = 0; i < 3; i++) if (op & (0x10 << i)) size += (delta[pos++] ?? 0) << (8 * i);
      if (size === 0) size = 0x10000;
      if (offset + size > base.length || at + size > dstSize) throw new Error('bad delta copy');
      base.copy(out, at, offset, offset + size);
      at += size;
    } else if (op > 0) {
      if (pos + op > delta.length || at + op > dstSize) throw new Error('bad delta insert');
      delta.copy(out, at, pos, pos + op);
      at += op;
      pos += op;
    } else {
      throw new Error('bad delta opcode 0');
    }
  }
  if (at !== dstSize) throw new Error('delta result size mismatch');
  return out;
}

export class ObjectReader {
  private packs: Promise<PackIndex[]> | undefined;
  /** Objects resolved by pack offset (delta bases are often shared). */
  private readonly byOffset = new Map<string, GitObject>();

  constructor(private readonly gitdir: string) {}

  private loadPacks(): Promise<PackIndex[]> {
    this.packs ??= (async () => {
      const dir = join(this.gitdir, 'objects', 'pack');
      const names = await readdir(dir).catch(() => [] as string[]);
      const out: PackIndex[] = [];
      for (const name of names.filter((n) => n.endsWith('.idx'))) {
        const idx = await readFile(join(dir, name)).catch(() => undefined);
        const p = idx && loadIndex(join(dir, name.replace(/\.idx$/, '.pack')), idx);
        if (p) out.push(p);
      }
      return out;
    })();
    return this.packs;
  }

  async read(oid: string): Promise<GitObject | undefined> {
    if (!/^[0-9a-f]{40}$/.test(oid)) return undefined;
    const raw = Buffer.from(oid, 'hex');
    for (const p of await this.loadPacks()) {
      const off = findOffset(p, raw);
      if (off >= 0) return this.readPacked(p, off, 0);
    }
    return this.readLoose(oid);
  }

  private async readLoose(oid: string): Promise<GitObject | undefined> {
    const file = join(this.gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
    const deflated = await readFile(file).catch(() => undefined);
    if (!deflated) return undefined;
    const all = inflateSync(deflated);
    const nul = all.indexOf(0);
    const type = all.subarray(0, nul).toString('latin1').split(' ')[0] as GitObjectType;
    if (!['commit', 'tree', 'blob', 'tag'].includes(type)) return undefined;
    return { type, data: all.subarray(nul + 1) };
  }

  private async readPacked(p: PackIndex, offset: number, depth: number): Promise<GitObject> {
    if (depth > 64) throw new Error('delta chain too long');
    const key = `${p.packPath}:${offset}`;
    const hit = this.byOffset.get(key);
    if (hit) return hit;
    p.pack ??= readFile(p.packPath);
    const pack = await p.pack;
    let pos = offset;
    let c = pack[pos++] ?? 0;
    const kind = (c >> 4) & 7;
    while (c & 0x80) c = pack[pos++] ?? 0;
    let result: GitObject;
    if (kind === OFS_DELTA) {
      c = pack[pos++] ?? 0;
      let back = c & 0x7f;
      while (c & 0x80) {
        c = pack[pos++] ?? 0;
        back = (back + 1) * 128 + (c & 0x7f);
      }
      const base = await this.readPacked(p, offset - back, depth + 1);
      result = { type: base.type, data: applyDelta(base.data, inflateSync(pack.subarray(pos))) };
    } else if (kind === REF_DELTA) {
      const baseOid = pack.subarray(pos, pos + 20).toString('hex');
      pos += 20;
      const base = await this.read(baseOid);
      if (!base) throw new Error(`delta base ${baseOid} not found`);
      result = { type: base.type, data: applyDelta(base.data, inflateSync(pack.subarray(pos))) };
    } else {
      const type = typeNames[kind];
      if (!type) throw new Error(`unknown pack object type ${kind}`);
      result = { type, data: inflateSync(pack.subarray(pos)) };
    }
    // Trees and delta bases are read again and again; blobs that are no base are not.
    if (result.type !== 'blob' || depth > 0) this.byOffset.set(key, result);
    return result;
  }
}

export interface TreeEntryRaw {
  mode: string;
  name: string;
  oid: string;
}

/** Parses a tree object: `<mode> <name>\0<20-byte id>` repeated. */
export function parseTree(data: Buffer): TreeEntryRaw[] {
  const out: TreeEntryRaw[] = [];
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    const nul = data.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > data.length) throw new Error('malformed tree object');
    out.push({
      mode: data.subarray(pos, space).toString('latin1'),
      name: data.subarray(space + 1, nul).toString('utf8'),
      oid: data.subarray(nul + 1, nul + 21).toString('hex'),
    });
    pos = nul + 21;
  }
  return out;
}

/** The tree id of a commit object. */
export function commitTree(data: Buffer): string | undefined {
  const m = /^tree ([0-9a-f]{40})\n/.exec(data.subarray(0, 46).toString('latin1'));
  return m?.[1];
}
