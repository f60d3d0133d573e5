/**
 * In-process pulls with de-duplication: concurrent pulls of the same reference share one request,
 * and each waiter gets its own copy of the file map. No cache beyond the in-flight request.
 */
import type { RawPackage } from '../../packages/index.js';

export type PullFn = (reference: string) => Promise<{ digest: string; raw: RawPackage }>;

export class PullDeduper {
  private readonly inflight = new Map<string, Promise<{ digest: string; raw: RawPackage }>>();

  constructor(private readonly fetch: PullFn) {}

  async pull(reference: string): Promise<{ digest: string; raw: RawPackage }> {
    let p = this.inflight.get(reference);
    if (p === undefined) {
      p = this.fetch(reference).finally(() => this.inflight.delete(reference));
      this.inflight.set(reference, p);
    }
    const got = await p;
    return { digest: got.digest, raw: { ...got.raw, files: new Map(got.raw.files) } };
  }
}
