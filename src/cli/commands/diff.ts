/**
 * `packsync diff`: the desired state of a repository path (working tree or a Git ref) against the
 * live cluster, through server-side apply dry-runs. Exit 0 without changes, 1 with changes (or
 * the `--exit-code` value), 2 on errors, like `kubectl diff` and `flux diff`.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Option, type Command } from 'commander';
import { UserError, errorMessage, isUserError } from '../../errors.js';
import type { KubeClient } from '../../kube/index.js';
import { isNoKindMatch, KubeApiError, type KubeObject, type ObjectRef } from '../../kube/index.js';
import { importFolder } from '../../packages/index.js';
import {
  diffRepository,
  formatJson,
  formatMarkdown,
  formatText,
  hasChanges,
  hasErrors,
  pullCache,
  readRefTree,
  repositoryRoot,
  type OutputFormat,
  type Report,
} from '../../diff/index.js';
import type { CommandContext } from '../main.js';
import { connect } from '../cluster-target.js';
import { readConfigFile } from './package-source.js';
import { defaultSyncName } from './sync.js';

/** Exit code of a diff or preview that failed. */
export const errorExitCode = 2;

/** Runs `fn`; any user-facing failure (bad input, unreachable cluster) exits 2. */
export async function withErrorExit<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const known =
      isUserError(err) ||
      err instanceof KubeApiError ||
      isNoKindMatch(err) ||
      (err instanceof Error && typeof (err as { code?: unknown }).code === 'string');
    if (!known) throw err;
    const message = isUserError(err) ? err.message : `${what}: ${errorMessage(err)}`;
    throw new UserError(message, { cause: err, exitCode: errorExitCode });
  }
}

/** Colors only on a terminal, and never with NO_COLOR set. */
export function useColor(ctx: CommandContext): boolean {
  const tty = (ctx.io.stdout as { isTTY?: boolean }).isTTY === true;
  const noColor = process.env.NO_COLOR;
  return tty && (noColor === undefined || noColor === '');
}

export function parseMaxBytes(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1024) {
    throw new UserError(`--max-bytes: not an integer of at least 1024: ${value}`, {
      exitCode: errorExitCode,
    });
  }
  return n;
}

export function writeReport(
  ctx: CommandContext,
  report: Report,
  format: OutputFormat,
  maxBytes: number,
): void {
  const text =
    format === 'json'
      ? formatJson(report)
      : format === 'markdown'
        ? formatMarkdown(report, { maxBytes })
        : formatText(report, { color: useColor(ctx) });
  ctx.io.stdout.write(text);
}

interface DiffFlags {
  gitRef?: string;
  repo?: string;
  path: string;
  kubeconfig?: string;
  name?: string;
  namespace?: string;
  configPath?: string;
  output: OutputFormat;
  exitCode: string;
  insecure: boolean;
  maxBytes: string;
}

export function registerDiff(program: Command, ctx: CommandContext): void {
  program
    .command('diff')
    .description(
      'compare the desired state of a repository path with the live cluster: every object is ' +
        'server-side applied with dryRun=All (field manager packsync), nested Packages are pulled ' +
        'and rendered with their config; objects the sync would prune are listed as deleted. ' +
        'Exit code 0: no changes, 1: changes, 2: error',
    )
    .argument('[dir]', 'repository working tree (read as it is on disk)', '.')
    .option('--git-ref <ref>', 'read the repository at this ref (branch, tag, commit) instead')
    .option('--repo <dir>', 'repository to read --git-ref from (default: the [dir] argument)')
    .option('--path <path>', 'folder of the repository package inside the repository', '.')
    .option(
      '--kubeconfig <file>',
      'kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, then in-cluster config)',
    )
    .option(
      '--name <name>',
      'name of the (Cluster)GitSync whose ObjectDeployment holds the live revisions ' +
        '(default: from the repository and path, as `packsync sync` names it)',
    )
    .option('-n, --namespace <namespace>', 'namespace of a GitSync (without it: a ClusterGitSync)')
    .option(
      '--config-path <file>',
      "YAML file with the sync's config (default: spec.config of the GitSync on the cluster)",
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'markdown', 'json'])
        .default('text'),
    )
    .option('--exit-code <code>', 'exit code when there are changes', '1')
    .option('--insecure', 'allow plain HTTP and skip TLS verification when pulling images', false)
    .option('--max-bytes <n>', 'size limit of the markdown output', '65536')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  packsync diff ./fleet --path clusters/prod --name prod --kubeconfig ./kubeconfig\n' +
        '  packsync diff --git-ref origin/main --repo ./fleet --path clusters/prod -o markdown\n',
    )
    .action(async (dir: string, flags: DiffFlags) => {
      const changesCode = Number(flags.exitCode);
      if (!Number.isInteger(changesCode) || changesCode < 0 || changesCode > 255) {
        throw new UserError(`--exit-code: not an exit code: ${flags.exitCode}`, {
          exitCode: errorExitCode,
        });
      }
      const maxBytes = parseMaxBytes(flags.maxBytes);
      const report = await withErrorExit('diff', async () => {
        const repo = resolve(flags.repo ?? dir);
        const name = flags.name ?? defaultSyncName(pathToFileURL(repo).href, flags.path);
        const client = await connect(flags.kubeconfig);
        try {
          const namespace = flags.namespace ?? '';
          const gitSync = await getIfServed(client, {
            apiVersion: 'packsync.dev/v1alpha1',
            kind: namespace === '' ? 'ClusterGitSync' : 'GitSync',
            name,
            ...(namespace === '' ? {} : { namespace }),
          });
          const spec = (gitSync?.spec ?? {}) as { config?: Record<string, unknown> };
          const config =
            flags.configPath !== undefined
              ? await readConfigFile(flags.configPath)
              : (spec.config ?? {});
          const files = await readFiles(dir, flags);
          const pulls = pullCache({ insecure: flags.insecure });
          return await diffRepository({
            files,
            sync: { name, namespace, config },
            client,
            pull: pulls.pull,
          });
        } finally {
          client.close();
        }
      });
      writeReport(ctx, report, flags.output, maxBytes);
      if (hasErrors(report)) ctx.setExitCode?.(errorExitCode);
      else if (hasChanges(report)) ctx.setExitCode?.(changesCode);
    });
}

/** The object, or undefined when it or its kind does not exist (CRDs not installed). */
async function getIfServed(client: KubeClient, ref: ObjectRef): Promise<KubeObject | undefined> {
  try {
    return await client.get(ref);
  } catch (err) {
    if (isNoKindMatch(err)) return undefined;
    throw err;
  }
}

async function readFiles(dir: string, flags: DiffFlags): Promise<ReadonlyMap<string, Uint8Array>> {
  if (flags.gitRef !== undefined) {
    const root = await repositoryRoot(resolve(flags.repo ?? dir));
    return (await readRefTree(root, flags.gitRef, flags.path)).files;
  }
  if (flags.repo !== undefined) {
    throw new UserError('--repo needs --git-ref (without it the [dir] argument is read)', {
      exitCode: errorExitCode,
    });
  }
  return (await importFolder(join(dir, flags.path))).files;
}
