/**
 * Write-ahead log of store commits: one line per record, `<crc32 hex> <json>\n`, appended and
 * fdatasync'd in groups. A snapshot file holds the compacted state; replay = snapshot + log. A torn
 * last line (the process died mid-write, so the commit was never acknowledged) is cut and reported;
 * a damaged record anywhere else stops the start with the byte offset, never silently dropped.
 */
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
  ftruncateSync,
} from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { UserError } from '../../errors.js';
import type { KubeObject } from '../types.js';

export interface WalRecord {
  rev: number;
  key: string;
  /** Absent for a delete. */
  obj?: KubeObject;
}

export interface Recovered {
  revision: number;
  objects: Map<string, KubeObject>;
  /** Log records replayed on top of the snapshot. */
  records: number;
  /** The log was folded into the snapshot at this start. */
  compacted: boolean;
  /** Set when a torn final record was cut off. */
  tornTail?: { offset: number; bytes: number };
}

function encode(rec: WalRecord): string {
  const json = JSON.stringify(rec);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

function decodeLines(
  buf: Buffer,
  file: string,
  tolerateTornTail: boolean,
): { recs: WalRecord[]; goodBytes: number } {
  const recs: WalRecord[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    const end = nl === -1 ? buf.length : nl;
    const line = buf.subarray(pos, end).toString('utf8');
    const ok =
      nl !== -1 &&
      line.length > 9 &&
      line[8] === ' ' &&
      crc32(line.slice(9)).toString(16).padStart(8, '0') === line.slice(0, 8);
    if (!ok) {
      if (tolerateTornTail && nl === -1) return { recs, goodBytes: pos };
      throw new UserError(
        `reading data dir: ${file}: corrupt record at byte offset ${pos} (checksum mismatch or truncated record); the data dir needs manual repair`,
      );
    }
    recs.push(JSON.parse(line.slice(9)) as WalRecord);
    pos = end + 1;
  }
  return { recs, goodBytes: pos };
}

export class Wal {
  private handle: FileHandle | undefined;
  private pending: string[] = [];
  private waiters: (() => void)[] = [];
  private failure: Error | undefined;
  private flushing = false;
  private scheduled = false;
  /** Records written since the last compaction, so the log can be compacted at the next start. */
  records = 0;

  private constructor(readonly dir: string) {}

  static async openDir(dir: string): Promise<{ wal: Wal; recovered: Recovered }> {
    mkdirSync(dir, { recursive: true });
    const snapFile = join(dir, 'snapshot.jsonl');
    const logFile = join(dir, 'wal.log');
    const objects = new Map<string, KubeObject>();
    let revision = 0;
    if (existsSync(snapFile)) {
      const { recs } = decodeLines(readFileSync(snapFile), snapFile, false);
      for (const r of recs) {
        if (r.key === '') revision = r.rev;
        else if (r.obj) objects.set(r.key, r.obj);
      }
    }
    let records = 0;
    let tornTail: Recovered['tornTail'];
    if (existsSync(logFile)) {
      const buf = readFileSync(logFile);
      const { recs, goodBytes } = decodeLines(buf, logFile, true);
      for (const r of recs) {
        if (r.rev <= revision) continue;
        revision = r.rev;
        if (r.obj) objects.set(r.key, r.obj);
        else objects.delete(r.key);
      }
      records = recs.length;
      if (goodBytes < buf.length) {
        tornTail = { offset: goodBytes, bytes: buf.length - goodBytes };
        const fd = openSync(logFile, 'r+');
        ftruncateSync(fd, goodBytes);
        fsyncSync(fd);
        closeSync(fd);
      }
    }
    const wal = new Wal(dir);
    const compacted = records > 1000;
    if (compacted) wal.compact(revision, objects);
    wal.handle = await open(logFile, 'a');
    wal.records = compacted ? 0 : records;
    const recovered: Recovered = { revision, objects, records, compacted };
    if (tornTail) recovered.tornTail = tornTail;
    return { wal, recovered };
  }

  /** Rewrite the snapshot from the state and start an empty log (only while nothing is appending). */
  private compact(revision: number, objects: Map<string, KubeObject>): void {
    const tmp = join(this.dir, 'snapshot.jsonl.tmp');
    const fd = openSync(tmp, 'w');
    const chunks: string[] = [encode({ rev: revision, key: '' })];
    for (const [key, obj] of objects) chunks.push(encode({ rev: revision, key, obj }));
    writeSync(fd, chunks.join(''));
    fdatasyncSync(fd);
    closeSync(fd);
    renameSync(tmp, join(this.dir, 'snapshot.jsonl'));
    const dfd = openSync(this.dir, 'r');
    fsyncSync(dfd);
    closeSync(dfd);
    const lfd = openSync(join(this.dir, 'wal.log'), 'w');
    fsyncSync(lfd);
    closeSync(lfd);
  }

  /** Queues a record; it is flushed soon even if nobody waits (controller writes). */
  append(rec: WalRecord): void {
    this.pending.push(encode(rec));
    this.records += 1;
    if (!this.scheduled && !this.flushing) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        if (!this.flushing && this.pending.length > 0) void this.flush();
      });
    }
  }

  /** Resolves once everything appended so far is on disk. */
  sync(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending.length === 0 && !this.flushing) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push(() => (this.failure ? reject(this.failure) : resolve()));
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0 || this.waiters.length > 0) {
      const data = this.pending.join('');
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      try {
        if (!this.handle) throw new Error('write-ahead log is closed');
        if (data) await this.handle.appendFile(data);
        await this.handle.datasync();
      } catch (err) {
        this.failure = new Error(`writing the write-ahead log: ${String(err)}`);
      }
      for (const w of waiters) w();
    }
    this.flushing = false;
  }

  async close(): Promise<void> {
    await this.sync().catch(() => undefined);
    await this.handle?.close();
    this.handle = undefined;
  }
}
