/**
 * Go `time.Duration` strings (`30s`, `1m`, `1h30m`, `500ms`), as GitSync's `spec.interval` and the
 * controllers' flags use them.
 */

/** Pattern a duration field must match (a sequence of number + unit, no sign). */
export const durationPattern = '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$';

const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds of a Go duration string, or undefined when it is not one. `0` is accepted. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (!new RegExp(durationPattern, 'u').test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/gu)) {
    total += Number(m[1]) * (unitMs[m[2] ?? ''] ?? 0);
  }
  return total;
}
