/**
 * `packsync clustertree`: the phases and objects of an installed (Cluster)Package, read from its
 * (Cluster)ObjectSet on the cluster (nothing is pulled or rendered), in `kubectl package
 * clustertree`'s layout: `Package /<name>` + `namespace/<ns>` or `ClusterPackage /<name>`, then
 * the gotree lines `tree` prints.
 */
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { formatTree, type ObjectSetTemplateSpec } from '../../packages/index.js';
import {
  addClusterFlags,
  getTarget,
  objectSetsOf,
  parseTarget,
  pkoApiVersion,
  revisionOf,
  withClient,
  type ClusterFlags,
  type Target,
} from '../cluster-target.js';
import type { CommandContext } from '../main.js';

export function registerClustertree(program: Command, ctx: CommandContext): void {
  addClusterFlags(
    program
      .command('clustertree')
      .description(
        'print the phases and objects of a package installed on a cluster as a tree (from its ObjectSet)',
      )
      .argument(
        '<resource>',
        'package/<name> or clusterpackage/<name> (or the name as second argument)',
      )
      .argument('[name]', 'name of the package'),
    'namespace of a Package (default "default")',
  )
    .addHelpText(
      'after',
      '\nExamples:\n  packsync clustertree package my-app -n apps\n  packsync clustertree clusterpackage/my-operator\n',
    )
    .action(async (resource: string, name: string | undefined, flags: ClusterFlags) => {
      const target = parseTarget(
        name === undefined ? [resource] : [resource, name],
        ['Package', 'ClusterPackage'],
        flags.namespace,
      );
      const text = await withClient(
        flags,
        `reading the tree of ${target.kind} ${target.name}`,
        (client) => clusterTree(client, target),
      );
      ctx.io.stdout.write(text);
    });
}

export async function clusterTree(client: KubeClient, target: Target): Promise<string> {
  await getTarget(client, target);
  const os = currentObjectSet(await objectSetsOf(client, target));
  if (os === undefined) throw new UserError('ObjectSet could not be found');
  const spec = await inlineSlices(client, os);
  const header =
    target.namespace === undefined
      ? `ClusterPackage /${target.name}\n`
      : `Package /${target.name}\nnamespace/${target.namespace}\n`;
  // formatTree's first two lines are the folder tree's header (manifest name, package); the
  // phase lines below them are the same gotree layout.
  const body = formatTree({ manifestName: '', packageName: '', packageNamespace: '' }, spec)
    .split('\n')
    .slice(2)
    .join('\n');
  return header + body;
}

/** The revision a package runs: the newest Available one that is not archived, else the newest. */
function currentObjectSet(sets: readonly KubeObject[]): KubeObject | undefined {
  const live = sets
    .filter(
      (s) => (s.spec as { lifecycleState?: string } | undefined)?.lifecycleState !== 'Archived',
    )
    .sort((a, b) => revisionOf(b) - revisionOf(a));
  return (
    live.find((s) => (s.status as { phase?: string } | undefined)?.phase === 'Available') ?? live[0]
  );
}

type SetObject = ObjectSetTemplateSpec['phases'][number]['objects'][number];

/** Objects of a namespaced ObjectSet live in its namespace, whether or not they name it. */
function inNamespace(o: SetObject, namespace: string | undefined): SetObject {
  const meta = (o.object.metadata ?? {}) as { namespace?: string };
  if (namespace === undefined || (meta.namespace ?? '') !== '') return o;
  return { ...o, object: { ...o.object, metadata: { ...meta, namespace } } };
}

/** The ObjectSet's phases with the objects of their ObjectSlices appended. */
async function inlineSlices(client: KubeClient, os: KubeObject): Promise<ObjectSetTemplateSpec> {
  const spec = (os.spec ?? {}) as Partial<ObjectSetTemplateSpec>;
  const phases = [];
  for (const phase of spec.phases ?? []) {
    const objects = [...(phase.objects ?? [])];
    for (const slice of phase.slices ?? []) {
      const s = await client.get({
        apiVersion: pkoApiVersion,
        kind: os.kind === 'ClusterObjectSet' ? 'ClusterObjectSlice' : 'ObjectSlice',
        name: slice,
        namespace: os.metadata.namespace,
      });
      if (s === undefined)
        throw new UserError(`ObjectSlice ${slice} of phase ${phase.name} not found`);
      objects.push(...((s.objects as SetObject[] | undefined) ?? []));
    }
    phases.push({ ...phase, objects: objects.map((o) => inNamespace(o, os.metadata.namespace)) });
  }
  return { phases, availabilityProbes: [] };
}
