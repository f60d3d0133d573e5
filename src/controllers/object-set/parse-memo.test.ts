import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/index.js';
import { ParseMemo } from './parse-memo.js';

const obj = (uid: string, rv: string, n: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'a', uid, resourceVersion: rv },
  data: { n: String(n) },
});

describe('ParseMemo', () => {
  it('parses an object again only when its uid or resourceVersion changed', () => {
    let calls = 0;
    const memo = new ParseMemo((raw: KubeObject) => {
      calls++;
      return { ok: true as const, value: (raw.data as { n: string }).n };
    });
    expect(memo.get('ns/a', obj('u1', '1', 1))).toEqual({ ok: true, value: '1' });
    expect(memo.get('ns/a', obj('u1', '1', 1))).toEqual({ ok: true, value: '1' });
    expect(calls).toBe(1);
    expect(memo.get('ns/a', obj('u1', '2', 2))).toEqual({ ok: true, value: '2' });
    expect(memo.get('ns/a', obj('u2', '2', 3))).toEqual({ ok: true, value: '3' });
    expect(calls).toBe(3);
    memo.forget('ns/a');
    expect(memo.size).toBe(0);
  });

  it('never reuses the parse of an object without a resourceVersion', () => {
    let calls = 0;
    const memo = new ParseMemo(() => ({ ok: false as const, errors: [`call ${++calls}`] }));
    const raw = obj('u1', '', 1);
    expect(memo.get('k', raw)).toEqual({ ok: false, errors: ['call 1'] });
    expect(memo.get('k', raw)).toEqual({ ok: false, errors: ['call 2'] });
    expect(memo.size).toBe(0);
  });
});
