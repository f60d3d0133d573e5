/** The CEL probe: `rule` over `self`; false reports `message`, an evaluation error is Unknown. */
import { CelEvalError, compileProbeRule, Program, toCel } from '../cel/index.js';
import type { CelCompileError } from '../cel/index.js';
import type { KubeObject, ProbeResult, Prober } from './types.js';

export class CelProbe implements Prober {
  readonly program: Program;
  readonly message: string;

  constructor(program: Program, message: string) {
    this.program = program;
    this.message = message;
  }

  /** Compiles the rule (it must type-check to bool); the error text is boxcutter's. */
  static create(rule: string, message: string): CelProbe | CelCompileError {
    const program = compileProbeRule(rule);
    return program instanceof Program ? new CelProbe(program, message) : program;
  }

  probe(obj: KubeObject): ProbeResult {
    const out = this.program.evalCel({ self: toCel(obj) });
    if (out instanceof CelEvalError) {
      return { status: 'Unknown', messages: [`CEL program failed: ${out.message}`] };
    }
    if (out === true) return { status: 'True', messages: [] };
    if (out === false) return { status: 'False', messages: [this.message] };
    return { status: 'Unknown', messages: ['CEL program failed: result is not a bool'] };
  }
}
