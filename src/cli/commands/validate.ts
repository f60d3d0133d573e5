/**
 * `packsync validate`: loads a package folder, runs every validator and the template tests
 * (writing `.test-fixtures/<case>/` for cases that have none yet).
 */
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { withContext } from '../../packages/errors.js';
import {
  diskFixtureStore,
  importFolder,
  loadPackage,
  validatePackage,
} from '../../packages/index.js';
import { defaultRenderCapabilities } from '../../packages/engines.js';
import { pullSource, requireSource } from './package-source.js';

export function registerValidate(program: Command, ctx: CommandContext): void {
  program
    .command('validate')
    .description(
      'validate a package folder: manifest, lock file, objects, and the template tests against\n' +
        '.test-fixtures (a missing fixture folder is generated)',
    )
    .argument('[source]', 'package folder (or, with --pull, an image reference)')
    .option('--pull', 'validate the package image at this reference instead of a folder', false)
    .option('--insecure', 'allow plain HTTP and skip TLS verification for --pull', false)
    .action(async (arg: string | undefined, flags: { pull: boolean; insecure: boolean }) => {
      const source = requireSource(arg);
      let raw;
      try {
        raw = flags.pull ? await pullSource(source, flags.insecure) : await importFolder(source);
      } catch (err) {
        throw withContext('validating package', err);
      }
      try {
        const pkg = loadPackage(raw);
        // Template tests need the fixture folder, so they run for folders only.
        await validatePackage(
          pkg,
          defaultRenderCapabilities(),
          flags.pull ? {} : { fixtures: { folder: source, store: diskFixtureStore } },
        );
      } catch (err) {
        throw withContext('validating package: loading package from files', err);
      }
      ctx.io.stdout.write('Package validated successfully!');
    });
}
