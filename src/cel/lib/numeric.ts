/** cel-go numeric semantics the engine lacks: heterogeneous equality (`1.0 == 1`) and `int(uint)`. */
import type { Environment } from '@marcbachmann/cel-js';
import { celError } from './engine.js';

type Unsigned = { valueOf(): bigint };

export function registerNumeric(env: Environment): void {
  // Registering `==` also registers the mirrored overload and `!=`.
  env.registerOperator(
    'int == double',
    (a: bigint, b: number) => Number.isFinite(b) && Number.isInteger(b) && a === BigInt(b),
  );
  env.registerOperator('int == uint', (a: bigint, b: Unsigned) => a === b.valueOf());
  env.registerOperator(
    'uint == double',
    (a: Unsigned, b: number) =>
      Number.isFinite(b) && Number.isInteger(b) && a.valueOf() === BigInt(b),
  );
  env.registerFunction('int(uint): int', (u: Unsigned) => {
    const v = u.valueOf();
    if (v > 9223372036854775807n) throw celError('integer overflow', 'numeric_overflow');
    return v;
  });
}
