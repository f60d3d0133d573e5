/**
 * `packsync up [DIR]`: the API server, a local OCI registry and the manager in this process, a
 * kubeconfig in the data dir; with DIR, its packages built and its Package objects applied; then
 * live progress until Ctrl-C, or until everything settled with `--wait`.
 */
import { relative } from 'node:path';
import type { Command } from 'commander';
import { parseDuration } from '../../apis/index.js';
import { UserError, errorMessage } from '../../errors.js';
import {
  folderSource,
  PackageWatch,
  plainLine,
  ProgressView,
  startUp,
  waitForSettled,
  type FoundProblem,
  type SettleOutcome,
  type UpSource,
} from '../../up/index.js';
import type { KubeObject } from '../../kube/index.js';
import type { CommandContext } from '../main.js';

interface UpFlags {
  dataDir: string;
  ephemeral?: boolean;
  wait?: boolean;
  timeout: string;
  port: string;
  registryPort: string;
  workers: string;
}

function port(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UserError(`${flag}: not a port number: ${v}`);
  return n;
}

export function registerUp(program: Command, ctx: CommandContext): void {
  program
    .command('up')
    .description(
      'run packsync on this machine, no cluster needed: an embedded API server, a local image ' +
        'registry and the controllers; with DIR, build its packages into the registry, apply its ' +
        'Package objects and show their progress until Ctrl-C',
    )
    .argument(
      '[dir]',
      'folder of package folders (with a manifest.yaml) and YAML files of Package/ClusterPackage objects',
    )
    .option(
      '--data-dir <dir>',
      'keep state here (objects, images, pull cache) and write the kubeconfig here',
      '.packsync',
    )
    .option(
      '--ephemeral',
      'keep objects and images in memory only (the kubeconfig is still written)',
    )
    .option(
      '--wait',
      'exit once every package is settled: 0 when all are Available, 1 with the reason when one is Invalid, a problem was found, or --timeout passed',
    )
    .option('--timeout <duration>', 'with --wait: give up after this long (Go duration)', '5m')
    .option('--port <n>', 'API server port (0 picks a free one)', '0')
    .option('--registry-port <n>', 'local registry port (0 picks a free one)', '0')
    .option('--workers <n>', 'parallel reconciles per controller', '4')
    .addHelpText(
      'after',
      `
Package objects refer to local packages as packsync.local/<folder>[:tag], where <folder> is the
package folder's path under DIR; up pins them to the digest it just built, so an edited package
rolls out as a new revision when up runs again.

Examples:
  packsync up examples/
  kubectl --kubeconfig .packsync/kubeconfig get packages -A
  packsync up examples/ --ephemeral --wait --timeout 2m   # CI: exit 0 once all are Available
`,
    )
    .action(async (dir: string | undefined, flags: UpFlags) => {
      const timeoutMs = parseDuration(flags.timeout);
      if (timeoutMs === undefined) {
        throw new UserError(`--timeout: not a duration (e.g. 90s, 5m): ${flags.timeout}`);
      }
      const workers = Number(flags.workers);
      if (!Number.isInteger(workers) || workers < 1) {
        throw new UserError(`--workers: not a positive integer: ${flags.workers}`);
      }
      const sources: UpSource[] = dir === undefined ? [] : [folderSource(dir)];
      await runUp(ctx, {
        dataDir: flags.dataDir,
        ephemeral: flags.ephemeral === true,
        wait: flags.wait === true,
        timeoutMs,
        port: port('--port', flags.port),
        registryPort: port('--registry-port', flags.registryPort),
        workers,
        sources,
      });
    });
}

interface RunOptions {
  dataDir: string;
  ephemeral: boolean;
  wait: boolean;
  timeoutMs: number;
  port: number;
  registryPort: number;
  workers: number;
  sources: UpSource[];
}

