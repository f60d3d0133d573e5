import { describe, expect, it } from 'vitest';
import { parseMetadataAndStatus, parseObject } from '../../apis/index.js';
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
      return { ok: true as const, value: { n: (raw.data as { n: string }).n } };
    });
    expect(memo.get('ns/a', obj('u1', '1', 1))).toEqual({ ok: true, value: { n: '1' } });
    expect(memo.get('ns/a', obj('u1', '1', 1))).toEqual({ ok: true, value: { n: '1' } });
    expect(calls).toBe(1);
    expect(memo.get('ns/a', obj('u1', '2', 2))).toEqual({ ok: true, value: { n: '2' } });
    expect(memo.get('ns/a', obj('u2', '2', 3))).toEqual({ ok: true, value: { n: '3' } });
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

  describe('a new resourceVersion of the same generation', () => {
    const set = (rv: string, generation: number, status?: unknown): KubeObject => ({
      apiVersion: 'package-operator.run/v1alpha1',
      kind: 'ObjectSet',
      metadata: { name: 's', namespace: 'ns', uid: 'u1', resourceVersion: rv, generation },
      spec: {
        phases: [
          {
            name: 'deploy',
            objects: [{ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } }],
          },
        ],
        availabilityProbes: [],
      },
      ...(status === undefined ? {} : { status }),
    });
    const counted = () => {
      const calls = { full: 0, volatile: 0 };
      const memo = new ParseMemo(
        (raw: KubeObject) => (calls.full++, parseObject('ObjectSet', raw)),
        (raw: KubeObject) => (calls.volatile++, parseMetadataAndStatus('ObjectSet', raw)),
      );
      return { memo, calls };
    };

    it('parses metadata and status again and gives what a full parse gives', () => {
      const { memo, calls } = counted();
      const first = memo.get('ns/s', set('1', 1));
      const status = { conditions: [], revision: 1, phase: 'Available' };
      const raw = {
        ...set('2', 1, status),
        metadata: { ...set('2', 1).metadata, labels: { a: 'b' } },
      };
      const second = memo.get('ns/s', raw);
      expect(calls).toEqual({ full: 1, volatile: 1 });
      expect(second).toEqual(parseObject('ObjectSet', raw));
      // The spec is the one parsed before, not a copy.
      expect(second.ok && first.ok && second.value.spec === first.value.spec).toBe(true);
      // A status that goes away is gone from the value too.
      expect(memo.get('ns/s', set('3', 1))).toEqual(parseObject('ObjectSet', set('3', 1)));
      expect(calls).toEqual({ full: 1, volatile: 2 });
    });

    it('parses in full when the generation changed or the last parse failed', () => {
      const { memo, calls } = counted();
      memo.get('ns/s', set('1', 1));
      memo.get('ns/s', set('2', 2));
      expect(calls).toEqual({ full: 2, volatile: 0 });
      const bad = { ...set('3', 3), spec: { phases: 'x' } };
      expect(memo.get('ns/s', bad).ok).toBe(false);
      memo.get('ns/s', set('4', 3));
      expect(calls).toEqual({ full: 4, volatile: 0 });
    });
  });
});
