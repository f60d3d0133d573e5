/**
 * CEL availability probes: `self` is the probed object (dyn); the rule must type-check to bool
 * (a dyn result is rejected, as in boxcutter).
 */
import { environmentFor, Program } from './env.js';
import type { CelEnvSpec } from './env.js';
import { CelCompileError } from './errors.js';

const probeSpec: CelEnvSpec = { variables: { self: 'dyn' }, homogeneousAggregateLiterals: true };

/** Compiles a probe rule; the error message is boxcutter's (`compiling CEL: ...`). */
export function compileProbeRule(rule: string): Program | CelCompileError {
  const program = environmentFor(probeSpec).compile(rule);
  if (!(program instanceof Program)) {
    return new CelCompileError(`compiling CEL: ${program.message}`, {
      summary: program.summary,
      expression: rule,
      position: program.position,
      cause: program,
    });
  }
  if (program.outputType !== 'bool') {
    return new CelCompileError('cel expression must evaluate to a bool', {
      summary: `cel expression must evaluate to a bool, got ${program.outputType}`,
      expression: rule,
    });
  }
  return program;
}
