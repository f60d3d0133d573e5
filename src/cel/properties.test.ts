import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Program } from './index.js';
import { compile, fromCel, toCel } from './index.js';
import { stripLeadingDots } from './source.js';

const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);

describe('properties', () => {
  it('toCel then fromCel gives the JSON value back (ints beyond 2^53 stay exact BigInts)', () => {
    const unsafeToBigInt = (v: unknown): unknown => {
      if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v))
        return BigInt(v);
      if (Array.isArray(v)) return v.map(unsafeToBigInt);
      if (typeof v === 'object' && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unsafeToBigInt(x)]));
      }
      return v;
    };
    fc.assert(
      fc.property(json, (v) => {
        expect(fromCel(toCel(v))).toEqual(unsafeToBigInt(v));
      }),
    );
  });

  it('a value equals itself in CEL, whatever its shape', () => {
    const p = compile('self == self', { variables: { self: 'dyn' } }) as Program;
    fc.assert(
      fc.property(json, (v) => {
        // NaN cannot come out of JSON, so equality is reflexive.
        expect(p.eval({ self: v })).toBe(true);
      }),
    );
  });

  it('stripping root-scope dots never moves a character', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('.', 'a', ' ', '"', "'", '(', '1', '\\', '/', '\n', 'r'),
        }),
        (s) => {
          expect(stripLeadingDots(s)).toHaveLength(s.length);
        },
      ),
    );
  });

  it('quantity ordering agrees with the numbers the strings denote', () => {
    const p = compile('quantity(a).compareTo(quantity(b))', {
      variables: { a: 'string', b: 'string' },
    }) as Program;
    const decimal = fc
      .tuple(fc.integer({ min: -99999, max: 99999 }), fc.integer({ min: 0, max: 3 }))
      .map(([n, scale]) => (n / 10 ** scale).toFixed(scale));
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        expect(p.eval({ a, b })).toBe(BigInt(Math.sign(Number(a) - Number(b))));
      }),
    );
  });
});
