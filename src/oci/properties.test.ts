// Property tests: reference normalisation is idempotent, and any package file map survives
// build -> read unchanged with a digest that depends only on the content.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { buildPackageImage, readPackageImage } from './image.js';
import { formatReference, parseReference } from './reference.js';

const component = fc.stringMatching(/^[a-z0-9]{1,8}(?:[._-][a-z0-9]{1,8})?$/);
const host = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    'docker.io/',
    'index.docker.io/',
    'quay.io/',
    'localhost:5000/',
    '127.0.0.1:8080/',
  ),
);
const tag = fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), { nil: undefined });
const digest = fc.option(
  fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256:${h}`),
  {
    nil: undefined,
  },
);

describe('properties', () => {
  it('normalised references parse back to themselves', () => {
    fc.assert(
      fc.property(
        host,
        fc.array(component, { minLength: 1, maxLength: 3 }),
        tag,
        digest,
        (h, path, t, d) => {
          const input = `${h}${path.join('/')}${t ? `:${t}` : ''}${d ? `@${d}` : ''}`;
          const once = formatReference(parseReference(input));
          expect(formatReference(parseReference(once))).toBe(once);
        },
      ),
    );
  });

  it('build then read returns the same files, and the digest ignores insertion order', async () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,12}$/);
    const files = fc.dictionary(
      fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/')),
      fc.uint8Array({ maxLength: 300 }),
      { minKeys: 1, maxKeys: 12 },
    );
    await fc.assert(
      fc.asyncProperty(files, async (record) => {
        // A path cannot be both a file and a folder.
        const paths = Object.keys(record);
        fc.pre(!paths.some((p) => paths.some((q) => q.startsWith(`${p}/`))));
        const image = await buildPackageImage(record);
        const reversed = new Map(Object.entries(record).reverse());
        expect((await buildPackageImage(reversed)).digest).toBe(image.digest);
        const back = await readPackageImage(image).catch((e: unknown) => e);
        const visible = Object.entries(record).filter(
          ([p]) => !p.split('/').some((s) => s.startsWith('.')),
        );
        if (visible.length === 0) {
          expect(back).toBeInstanceOf(Error);
          return;
        }
        expect(back).toBeInstanceOf(Map);
        const map = back as Map<string, Uint8Array>;
        expect(new Set(map.keys())).toEqual(new Set(visible.map(([p]) => p)));
        for (const [p, data] of visible)
          expect(Buffer.from(map.get(p) ?? []).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
