import { describe, expect, it } from 'vitest';
import { PullDeduper } from './pull.js';

describe('PullDeduper', () => {
  it('shares one request between concurrent pulls and gives each waiter its own files', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const d = new PullDeduper(async () => {
      calls++;
      await gate;
      return { digest: 'sha256:x', raw: { files: new Map([['a', new Uint8Array([1])]]) } };
    });
    const a = d.pull('r:1');
    const b = d.pull('r:1');
    release();
    const [ra, rb] = await Promise.all([a, b]);
    expect(calls).toBe(1);
    expect(ra.raw.files).not.toBe(rb.raw.files);
    expect([...ra.raw.files]).toEqual([['a', new Uint8Array([1])]]);
    await d.pull('r:1');
    expect(calls).toBe(2);
  });
  it('passes a failure to every waiter and pulls again afterwards', async () => {
    let calls = 0;
    const d = new PullDeduper(() => {
      calls++;
      return Promise.reject(new Error('boom'));
    });
    await expect(Promise.all([d.pull('r'), d.pull('r')])).rejects.toThrow('boom');
    await expect(d.pull('r')).rejects.toThrow('boom');
    expect(calls).toBe(2);
  });
});
