/**
 * `packsync preview`: what changes between two refs of a desired-state repository, with no
 * cluster: both refs rendered (nested packages pulled and rendered with their config), compared
 * object by object. Markdown for a pull-request comment, JSON for tools, plain text.
 * Exit 0 with a report (changes or not), 2 when a ref cannot be read or the head does not render.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Option, type Command } from 'commander';
import {
  hasErrors,
  isRepositoryUrl,
  previewRefs,
  pullCache,
  type OutputFormat,
} from '../../diff/index.js';
import type { CommandContext } from '../main.js';
import { readConfigFile } from './package-source.js';
import { errorExitCode, parseMaxBytes, withErrorExit, writeReport } from './diff.js';
import { defaultSyncName } from './sync.js';

interface PreviewFlags {
  base: string;
  head: string;
  repo: string;
  path: string;
  name?: string;
  namespace?: string;
  configPath?: string;
  output: OutputFormat;
  maxBytes: string;
  insecure: boolean;
  gitCacheDir?: string;
}

export function registerPreview(program: Command, ctx: CommandContext): void {
  program
    .command('preview')
    .description(
      'render two refs of a desired-state repository (nested packages pulled and rendered with ' +
        'their config) and report what changes between them; no cluster needed. ' +
        'Exit code 0: report written, 2: a ref could not be read or the head has errors',
    )
    .requiredOption('--base <ref>', 'the ref changes are compared against (e.g. main)')
    .requiredOption('--head <ref>', 'the ref with the changes (e.g. a pull-request branch)')
    .option(
      '--repo <dir|url>',
      'Git repository: a local path, or an http(s):// or file:// URL',
      '.',
    )
    .option(
      '--git-cache-dir <dir>',
      'where a remote --repo is fetched to (default: $XDG_CACHE_HOME/packsync/git)',
    )
    .option('--path <path>', 'folder of the repository package inside the repository', '.')
    .option(
      '--name <name>',
      'name of the sync the repository is rendered for (default: from the repository and path, ' +
        'as `packsync sync` names it)',
    )
    .option('-n, --namespace <namespace>', 'namespace of a GitSync (without it: cluster-scoped)')
    .option('--config-path <file>', "YAML file with the sync's config")
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['markdown', 'json', 'text'])
        .default('markdown'),
    )
    .option(
      '--max-bytes <n>',
      'size limit of the markdown output (GitHub comments: 65536)',
      '65536',
    )
    .option('--insecure', 'allow plain HTTP and skip TLS verification when pulling images', false)
    .addHelpText(
      'after',
      '\nExample (in CI, for a pull-request comment):\n' +
        '  packsync preview --base origin/main --head HEAD --path clusters/prod > comment.md\n',
    )
    .action(async (flags: PreviewFlags) => {
      const maxBytes = parseMaxBytes(flags.maxBytes);
      const report = await withErrorExit('preview', async () => {
        const repo = isRepositoryUrl(flags.repo) ? flags.repo : resolve(flags.repo);
        const url = isRepositoryUrl(repo) ? repo : pathToFileURL(repo).href;
        const name = flags.name ?? defaultSyncName(url, flags.path);
        const config = flags.configPath === undefined ? {} : await readConfigFile(flags.configPath);
        return previewRefs({
          repo,
          ...(flags.gitCacheDir !== undefined ? { gitCacheDir: flags.gitCacheDir } : {}),
          base: flags.base,
          head: flags.head,
          path: flags.path,
          sync: { name, namespace: flags.namespace ?? '', config },
          pull: pullCache({ insecure: flags.insecure }).pull,
        });
      });
      writeReport(ctx, report, flags.output, maxBytes);
      if (hasErrors(report)) ctx.setExitCode?.(errorExitCode);
    });
}
