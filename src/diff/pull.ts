/**
 * Package pulls for one run: each reference is pulled once (concurrent requests share it), and
 * files are kept by digest so two tags of one image hold one copy.
 */
import type { RawPackage } from '../packages/index.js';
import type { PullPackage } from './desired.js';

export class PullCache {
  private readonly byReference = new Map<string, Promise<{ digest: string; raw: RawPackage }>>();
  private readonly byDigest = new Map<string, RawPackage>();
  /** References actually fetched (for tests and figures). */
  readonly fetched: string[] = [];

  constructor(private readonly fetch: PullPackage) {}

  pull: PullPackage = (reference) => {
    let p = this.byReference.get(reference);
    if (p === undefined) {
      this.fetched.push(reference);
      p = this.fetch(reference).then(({ digest, raw }) => {
        const known = this.byDigest.get(digest);
        if (known !== undefined) return { digest, raw: known };
        this.byDigest.set(digest, raw);
        return { digest, raw };
      });
      this.byReference.set(reference, p);
    }
    return p;
  };
}
