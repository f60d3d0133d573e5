import { describe, expect, it } from 'vitest';
import { WorkQueue, type Clock } from './workqueue.js';

/** A manual clock: timers fire only when the test advances time. */
class FakeClock implements Clock {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (next === undefined || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
  get pending(): number {
    return this.timers.length;
  }
}

/** Takes every key queued right now. */
async function drain(q: WorkQueue): Promise<string[]> {
  const out: string[] = [];
  while (q.length > 0) {
    const k = await q.get();
    if (k === undefined) break;
    out.push(k);
  }
  return out;
}

describe('WorkQueue', () => {
  it('de-duplicates keys and keeps FIFO order', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add('ns/a');
    q.add('ns/b');
    q.add('ns/a');
    expect(q.length).toBe(2);
    const keys = await drain(q);
    expect(keys).toEqual(['ns/a', 'ns/b']);
  });

  it('re-processes a key added while it is in process, after done, and never twice at once', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add('a');
    const k = await q.get();
    expect(k).toBe('a');
    q.add('a');
    q.add('a');
    // In process: not handed out to a second worker.
    expect(q.length).toBe(0);
    q.done('a');
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
    q.done('a');
    expect(q.length).toBe(0);
  });

  it('hands a key to a worker that is already waiting', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    const waiting = q.get();
    q.add('x');
    expect(await waiting).toBe('x');
    expect(q.inProcess).toBe(1);
  });

  it('backs off per key exponentially and forgets on success', () => {
    const q = new WorkQueue({
      clock: new FakeClock(),
      baseDelayMs: 10,
      maxDelayMs: 100,
      qps: 1e9,
      burst: 1e9,
    });
    expect([q.when('a'), q.when('a'), q.when('a'), q.when('a'), q.when('a'), q.when('a')]).toEqual([
      10, 20, 40, 80, 100, 100,
    ]);
    expect(q.when('b')).toBe(10);
    expect(q.numRequeues('a')).toBe(6);
    q.forget('a');
    expect(q.when('a')).toBe(10);
  });

  it('delays rate-limited adds and applies the overall token bucket', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, baseDelayMs: 1, maxDelayMs: 1000, qps: 10, burst: 2 });
    q.addRateLimited('a'); // token 1
    q.addRateLimited('b'); // token 2
    q.addRateLimited('c'); // bucket empty: 100 ms at 10 qps
    expect(q.delayed).toBe(3);
    clock.advance(1);
    expect(await drain(q)).toEqual(['a', 'b']);
    clock.advance(98);
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(await drain(q)).toEqual(['c']);
  });

  it('addAfter keeps the earliest due time and an immediate add cancels the delay', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter('a', 1000);
    q.addAfter('a', 500);
    q.addAfter('a', 2000);
    expect(q.delayed).toBe(1);
    clock.advance(499);
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(await drain(q)).toEqual(['a']);
    q.done('a');
    expect(clock.pending).toBe(0);

    q.addAfter('b', 1000);
    q.add('b');
    expect(q.delayed).toBe(0);
    expect(await drain(q)).toEqual(['b']);
    q.done('b');
    clock.advance(2000);
    expect(q.length).toBe(0);
  });

  it('shuts down: waiting workers get undefined, delayed adds are dropped, drained waits for in-process keys', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.add('busy');
    expect(await q.get()).toBe('busy');
    const idle = q.get();
    q.addAfter('later', 100);
    q.shutDown();
    expect(await idle).toBeUndefined();
    expect(await q.get()).toBeUndefined();
    expect(clock.pending).toBe(0);
    let drained = false;
    const d = q.drained().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    q.done('busy');
    await d;
    expect(drained).toBe(true);
    q.add('ignored');
    expect(q.length).toBe(0);
  });

  it('reports depth, adds, latency and retries to its hooks', async () => {
    const clock = new FakeClock();
    const depth: number[] = [];
    const latency: number[] = [];
    let adds = 0;
    let retries = 0;
    const q = new WorkQueue({
      clock,
      hooks: {
        depth: (n) => depth.push(n),
        added: () => adds++,
        latency: (ms) => latency.push(ms),
        retried: () => retries++,
      },
    });
    q.add('a');
    q.add('a');
    clock.advance(25);
    expect(await q.get()).toBe('a');
    q.addRateLimited('a');
    expect({ adds, retries, latency, depth }).toEqual({
      adds: 1,
      retries: 1,
      latency: [25],
      depth: [1, 0],
    });
  });
});
