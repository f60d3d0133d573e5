import { describe, expect, it } from 'vitest';
import { fetchBackoff } from './backoff.js';

describe('fetchBackoff', () => {
  it('doubles from 10s per failure and stops at 300s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 100].map((n) => fetchBackoff(n) / 1000)).toEqual([
      10, 20, 40, 80, 160, 300, 300, 300,
    ]);
    expect(fetchBackoff(3, { baseMs: 50, maxMs: 150 })).toBe(150);
  });
});
