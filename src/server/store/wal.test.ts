import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Wal } from './wal.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'wal-'));
  dirs.push(d);
  return d;
}
const obj = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });

describe('Wal', () => {
  it('replays puts and deletes after sync', async () => {
    const d = dir();
    const { wal } = await Wal.openDir(d);
    wal.append({ rev: 1, key: 'k1', obj: obj('a') });
    wal.append({ rev: 2, key: 'k2', obj: obj('b') });
    wal.append({ rev: 3, key: 'k1' });
    await wal.sync();
    await wal.close();
    const { recovered, wal: w2 } = await Wal.openDir(d);
    await w2.close();
    expect(recovered.revision).toBe(3);
    expect([...recovered.objects.keys()]).toEqual(['k2']);
  });

  it('cuts a torn tail and reports where; refuses a damaged record', async () => {
    const d = dir();
    const { wal } = await Wal.openDir(d);
    wal.append({ rev: 1, key: 'k1', obj: obj('a') });
    await wal.close();
    const size = readFileSync(join(d, 'wal.log')).length;
    const torn = '1234abcd {"rev":2';
    appendFileSync(join(d, 'wal.log'), torn);
    const r = await Wal.openDir(d);
    await r.wal.close();
    expect(r.recovered.tornTail).toEqual({ offset: size, bytes: torn.length });
    expect(readFileSync(join(d, 'wal.log')).length).toBe(size);
    writeFileSync(
      join(d, 'wal.log'),
      readFileSync(join(d, 'wal.log'), 'utf8').replace('"a"', '"b"'),
    );
    await expect(Wal.openDir(d)).rejects.toThrow('corrupt record at byte offset 0');
  });

  it('compacts a long log into a snapshot at start', async () => {
    const d = dir();
    const { wal } = await Wal.openDir(d);
    for (let i = 1; i <= 1500; i++) wal.append({ rev: i, key: `k${i % 10}`, obj: obj(String(i)) });
    await wal.close();
    const a = await Wal.openDir(d);
    await a.wal.close();
    expect(readFileSync(join(d, 'wal.log')).length).toBe(0);
    const b = await Wal.openDir(d);
    await b.wal.close();
    expect(b.recovered.revision).toBe(1500);
    expect(b.recovered.objects.size).toBe(10);
    expect(b.recovered.objects.get('k0')?.metadata.name).toBe('1500');
  });
});
