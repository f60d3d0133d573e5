/** `packsync manager`: run the registered controllers against a cluster until interrupted. */
import type { Command } from 'commander';
import {
  buildControllerSetups,
  defaultGitSyncTriggers,
  startGitSyncWebhookReceiver,
  type ControllerSetup,
  type ControllersOptions,
} from '../../controllers/index.js';
import { startManager } from '../../controllers/runtime/index.js';
import { UserError, errorMessage } from '../../errors.js';
import type { CommandContext } from '../main.js';
import { addManagerFlags, resolveManagerConfig } from './manager-flags.js';
import { waitForSignal } from '../signals.js';

/** The controller list for the resolved flags (tests pass a fixed list). */
export type SetupsFor = (opts: ControllersOptions) => readonly ControllerSetup[];

export interface ManagerCommandOptions {
  /** Default: `buildControllerSetups`. */
  setups?: SetupsFor | readonly ControllerSetup[];
  /** Resolves when the manager should stop (default: SIGINT or SIGTERM). */
  until?: () => Promise<void>;
  /** Environment for the PACKSYNC_* / PKO_* variables (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

export function registerManager(program: Command, ctx: CommandContext): void {
  addManagerCommand(program, ctx);
}

/** The verb; tests pass their own controllers, stop signal and environment. */
export function addManagerCommand(
  program: Command,
  ctx: CommandContext,
  options: ManagerCommandOptions = {},
): void {
  const given = options.setups;
  const setupsFor: SetupsFor =
    typeof given === 'function' ? given : given !== undefined ? () => given : buildControllerSetups;
  const names = setupsFor({}).map((s) => s.name);
  const cmd = program
    .command('manager')
    .description(
      `run the controllers (${names.join(', ')}) against a cluster, with leader election; stops gracefully on SIGINT/SIGTERM`,
    )
    .option(
      '--kubeconfig <file>',
      'kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, then in-cluster config)',
    );
  addManagerFlags(cmd)
    .addHelpText(
      'after',
      [
        '',
        'Every flag can also be set by its environment variable; the command line wins. The log',
        'level is the global --log-level (env LOG_LEVEL). Leader election needs the lease namespace',
        'to exist; locally, turn it off:',
        '',
        'Example:',
        '  packsync server --data-dir ./state --kubeconfig-out ./kubeconfig &',
        '  packsync manager --kubeconfig ./kubeconfig --enable-leader-election=false \\',
        '    --metrics-addr 127.0.0.1:8080 --health-probe-bind-address 127.0.0.1:8081',
        '',
      ].join('\n'),
    )
    .action(async (flags: Record<string, unknown>) => {
      const config = resolveManagerConfig(flags, options.env ?? process.env);
      const kubeconfig = typeof flags.kubeconfig === 'string' ? flags.kubeconfig : undefined;
      const logger = ctx.logger().child({ component: 'manager' });
      let running;
      try {
        running = await startManager({
          kubeconfig,
          setups: setupsFor(config.controllers),
          workers: config.workers,
          workersByController: config.workersByController,
          metricsAddr: config.metricsAddr,
          healthAddr: config.healthAddr,
          leaderElection: config.leaderElection,
          webhook: config.webhook,
          logger,
        });
      } catch (err) {
        throw new UserError(`starting the manager: ${errorMessage(err)}`, { cause: err });
      }
      const webhooks = await startWebhooks(config.webhookReceiverPort, logger).catch(
        async (err: unknown) => {
          await running.stop();
          throw err;
        },
      );
      const el = running.elector;
      ctx.io.stderr.write(
        `manager running: ${running.manager.controllerNames.join(', ')}` +
          (webhooks ? `; git webhooks ${webhooks.url}` : '') +
          (running.metricsUrl ? `; metrics ${running.metricsUrl}/metrics` : '') +
          (running.healthUrl ? `; probes ${running.healthUrl}/healthz, /readyz` : '') +
          (running.webhookUrl ? `; webhook ${running.webhookUrl}` : '') +
          (el === undefined
            ? ''
            : el.state === 'leading'
              ? `; leading (lease ${el.namespace}/${el.name})`
              : `; standby (lease ${el.namespace}/${el.name} held by ${el.holder ?? 'nobody'})`) +
          '\n',
      );
      if (el !== undefined && el.state !== 'leading') {
        void el.leading.then(() =>
          ctx.io.stderr.write(`leading: acquired lease ${el.namespace}/${el.name}\n`),
        );
      }
      const stopped = await Promise.race([
        (options.until ?? waitForSignal)().then(() => undefined),
        running.failed,
      ]);
      if (stopped !== undefined) {
        await webhooks?.stop();
        await running.stop();
        // Exit non-zero so the pod restarts and joins the election afresh (controller-runtime's way).
        throw new UserError(`manager stopped: ${stopped.message}`, { cause: stopped });
      }
      ctx.io.stderr.write('stopping: waiting for in-flight reconciles\n');
      await webhooks?.stop();
      await running.stop();
    });
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
