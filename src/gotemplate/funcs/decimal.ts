/** The shopspring/decimal arithmetic sprig's `addf`/`subf`/`mulf`/`divf` use, on exact bigints. */

interface Dec {
  c: bigint;
  e: number;
}

/** decimal.NewFromFloat: the shortest decimal that round-trips the float. */
function fromFloat(f: number): Dec {
  if (!Number.isFinite(f)) throw new Error(`Cannot create a Decimal from ${f}`);
  const [m = '0', ex = '0'] = f.toExponential().split('e');
  const neg = m.startsWith('-');
  const digits = m.replace('-', '').replace('.', '');
  const e = Number(ex) - (digits.length - 1);
  const c = BigInt(digits);
  return { c: neg ? -c : c, e };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.c * 10n ** BigInt(a.e - e), b.c * 10n ** BigInt(b.e - e), e];
}

function toFloat(d: Dec): number {
  return Number(`${d.c}e${d.e}`);
}

export type DecOp = 'add' | 'sub' | 'mul' | 'div';

function apply(op: DecOp, a: Dec, b: Dec): Dec {
  switch (op) {
    case 'add': {
      const [x, y, e] = align(a, b);
      return { c: x + y, e };
    }
    case 'sub': {
      const [x, y, e] = align(a, b);
      return { c: x - y, e };
    }
    case 'mul':
      return { c: a.c * b.c, e: a.e + b.e };
    case 'div': {
      if (b.c === 0n) throw new Error('decimal division by 0');
      // DivRound(b, 16): half away from zero at 16 fractional digits.
      const k = a.e - b.e + 16;
      let num = a.c;
      let den = b.c;
      if (k >= 0) num *= 10n ** BigInt(k);
      else den *= 10n ** BigInt(-k);
      let q = num / den;
      const r = num % den;
      const abs = (x: bigint): bigint => (x < 0n ? -x : x);
      if (2n * abs(r) >= abs(den)) q += num < 0n !== den < 0n ? -1n : 1n;
      return { c: q, e: -16 };
    }
  }
}

/** sprig's execDecimalOp: folds the operands with exact decimal arithmetic, then to float64. */
export function decimalFold(op: DecOp, first: number, rest: number[]): number {
  let acc = fromFloat(first);
  for (const x of rest) acc = apply(op, acc, fromFloat(x));
  return toFloat(acc);
}