async function runUp(ctx: CommandContext, o: RunOptions): Promise<void> {
  const out = ctx.io.stdout;
  // The sources are checked before anything starts: a missing DIR fails at once.
  for (const s of o.sources) await s.check?.();
  const session = await startUp({
    dataDir: o.dataDir,
    ephemeral: o.ephemeral,
    port: o.port,
    registryPort: o.registryPort,
    workers: o.workers,
    logger: ctx.logger(),
  });
  const view = new ProgressView({ out });
  const watch = new PackageWatch(session.client);
  const stopWatchers: (() => Promise<void>)[] = [];
  let unsubscribe: (() => void) | undefined;
  const interrupted = new AbortController();
  const onSignal = (): void => interrupted.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const kubeconfig = relative(process.cwd(), session.kubeconfigPath) || session.kubeconfigPath;
    view.log(
      `API server ${session.server.url}` +
        (o.ephemeral
          ? ' (ephemeral: nothing is kept)'
          : ` (state in ${o.dataDir}: ${session.recoveredObjects} objects recovered)`),
    );
    view.log(
      `local registry ${session.registry.host} (Package images packsync.local/<package folder>)`,
    );
    view.log(`kubectl --kubeconfig ${kubeconfig} get packages -A`);
    const problems: FoundProblem[] = [];
    const applied: KubeObject[] = [];
    const report = {
      info: (line: string) => view.log(line),
      problem: (p: FoundProblem) => view.log(`error: ${p.file}: ${p.message}`),
    };
    for (const source of o.sources) {
      const r = await source.sync(session, report).catch((err: unknown) => {
        if (err instanceof UserError) throw err;
        throw new UserError(`${source.describe}: ${errorMessage(err)}`, { cause: err });
      });
      problems.push(...r.problems);
      applied.push(...r.applied);
      if (source.watch !== undefined && !o.wait) stopWatchers.push(source.watch(session, report));
    }
    await watch.start();
    unsubscribe = watch.subscribe((rows) => view.update(rows));
    if (o.wait) {
      const outcome = await waitForSettled(watch, {
        expected: applied.filter((a) => a.apiVersion.startsWith('package-operator.run/')),
        timeoutMs: o.timeoutMs,
        signal: interrupted.signal,
      });
      view.stop();
      const failure = waitFailure(outcome, problems, o.timeoutMs, interrupted.signal.aborted);
      if (failure !== undefined) throw new UserError(failure);
    } else {
      if (!interrupted.signal.aborted) {
        await new Promise<void>((resolve) =>
          interrupted.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
      }
      view.stop();
      out.write('stopping: waiting for in-flight reconciles\n');
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    view.stop();
    unsubscribe?.();
    for (const s of stopWatchers) await s();
    await watch.stop();
    await session.stop();
  }
}

/** Why `--wait` fails, or undefined when everything is Available and nothing went wrong. */
function waitFailure(
  outcome: SettleOutcome,
  problems: readonly FoundProblem[],
  timeoutMs: number,
  interrupted: boolean,
): string | undefined {
  const problemText = problems.map((p) => `${p.file}: ${p.message}`).join('; ');
  switch (outcome.kind) {
    case 'available':
      if (problems.length === 0) return undefined;
      return `${problems.length} problem${problems.length === 1 ? '' : 's'} (every applied package is Available): ${problemText}`;
    case 'invalid':
      return (
        outcome.invalid.map((r) => plainLine(r)).join('; ') +
        (problems.length > 0 ? `; ${problemText}` : '')
      );
    case 'timeout': {
      const what = [
        ...outcome.pending.map((r) => plainLine(r)),
        ...outcome.missing.map((k) => `${k}: not seen`),
      ].join('; ');
      const head = interrupted ? 'interrupted' : `timed out after ${timeoutMs / 1000}s`;
      return `${head} waiting for packages: ${what || 'nothing pending'}${problems.length > 0 ? `; ${problemText}` : ''}`;
    }
  }
}
