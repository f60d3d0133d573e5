/**
 * `packsync pause` / `packsync unpause`: set or clear a (Cluster)Package's `spec.paused` and the
 * `package-operator.run/pause-message` annotation, then watch the package until the controller
 * reports it (`Paused=True`; after unpausing `Available=True` and no `Paused`), as
 * `kubectl package pause|unpause` does, within `--timeout`.
 */
import type { Command } from 'commander';
import { annotations, conditionTypes, parseDuration } from '../../apis/index.js';
import { UserError } from '../../errors.js';
import { isExpired, type KubeClient, type KubeObject, type ObjectRef } from '../../kube/index.js';
import {
  addClusterFlags,
  conditionOf,
  describeTarget,
  getTarget,
  parseTarget,
  pkoApiVersion,
  withClient,
  type ClusterFlags,
  type Target,
} from '../cluster-target.js';
import type { CommandContext } from '../main.js';

interface PauseFlags extends ClusterFlags {
  message?: string;
  timeout: string;
}

export function registerPause(program: Command, ctx: CommandContext): void {
  addPauseCommand(program, ctx, true);
  addPauseCommand(program, ctx, false);
}

function addPauseCommand(program: Command, ctx: CommandContext, pause: boolean): void {
  const verb = pause ? 'pause' : 'unpause';
  const cmd = addClusterFlags(
    program
      .command(verb)
      .description(
        `${verb} the reconciliation of a package and its objects, and wait until the package reports it`,
      )
      .argument(
        '<resource>',
        'package/<name> or clusterpackage/<name> (or the name as second argument)',
      )
      .argument('[name]', 'name of the package'),
    'namespace of a Package (default "default")',
  );
  if (pause) {
    cmd.option(
      '-m, --message <text>',
      `reason for pausing, stored in the ${annotations.pauseMessage} annotation`,
    );
  }
  cmd
    .option(
      '--timeout <duration>',
      'how long to wait for the package to report it (e.g. 90s, 2m)',
      '60s',
    )
    .addHelpText(
      'after',
      `\nExample:\n  packsync ${verb} package/my-app -n apps${pause ? " -m 'investigating an outage'" : ''}\n`,
    )
    .action(async (resource: string, name: string | undefined, flags: PauseFlags) => {
      const target = parseTarget(
        name === undefined ? [resource] : [resource, name],
        ['Package', 'ClusterPackage'],
        flags.namespace,
      );
      const timeoutMs = parseDuration(flags.timeout);
      if (timeoutMs === undefined) {
        throw new UserError(`--timeout: not a duration (like 60s or 2m): ${flags.timeout}`);
      }
      await withClient(
        flags,
        `${pause ? 'pausing' : 'unpausing'} ${describeTarget(target)}`,
        (client) => setPaused(client, target, pause, flags.message ?? '', timeoutMs),
      );
      ctx.io.stderr.write(`${describeTarget(target)} ${pause ? 'paused' : 'unpaused'}\n`);
    });
}

/**
 * Sets `spec.paused` (removed when unpausing, as Go's `omitempty` does) and the pause message
 * annotation, then waits for the controller to report the new state.
 */
export async function setPaused(
  client: KubeClient,
  target: Target,
  pause: boolean,
  message: string,
  timeoutMs: number,
): Promise<KubeObject> {
  await getTarget(client, target);
  const ref: ObjectRef = {
    apiVersion: pkoApiVersion,
    kind: target.kind,
    name: target.name,
    namespace: target.namespace,
  };
  const updated = await client.patch(ref, 'merge', {
    metadata: { annotations: { [annotations.pauseMessage]: pause ? message : null } },
    spec: { paused: pause ? true : null },
  });
  const generation = updated.metadata.generation ?? 0;
  const current = (obj: KubeObject, type: string): boolean => {
    const c = conditionOf(obj, type);
    return (
      c !== undefined &&
      c.status === 'True' &&
      (c.observedGeneration === undefined || c.observedGeneration >= generation)
    );
  };
  const done = pause
    ? (obj: KubeObject) => current(obj, conditionTypes.paused)
    : (obj: KubeObject) =>
        current(obj, conditionTypes.available) &&
        conditionOf(obj, conditionTypes.paused)?.status !== 'True';
  const want = pause ? 'Paused=True' : 'Available=True';
  return waitFor(client, ref, done, timeoutMs, `${describeTarget(target)} to report ${want}`);
}

/**
 * Watches `ref` until `done` holds, re-reading and re-watching when the stream ends; fails with a
 * UserError after `timeoutMs` or when the object is deleted.
 */
export async function waitFor(
  client: KubeClient,
  ref: ObjectRef,
  done: (obj: KubeObject) => boolean,
  timeoutMs: number,
  what: string,
): Promise<KubeObject> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const deadline = Date.now() + timeoutMs;
  const timedOut = () =>
    new UserError(`waiting for ${what}: timed out after ${Math.round(timeoutMs / 1000)}s`);
  try {
    while (!abort.signal.aborted) {
      const obj = await client.get(ref);
      if (obj === undefined) throw new UserError(`waiting for ${what}: it was deleted`);
      if (done(obj)) return obj;
      try {
        const events = await client.openWatch(
          ref.apiVersion,
          ref.kind,
          {
            namespace: ref.namespace,
            fieldSelector: `metadata.name=${ref.name}`,
            resourceVersion: obj.metadata.resourceVersion,
            timeoutSeconds: Math.max(1, Math.ceil((deadline - Date.now()) / 1000)),
          },
          abort.signal,
        );
        for await (const ev of events) {
          if (ev.type === 'DELETED') throw new UserError(`waiting for ${what}: it was deleted`);
          if (ev.type === 'ERROR') break; // e.g. 410 Gone: read again and re-watch
          if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && done(ev.object)) return ev.object;
        }
      } catch (err) {
        if (abort.signal.aborted) break;
        if (err instanceof UserError || !isExpired(err)) throw err;
      }
    }
    throw timedOut();
  } finally {
    clearTimeout(timer);
  }
}
