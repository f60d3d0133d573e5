/**
 * Tar and gzip codec, entirely in memory. Writing is deterministic (sorted entries, fixed mtime,
 * uid, gid and modes, no PAX time records, gzip without a timestamp) so equal inputs give equal bytes.
 * Reading streams the bytes through zlib and tar-stream and refuses anything that could escape or
 * exhaust the reader: absolute paths, `..`, links, devices, fifos, oversize entries, too many entries
 * and decompression bombs, each with its own error naming the entry.
 */
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, createGunzip, gzipSync } from 'node:zlib';

import tarStream from 'tar-stream';

import { OciError } from './errors.js';

export interface TarFileEntry {
  path: string;
  data: Uint8Array;
  /** File mode; 0o644 by default. */
  mode?: number;
}

/** Fixed metadata of every entry we write: the epoch, root ownership. */
const fixedMtime = new Date(0);
const fileMode = 0o644;
const dirMode = 0o755;

function compareBytes(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

/**
 * A tar of `files`, with a directory entry for every parent folder. Entries are sorted by path bytes,
 * so the output depends only on the paths, contents and modes.
 */
export async function writeTar(
  files: readonly TarFileEntry[],
  options: { directories?: boolean } = {},
): Promise<Buffer> {
  const byPath = new Map<string, TarFileEntry>();
  for (const f of files) byPath.set(f.path, f);
  const dirs = new Set<string>();
  if (options.directories ?? true) {
    for (const p of byPath.keys()) {
      const parts = p.split('/');
      for (let i = 1; i < parts.length; i += 1) dirs.add(`${parts.slice(0, i).join('/')}/`);
    }
  }
  const names = [...byPath.keys(), ...dirs].sort(compareBytes);
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const name of names) {
    const base = { mtime: fixedMtime, uid: 0, gid: 0, uname: '', gname: '' };
    const file = byPath.get(name);
    if (file) {
      pack.entry(
        { ...base, name, type: 'file', mode: file.mode ?? fileMode },
        Buffer.from(file.data),
      );
    } else {
      pack.entry({ ...base, name, type: 'directory', mode: dirMode });
    }
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Gzip without a timestamp or file name, at a fixed level: the same input gives the same bytes. */
export function gzipDeterministic(data: Uint8Array): Buffer {
  return gzipSync(data, { level: 6, memLevel: 8, strategy: zlibConstants.Z_DEFAULT_STRATEGY });
}

export function isGzip(data: Uint8Array): boolean {
  return data.byteLength >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

export interface TarLimits {
  /** Largest single file. */
  maxFileSize: number;
  /** Largest sum of all file sizes in one stream. */
  maxTotalSize: number;
  /** Most entries (of any type) in one stream. */
  maxEntries: number;
  /** Most bytes a gzip stream may expand to per compressed byte (checked past 1 MiB of output). */
  maxCompressionRatio: number;
}

export const defaultTarLimits: TarLimits = {
  maxFileSize: 64 * 1024 * 1024,
  maxTotalSize: 512 * 1024 * 1024,
  maxEntries: 20_000,
  maxCompressionRatio: 200,
};

const ratioFloor = 1024 * 1024;

export type ReadEntry =
  | { type: 'file'; path: string; data: Buffer; size: number }
  | { type: 'directory'; path: string }
  | { type: 'symlink' | 'link'; path: string; target: string };

export interface ReadTarOptions {
  /** Names the stream in errors (`layer sha256:...`). */
  what: string;
  /** `true`: gunzip first; `'auto'`: gunzip when the data starts with the gzip magic. */
  gzip: boolean | 'auto';
  limits?: Partial<TarLimits>;
  /**
   * Symbolic and hard links: `reject` (image layers) or `keep` (returned as entries and never followed;
   * archives written by other tools contain some).
   */
  links: 'reject' | 'keep';
  /** Files whose content is needed; others are checked and counted but their bytes dropped. */
  keepData?: (path: string) => boolean;
}

function unsafe(opts: ReadTarOptions, entry: string, reason: string): OciError {
  return new OciError('unsafe-entry', `${opts.what}: unsafe entry "${entry}": ${reason}`);
}

/** Normalises a tar entry name to a relative POSIX path, refusing absolute paths and `..`. */
export function safeEntryPath(opts: ReadTarOptions, name: string): string {
  if (name.includes('\0')) throw unsafe(opts, name, 'path contains a NUL byte');
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) || name.startsWith('\\')) {
    throw unsafe(opts, name, 'absolute path');
  }
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw unsafe(opts, name, 'path escapes the root with ".."');
  return parts.join('/');
}

function mapStreamError(opts: ReadTarOptions, err: unknown): unknown {
  if (err instanceof OciError) return err;
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'Z_BUF_ERROR' || message === 'unexpected end of file') {
    return new OciError('invalid-image', `${opts.what}: truncated gzip stream`, { cause: err });
  }
  if (code === 'Z_DATA_ERROR') {
    return new OciError('invalid-image', `${opts.what}: corrupt gzip stream: ${message}`, {
      cause: err,
    });
  }
  if (/unexpected end of data/i.test(message)) {
    return new OciError('invalid-image', `${opts.what}: truncated tar stream`, { cause: err });
  }
  if (/invalid tar header|unknown format/i.test(message)) {
    return new OciError('invalid-image', `${opts.what}: not a tar stream: ${message}`, {
      cause: err,
    });
  }
  return new OciError('invalid-image', `${opts.what}: reading tar stream: ${message}`, {
    cause: err,
  });
}

