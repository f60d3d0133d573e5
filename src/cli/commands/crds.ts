/**
 * `packsync crds`: prints every CustomResourceDefinition as one multi-document YAML stream, or writes
 * one file per CRD into a folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Command } from 'commander';
import { crdFiles, crdsYaml } from '../../apis/index.js';
import { UserError, errorMessage } from '../../errors.js';
import type { CommandContext } from '../main.js';

export function registerCrds(program: Command, ctx: CommandContext): void {
  program
    .command('crds')
    .description('print the CustomResourceDefinitions of every packsync and Package Operator kind')
    .option('-o, --output-dir <dir>', 'write one <group>_<plural>.yaml file per CRD into <dir>')
    .addHelpText(
      'after',
      '\nExamples:\n  packsync crds | kubectl apply -f -\n  packsync crds --output-dir deploy/crds\n',
    )
    .action(async (opts: { outputDir?: string }) => {
      if (opts.outputDir === undefined) {
        ctx.io.stdout.write(crdsYaml());
        return;
      }
      const dir = opts.outputDir;
      const files = crdFiles();
      try {
        await mkdir(dir, { recursive: true });
        for (const f of files) await writeFile(path.join(dir, f.filename), f.content);
      } catch (err) {
        throw new UserError(`writing CRDs to ${dir}: ${errorMessage(err)}`, { cause: err });
      }
      ctx.io.stdout.write(`wrote ${files.length} CRDs to ${dir}\n`);
    });
}
