import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.js';
import { Store, type EventType } from './store.js';
import { Wal } from './wal.js';

const cm = (name: string, ns = 'a', labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, labels },
});

describe('Store', () => {
  it('stamps every write with the next global revision, deletes included', () => {
    const s = new Store({});
    expect(s.put('/configmaps', cm('x')).metadata.resourceVersion).toBe('1');
    expect(s.put('/secrets', cm('y')).metadata.resourceVersion).toBe('2');
    expect(s.remove('/configmaps', 'a', 'x')?.metadata.resourceVersion).toBe('3');
    expect(s.revision).toBe(3);
    expect(s.remove('/configmaps', 'a', 'x')).toBeUndefined();
    expect(s.revision).toBe(3);
  });

  it('lists in namespace/name order, now and at a past revision', () => {
    const s = new Store({});
    s.put('/configmaps', cm('b', 'n2'));
    s.put('/configmaps', cm('a', 'n2'));
    s.put('/configmaps', cm('z', 'n1'));
    const at = s.revision;
    s.remove('/configmaps', 'n2', 'a');
    s.put('/configmaps', cm('c', 'n1'));
    s.put('/configmaps', { ...cm('b', 'n2'), data: { v: '1' } });
    const names = (xs: KubeObject[]): string[] =>
      xs.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
    expect(names(s.list('/configmaps', undefined))).toEqual(['n1/c', 'n1/z', 'n2/b']);
    expect(names(s.list('/configmaps', undefined, at))).toEqual(['n1/z', 'n2/a', 'n2/b']);
    expect(
      s.list('/configmaps', 'n2', at).find((o) => o.metadata.name === 'b')?.data,
    ).toBeUndefined();
    expect(names(s.list('/configmaps', 'n1'))).toEqual(['n1/c', 'n1/z']);
  });

  it('replays history to a watch from a revision and expires what fell out of it', () => {
    const s = new Store({ historySize: 3 });
    for (const n of ['a', 'b', 'c', 'd', 'e']) s.put('/configmaps', cm(n));
    const seen: string[] = [];
    const send = (t: EventType, o: KubeObject): void =>
      void seen.push(`${t} ${o.metadata.name ?? ''}`);
    s.watch({ rk: '/configmaps', fromRev: 3, match: () => true, send });
    expect(seen).toEqual(['ADDED d', 'ADDED e']);
    expect(() => s.watch({ rk: '/configmaps', fromRev: 1, match: () => true, send })).toThrow(
      'too old resource version: 1 (3)',
    );
    expect(() => s.list('/configmaps', undefined, 1)).toThrow(/too old/);
  });

  it('turns selector transitions into ADDED and DELETED', () => {
    const s = new Store({});
    const seen: string[] = [];
    s.watch({
      rk: '/configmaps',
      match: (o) => o.metadata.labels?.app === 'web',
      send: (t, o) => void seen.push(`${t} ${o.metadata.labels?.app ?? '-'}`),
    });
    s.put('/configmaps', cm('x', 'a', { app: 'db' }));
    s.put('/configmaps', cm('x', 'a', { app: 'web' }));
    s.put('/configmaps', cm('x', 'a', { app: 'web' }));
    s.put('/configmaps', cm('x', 'a', { app: 'db' }));
    s.remove('/configmaps', 'a', 'x');
    expect(seen).toEqual(['ADDED web', 'MODIFIED web', 'DELETED db']);
  });

  it('with a write-ahead log, tells watchers only about writes that are on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-'));
    try {
      const { wal } = await Wal.openDir(dir);
      const s = new Store({ wal });
      const seen: string[] = [];
      s.watch({
        rk: '/configmaps',
        match: () => true,
        send: (t, o) => void seen.push(`${t} ${o.metadata.name ?? ''}`),
      });
      s.put('/configmaps', cm('a'));
      s.put('/configmaps', cm('b'));
      expect(seen).toEqual([]);
      const late: string[] = [];
      s.watch({
        rk: '/configmaps',
        fromRev: 0,
        match: () => true,
        send: (t, o) => void late.push(`${t} ${o.metadata.name ?? ''}`),
      });
      expect(late).toEqual([]);
      await s.sync();
      await new Promise((r) => setImmediate(r));
      expect(seen).toEqual(['ADDED a', 'ADDED b']);
      expect(late).toEqual(['ADDED a', 'ADDED b']);
      await wal.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