/** Reads every entry of a (gzipped) tar in memory, enforcing the safety rules and limits. */
export async function readTar(data: Uint8Array, opts: ReadTarOptions): Promise<ReadEntry[]> {
  const limits = { ...defaultTarLimits, ...opts.limits };
  const gunzip = opts.gzip === 'auto' ? isGzip(data) : opts.gzip;
  const compressed = data.byteLength;
  let produced = 0;
  const errors: unknown[] = [];

  const chunkSize = 64 * 1024;
  const input = Readable.from(
    (function* () {
      for (let i = 0; i < data.byteLength; i += chunkSize) {
        yield Buffer.from(
          data.buffer,
          data.byteOffset + i,
          Math.min(chunkSize, data.byteLength - i),
        );
      }
    })(),
  );
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      produced += chunk.byteLength;
      if (gunzip && produced > ratioFloor && produced > compressed * limits.maxCompressionRatio) {
        cb(
          new OciError(
            'limit-exceeded',
            `${opts.what}: decompression bomb: ${compressed} compressed bytes expand past ${produced} bytes (more than ${limits.maxCompressionRatio} times)`,
          ),
        );
        return;
      }
      if (produced > limits.maxTotalSize + 1024 * 1024) {
        cb(
          new OciError(
            'limit-exceeded',
            `${opts.what}: unpacked size exceeds the limit of ${limits.maxTotalSize} bytes`,
          ),
        );
        return;
      }
      cb(null, chunk);
    },
  });
  const extract = tarStream.extract();
  const stages: NodeJS.ReadWriteStream[] = gunzip ? [createGunzip(), meter] : [meter];
  const feeding = pipeline([input, ...stages, extract]).catch((err: unknown) => {
    errors.push(err);
  });

  const entries: ReadEntry[] = [];
  let total = 0;
  let consumerError: unknown;
  try {
    for await (const entry of extract) {
      const h = entry.header;
      if (entries.length >= limits.maxEntries) {
        throw new OciError(
          'limit-exceeded',
          `${opts.what}: more than ${limits.maxEntries} entries`,
        );
      }
      const path = safeEntryPath(opts, h.name);
      switch (h.type) {
        case 'file':
        case 'contiguous-file': {
          const size = h.size ?? 0;
          if (size > limits.maxFileSize) {
            throw new OciError(
              'limit-exceeded',
              `${opts.what}: entry "${h.name}" is ${size} bytes, over the file size limit of ${limits.maxFileSize} bytes`,
            );
          }
          total += size;
          if (total > limits.maxTotalSize) {
            throw new OciError(
              'limit-exceeded',
              `${opts.what}: unpacked size exceeds the limit of ${limits.maxTotalSize} bytes at entry "${h.name}"`,
            );
          }
          const keep = opts.keepData?.(path) ?? true;
          const parts: Buffer[] = [];
          for await (const c of entry) if (keep) parts.push(c as Buffer);
          entries.push({ type: 'file', path, data: Buffer.concat(parts), size });
          break;
        }
        case 'directory':
          entry.resume();
          entries.push({ type: 'directory', path });
          break;
        case 'symlink':
        case 'link': {
          const kind = h.type === 'symlink' ? 'symbolic link' : 'hard link';
          if (opts.links === 'reject') {
            throw unsafe(opts, h.name, `${kind} to "${h.linkname ?? ''}" is not allowed`);
          }
          entry.resume();
          entries.push({ type: h.type, path, target: h.linkname ?? '' });
          break;
        }
        case 'character-device':
        case 'block-device':
          throw unsafe(opts, h.name, `${h.type.replace('-', ' ')} is not allowed`);
        case 'fifo':
          throw unsafe(opts, h.name, 'fifo is not allowed');
        default:
          throw unsafe(opts, h.name, `entry type "${String(h.type)}" is not allowed`);
      }
    }
  } catch (err) {
    consumerError = err;
    input.destroy();
    extract.destroy();
  }
  await feeding;
  // Our own refusal wins; else the feeding side's error (zlib, tar), which is the cause of any
  // premature close the consumer saw.
  const ordered = [consumerError, ...errors].filter((e) => e !== undefined);
  const first = ordered.find((e) => e instanceof OciError) ?? errors[0] ?? consumerError;
  if (first !== undefined) throw mapStreamError(opts, first);
  return entries;
}
