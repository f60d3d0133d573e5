import { describe, expect, it } from 'vitest';
import { pullBackoff } from './backoff.js';

describe('pullBackoff', () => {
  it.each([
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [5, 160_000],
    [6, 300_000],
    [100, 300_000],
  ])('after %i failures waits %i ms', (n, ms) => {
    expect(pullBackoff(n)).toBe(ms);
  });
});
