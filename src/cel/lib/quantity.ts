/**
 * The Kubernetes CEL quantity library: `quantity()`, `isQuantity()` and the `kubernetes.Quantity`
 * methods. Values are exact rationals (BigInt over a power of ten), as resource.Quantity is exact.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { celError } from './engine.js';

const quantityPattern =
  /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;
const regexText = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const maxInt64 = 9223372036854775807n;
const minInt64 = -9223372036854775808n;

const decimalExponents: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const binaryPowers: Record<string, bigint> = {
  Ki: 10n,
  Mi: 20n,
  Gi: 30n,
  Ti: 40n,
  Pi: 50n,
  Ei: 60n,
};

/** An exact quantity: num / 10^scale. */
export class Quantity {
  readonly #num: bigint;
  readonly #scale: number;

  constructor(num: bigint, scale: number) {
    while (scale > 0 && num % 10n === 0n) {
      num /= 10n;
      scale--;
    }
    this.#num = num;
    this.#scale = scale;
  }

  static parse(s: string): Quantity | undefined {
    const m = quantityPattern.exec(s);
    if (!m) return undefined;
    const [, sign = '', digits = '', suffix = ''] = m;
    const [intPart = '', frac = ''] = digits.split('.');
    let num = BigInt((intPart || '0') + frac);
    let scale = frac.length;
    if (sign === '-') num = -num;
    if (suffix in binaryPowers) {
      num <<= binaryPowers[suffix] as bigint;
    } else if (suffix !== '') {
      const exp =
        suffix in decimalExponents ? (decimalExponents[suffix] as number) : Number(suffix.slice(1));
      if (!Number.isSafeInteger(exp) || Math.abs(exp) > 1000) return undefined;
      if (exp >= 0) num *= 10n ** BigInt(exp);
      else scale -= exp;
    }
    return new Quantity(num, scale);
  }

  /** num scaled to the given scale (scale >= this scale). */
  #at(scale: number): bigint {
    return this.#num * 10n ** BigInt(scale - this.#scale);
  }

  plus(other: Quantity, sign: 1n | -1n): Quantity {
    const scale = Math.max(this.#scale, other.#scale);
    return new Quantity(this.#at(scale) + sign * other.#at(scale), scale);
  }

  celCompare(other: unknown): number {
    if (!(other instanceof Quantity)) throw celError('no such overload', 'no_such_overload');
    const scale = Math.max(this.#scale, other.#scale);
    const a = this.#at(scale);
    const b = other.#at(scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  celEquals(other: unknown): boolean {
    return other instanceof Quantity && this.celCompare(other) === 0;
  }

  /** The integer value when it is whole and fits int64. */
  asInt64(): bigint | undefined {
    if (this.#scale > 0) return undefined;
    return this.#num <= maxInt64 && this.#num >= minInt64 ? this.#num : undefined;
  }

  asApproximateFloat(): number {
    return Number(this.#num) / 10 ** this.#scale;
  }

  sign(): bigint {
    return this.#num > 0n ? 1n : this.#num < 0n ? -1n : 0n;
  }

  toString(): string {
    if (this.#scale === 0) return this.#num.toString();
    const neg = this.#num < 0n;
    const digits = (neg ? -this.#num : this.#num).toString().padStart(this.#scale + 1, '0');
    const cut = digits.length - this.#scale;
    return `${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
  }
}

function parseOrThrow(s: string): Quantity {
  const q = Quantity.parse(s);
  if (!q) throw celError(`quantities must match the regular expression '${regexText}'`);
  return q;
}

function fromInt(i: bigint): Quantity {
  return new Quantity(i, 0);
}

const Q = 'kubernetes.Quantity';

export function registerQuantity(env: Environment): void {
  env.registerType(Q, { ctor: Quantity, fields: {} });
  env.registerFunction(`quantity(string): ${Q}`, parseOrThrow);
  env.registerFunction('isQuantity(string): bool', (s: string) => Quantity.parse(s) !== undefined);
  env.registerFunction(`${Q}.add(${Q}): ${Q}`, (a: Quantity, b: Quantity) => a.plus(b, 1n));
  env.registerFunction(`${Q}.add(int): ${Q}`, (a: Quantity, b: bigint) => a.plus(fromInt(b), 1n));
  env.registerFunction(`${Q}.sub(${Q}): ${Q}`, (a: Quantity, b: Quantity) => a.plus(b, -1n));
  env.registerFunction(`${Q}.sub(int): ${Q}`, (a: Quantity, b: bigint) => a.plus(fromInt(b), -1n));
  env.registerFunction(`${Q}.compareTo(${Q}): int`, (a: Quantity, b: Quantity) =>
    BigInt(a.celCompare(b)),
  );
  env.registerFunction(
    `${Q}.isGreaterThan(${Q}): bool`,
    (a: Quantity, b: Quantity) => a.celCompare(b) > 0,
  );
  env.registerFunction(
    `${Q}.isLessThan(${Q}): bool`,
    (a: Quantity, b: Quantity) => a.celCompare(b) < 0,
  );
  env.registerFunction(`${Q}.isInteger(): bool`, (a: Quantity) => a.asInt64() !== undefined);
  env.registerFunction(`${Q}.asInteger(): int`, (a: Quantity) => {
    const v = a.asInt64();
    if (v === undefined) throw celError('cannot convert value to integer');
    return v;
  });
  env.registerFunction(`${Q}.asApproximateFloat(): double`, (a: Quantity) =>
    a.asApproximateFloat(),
  );
  env.registerFunction(`${Q}.sign(): int`, (a: Quantity) => a.sign());
  env.registerOperator(`${Q} == ${Q}`, (a: Quantity, b: Quantity) => a.celEquals(b));
}
