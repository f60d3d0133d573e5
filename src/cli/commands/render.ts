/** `packsync render`: the objects of a rendered package, as YAML documents or a JSON List. */
import { Option, type Command } from 'commander';
import { stringify } from 'yaml';
import type { CommandContext } from '../main.js';
import { phaseAnnotation, type KubeObject } from '../../packages/index.js';
import {
  addPreviewFlags,
  renderPreview,
  requireSource,
  type PreviewFlags,
} from './package-source.js';

export function registerRender(program: Command, ctx: CommandContext): void {
  addPreviewFlags(
    program
      .command('render')
      .description(
        'render a package folder and print its objects in deploy order\n' +
          '(metadata and config come from --config-testcase, else the first test.template case)',
      )
      .argument('[source]', 'package folder (or, with --pull, an image reference)'),
  )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['yaml', 'json'])
        .default('yaml'),
    )
    .action(async (arg: string | undefined, flags: PreviewFlags & { output: 'yaml' | 'json' }) => {
      const { instance } = await renderPreview(requireSource(arg), flags);
      // Deploy order: phases in manifest order, then path and document order within a phase.
      const phaseIndex = new Map(instance.manifest.spec.phases.map((p, i) => [p.name, i]));
      const rank = (o: KubeObject) => {
        const meta = (o.metadata ?? {}) as { annotations?: Record<string, unknown> };
        const phase = meta.annotations?.[phaseAnnotation];
        return typeof phase === 'string'
          ? (phaseIndex.get(phase) ?? phaseIndex.size)
          : phaseIndex.size;
      };
      const objects = [...instance.objects].sort((a, b) => rank(a) - rank(b));
      if (flags.output === 'json') {
        ctx.io.stdout.write(
          `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`,
        );
        return;
      }
      ctx.io.stdout.write(objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
    });
}
