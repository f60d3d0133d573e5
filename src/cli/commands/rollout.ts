/**
 * `packsync rollout history`: the revisions (ObjectSets) of a package or ObjectDeployment, as
 * `kubectl package rollout history` prints them: a `REVISION  SUCCESSFUL  CHANGE-CAUSE` table,
 * the whole list as JSON/YAML, or one revision's ObjectSet with `--revision`.
 */
import type { Command } from 'commander';
import { conditionTypes } from '../../apis/index.js';
import { UserError } from '../../errors.js';
import type { KubeObject } from '../../kube/index.js';
import {
  addClusterFlags,
  changeCauseOf,
  conditionOf,
  describeTarget,
  getTarget,
  objectSetsOf,
  parseTarget,
  revisionOf,
  withClient,
  type ClusterFlags,
} from '../cluster-target.js';
import { goJsonIndent, goObjectOrder, goYaml, ptermTable } from '../go-output.js';
import type { CommandContext } from '../main.js';

interface HistoryFlags extends ClusterFlags {
  output?: string;
  revision?: string;
}

export function registerRollout(program: Command, ctx: CommandContext): void {
  const rollout = program
    .command('rollout')
    .description('manage the rollout of a package or ObjectDeployment on a cluster');
  addClusterFlags(
    rollout
      .command('history')
      .description(
        'view the history of rollout revisions for a package or object deployment\n' +
          '(resources: package, clusterpackage, objectdeployment, clusterobjectdeployment, or their short names)',
      )
      .argument('<resource>', '<resource>/<name>, or the resource with the name as second argument')
      .argument('[name]', 'name of the package or ObjectDeployment'),
    'namespace of a Package or ObjectDeployment (default "default")',
  )
    .option('-o, --output <format>', 'output format: json|yaml (default: a table)')
    .option('--revision <n>', 'print the ObjectSet of this revision (YAML, or JSON with -o json)')
    .addHelpText(
      'after',
      '\nExamples:\n  packsync rollout history package/my-app -n apps\n' +
        '  packsync rollout history clusterpackage my-operator --revision 2 -o json\n',
    )
    .action(async (resource: string, name: string | undefined, flags: HistoryFlags) => {
      const target = parseTarget(
        name === undefined ? [resource] : [resource, name],
        ['Package', 'ClusterPackage', 'ObjectDeployment', 'ClusterObjectDeployment'],
        flags.namespace,
      );
      const output = (flags.output ?? '').toLowerCase();
      if (!['', 'json', 'yaml'].includes(output)) {
        throw new UserError(`invalid output format: "${flags.output}"`);
      }
      const revision = parseRevision(flags.revision);
      const sets = await withClient(
        flags,
        `getting the revisions of ${describeTarget(target)}`,
        async (client) => {
          await getTarget(client, target);
          return objectSetsOf(client, target);
        },
      );
      ctx.io.stdout.write(formatHistory(sets, output as '' | 'json' | 'yaml', revision));
    });
}

function parseRevision(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new UserError(`--revision: not an integer: ${raw}`);
  // PKO treats --revision 0 (its default) as "no revision".
  return n > 0 ? n : undefined;
}

/** The text `rollout history` prints for these ObjectSets. */
export function formatHistory(
  sets: readonly KubeObject[],
  output: '' | 'json' | 'yaml',
  revision: number | undefined,
): string {
  if (revision !== undefined) {
    const os = sets.find((s) => revisionOf(s) === revision);
    if (os === undefined) {
      const known = sets.map(revisionOf).sort((a, b) => a - b);
      throw new UserError(
        `revision not found: ${revision} (revisions: ${known.length > 0 ? known.join(', ') : 'none'})`,
      );
    }
    return output === 'json' ? `${goJsonIndent(goObjectOrder(os))}\n` : goYaml(os);
  }
  const sorted = [...sets].sort((a, b) => revisionOf(a) - revisionOf(b));
  switch (output) {
    case 'json':
      return `${goJsonIndent(sorted.map(goObjectOrder))}\n`;
    case 'yaml':
      return sorted.length === 0 ? '[]\n' : goYaml(sorted);
    default:
      return ptermTable(
        ['REVISION', 'SUCCESSFUL', 'CHANGE-CAUSE'],
        sorted.map((os) => [
          String(revisionOf(os)),
          String(conditionOf(os, conditionTypes.succeeded)?.status === 'True'),
          changeCauseOf(os),
        ]),
      );
  }
}
