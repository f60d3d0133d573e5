/** `packsync server`: run the embedded Kubernetes-compatible API server until interrupted. */
import { Option, type Command } from 'commander';
import { UserError } from '../../errors.js';
import { startServer } from '../../server/index.js';
import type { CommandContext } from '../main.js';
import { waitForSignal } from '../signals.js';

interface ServerFlags {
  dataDir?: string;
  port: string;
  host: string;
  kubeconfigOut?: string;
  insecureHttp?: boolean;
  token?: string;
  simulator: boolean;
  simulatorDelay: string;
}

export function registerServer(program: Command, ctx: CommandContext): void {
  program
    .command('server')
    .description(
      'run an embedded Kubernetes-compatible API server (kubectl and client libraries work against it); stops on Ctrl-C',
    )
    .option(
      '--data-dir <dir>',
      'persist objects, TLS material and the token here (memory only without it)',
    )
    .option('--port <n>', 'port to listen on (0 picks a free one)', '6443')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option(
      '--kubeconfig-out <file>',
      'write a kubeconfig for this server (CA, bearer token) to this file',
    )
    .addOption(
      new Option(
        '--token <token>',
        'bearer token clients must send (default: generated, kept in the data dir)',
      ).env('PACKSYNC_SERVER_TOKEN'),
    )
    .option(
      '--insecure-http',
      'serve plain HTTP instead of HTTPS (clients must skip TLS verification)',
    )
    .option(
      '--no-simulator',
      'do not simulate workload controllers (Deployments, StatefulSets, DaemonSets, ReplicaSets and Jobs keep an empty status)',
    )
    .option(
      '--simulator-delay <ms>',
      'milliseconds before simulated workloads report ready and new CRDs become Established',
      '0',
    )
    .addHelpText(
      'after',
      '\nExample:\n  packsync server --data-dir ./state --kubeconfig-out ./kubeconfig\n  KUBECONFIG=./kubeconfig kubectl get namespaces\n',
    )
    .action(async (flags: ServerFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UserError(`--port: not a port number: ${flags.port}`);
      }
      const delay = Number(flags.simulatorDelay);
      if (!Number.isInteger(delay) || delay < 0) {
        throw new UserError(
          `--simulator-delay: not a number of milliseconds: ${flags.simulatorDelay}`,
        );
      }
      const logger = ctx.logger().child({ component: 'server' });
      let server;
      try {
        server = await startServer({
          dataDir: flags.dataDir,
          port,
          host: flags.host,
          kubeconfigOut: flags.kubeconfigOut,
          insecureHttp: flags.insecureHttp,
          token: flags.token,
          logger,
          simulator: flags.simulator ? { delayMs: delay, crdEstablishDelayMs: delay } : false,
        });
      } catch (err) {
        if (err instanceof UserError) throw err;
        throw new UserError(
          `starting the server: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
      const r = server.recovered;
      ctx.io.stdout.write(`serving on ${server.url}\n`);
      if (flags.dataDir) {
        ctx.io.stdout.write(
          `data dir ${flags.dataDir}: ${r.objects} objects at revision ${r.revision}\n`,
        );
        if (r.tornTail) {
          ctx.io.stderr.write(
            `warning: the write-ahead log ended in a torn record at byte ${r.tornTail.offset} (${r.tornTail.bytes} bytes of a write that was never acknowledged); it was cut off\n`,
          );
        }
      }
      if (flags.kubeconfigOut)
        ctx.io.stdout.write(`kubeconfig written to ${flags.kubeconfigOut}\n`);
      else ctx.io.stdout.write(`kubeconfig:\n${server.kubeconfig}`);
      await waitForSignal();
      await server.stop();
    });
}
