/** `packsync tree`: the phases and objects of a rendered package, as `kubectl package tree` prints them. */
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { formatTree, objectSetTemplateSpec } from '../../packages/index.js';
import {
  addPreviewFlags,
  renderPreview,
  requireSource,
  type PreviewFlags,
} from './package-source.js';

export function registerTree(program: Command, ctx: CommandContext): void {
  addPreviewFlags(
    program
      .command('tree')
      .description(
        'render a package folder and print its phases and objects as a tree\n' +
          '(metadata and config come from --config-testcase, else the first test.template case)',
      )
      .argument('[source]', 'package folder (or, with --pull, an image reference)'),
  ).action(async (arg: string | undefined, flags: PreviewFlags) => {
    const { pkg, context, instance } = await renderPreview(requireSource(arg), flags);
    ctx.io.stdout.write(
      formatTree(
        {
          manifestName: pkg.manifest.metadata.name,
          packageName: context.package.metadata.name,
          packageNamespace: context.package.metadata.namespace,
        },
        objectSetTemplateSpec(instance),
      ),
    );
  });
}
