/** sha256 digests of blobs and manifests, and their verification. Pure. */
import { createHash } from 'node:crypto';

import { OciError } from './errors.js';

export function sha256Digest(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * Checks that `data` has the expected size and digest. `what` names the blob in the error
 * (`layer sha256:...`). A short blob is reported as truncated, a long one as a size mismatch, and
 * equal sizes with different content as a digest mismatch.
 */
export function verifyBlob(
  what: string,
  data: Uint8Array,
  expected: { digest: string; size?: number },
): void {
  if (expected.size !== undefined && data.byteLength !== expected.size) {
    if (data.byteLength < expected.size) {
      throw new OciError(
        'size-mismatch',
        `${what}: truncated: got ${data.byteLength} of ${expected.size} bytes`,
      );
    }
    throw new OciError(
      'size-mismatch',
      `${what}: size mismatch: got ${data.byteLength} bytes, expected ${expected.size}`,
    );
  }
  const actual = sha256Digest(data);
  if (actual !== expected.digest) {
    throw new OciError(
      'digest-mismatch',
      `${what}: digest mismatch: content has ${actual}, expected ${expected.digest}`,
    );
  }
}
