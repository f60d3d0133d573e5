/**
 * The CLI entry point and its single error boundary: user errors become `Error: <message>` and
 * exit code 1 (Package Operator's `kubectl package` convention), anything else is reported as a bug.
 * This is the only place that decides the process exit code.
 */
import { Command, CommanderError, Option } from 'commander';
import { isUserError, errorMessage } from '../errors.js';
import type { CliIO } from './io.js';
import { createRootLogger, logLevels, type LogLevel, type Logger } from './logger.js';
import { packageVersion } from './version.js';
import { commands } from './commands/index.js';

/** What every command gets: its output streams and a way to reach the root logger. */
export interface CommandContext {
  io: CliIO;
  logger(): Logger;
  /**
   * The exit code of a run that succeeded but reports a result through it (`diff` exits 1 when
   * it found changes); errors still go through the error boundary below.
   */
  setExitCode?(code: number): void;
}

export function buildProgram(ctx: CommandContext): Command {
  const invokedAs = 'packsync';
  const program = new Command(invokedAs)
    .description(
      'GitOps reconciler for Kubernetes packages: Package Operator packages, phased rollouts and Git sync',
    )
    .version(packageVersion(), '-v, --version', 'print the version')
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(logLevels)
        .default('warn')
        .env('LOG_LEVEL'),
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .exitOverride();
  for (const register of commands) register(program, ctx);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(program.configureOutput());
  return program;
}

export async function main(
  argv: readonly string[],
  io: CliIO = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let root: Logger | undefined;
  let level: LogLevel = 'warn';
  let exitCode = 0;
  const ctx: CommandContext = {
    io,
    logger: () => (root ??= createRootLogger(level, io.stderr)),
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  const program = buildProgram(ctx);
  program.hook('preAction', (cmd) => {
    level = cmd.optsWithGlobals<{ logLevel: LogLevel }>().logLevel;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return err.exitCode;
    }
    if (isUserError(err)) {
      io.stderr.write(`Error: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(
      `Error: internal error (this is a bug in packsync, please report it): ${errorMessage(err)}\n`,
    );
    if (err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return 70;
  }
}
