/** `packsync manager`: run the registered controllers against a cluster until interrupted. */
import type { Command } from 'commander';
import {
  controllerSetups,
  defaultGitSyncTriggers,
  startGitSyncWebhookReceiver,
  type ControllerSetup,
} from '../../controllers/index.js';
import { parseBindAddress, startManager } from '../../controllers/runtime/index.js';
import { UserError, errorMessage } from '../../errors.js';
import type { CommandContext } from '../main.js';

interface ManagerFlags {
  kubeconfig?: string;
  metricsAddr: string;
  healthProbeBindAddress: string;
  workers: string;
  webhookReceiverPort?: string;
}

/** Registers `manager` only once there is a controller for it to run (no stub verbs). */
export function registerManager(program: Command, ctx: CommandContext): void {
  if (controllerSetups.length === 0) return;
  addManagerCommand(program, ctx, controllerSetups);
}

/** The verb with a given controller list (tests pass their own). */
export function addManagerCommand(
  program: Command,
  ctx: CommandContext,
  setups: readonly ControllerSetup[],
  until: () => Promise<void> = waitForSignal,
): void {
  program
    .command('manager')
    .description(
      `run the controllers (${setups.map((s) => s.name).join(', ')}) against a cluster; stops gracefully on SIGINT/SIGTERM`,
    )
    .option(
      '--kubeconfig <file>',
      'kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, then in-cluster config)',
    )
    .option(
      '--metrics-addr <addr>',
      'serve Prometheus metrics at /metrics on this address (0 disables)',
      ':8080',
    )
    .option(
      '--health-probe-bind-address <addr>',
      'serve /healthz and /readyz on this address (0 disables)',
      ':8081',
    )
    .option('--workers <n>', 'parallel reconciles per controller', '4')
    .option(
      '--webhook-receiver-port <port>',
      'serve Git webhooks (GitHub, GitLab, generic HMAC) that trigger GitSync syncs on this port',
    )
    .addHelpText(
      'after',
      '\nExample:\n  packsync server --data-dir ./state --kubeconfig-out ./kubeconfig &\n  packsync manager --kubeconfig ./kubeconfig --metrics-addr 127.0.0.1:8080\n',
    )
    .action(async (flags: ManagerFlags) => {
      const workers = Number(flags.workers);
      if (!Number.isInteger(workers) || workers < 1) {
        throw new UserError(`--workers: not a positive integer: ${flags.workers}`);
      }
      for (const [flag, v] of [
        ['--metrics-addr', flags.metricsAddr],
        ['--health-probe-bind-address', flags.healthProbeBindAddress],
      ] as const) {
        try {
          parseBindAddress(v);
        } catch (err) {
          throw new UserError(`${flag}: ${errorMessage(err)}`);
        }
      }
      const webhookPort = parsePort('--webhook-receiver-port', flags.webhookReceiverPort);
      const logger = ctx.logger().child({ component: 'manager' });
      let running;
      try {
        running = await startManager({
          kubeconfig: flags.kubeconfig,
          setups,
          workers,
          metricsAddr: flags.metricsAddr,
          healthAddr: flags.healthProbeBindAddress,
          logger,
        });
      } catch (err) {
        throw new UserError(`starting the manager: ${errorMessage(err)}`, { cause: err });
      }
      const webhooks = await startWebhooks(webhookPort, logger).catch(async (err: unknown) => {
        await running.stop();
        throw err;
      });
      ctx.io.stderr.write(
        `manager running: ${running.manager.controllerNames.join(', ')}` +
          (webhooks ? `; git webhooks ${webhooks.url}` : '') +
          (running.metricsUrl ? `; metrics ${running.metricsUrl}/metrics` : '') +
          (running.healthUrl ? `; probes ${running.healthUrl}/healthz, /readyz` : '') +
          '\n',
      );
      await until();
      ctx.io.stderr.write('stopping: waiting for in-flight reconciles\n');
      await webhooks?.stop();
      await running.stop();
    });
}

function parsePort(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UserError(`${flag}: not a port number: ${text}`);
  return n;
}

/** The GitSync webhook receiver (`--webhook-receiver-port`), reaching the running controllers. */
async function startWebhooks(
  port: number | undefined,
  logger: Parameters<typeof startGitSyncWebhookReceiver>[0]['logger'],
): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  if (port === undefined) return undefined;
  try {
    return await startGitSyncWebhookReceiver({ port, triggers: defaultGitSyncTriggers, logger });
  } catch (err) {
    throw new UserError(`--webhook-receiver-port: ${errorMessage(err)}`, { cause: err });
  }
}

function waitForSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
