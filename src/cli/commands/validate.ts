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
import { requireSource } from './package-source.js';

export function registerValidate(program: Command, ctx: CommandContext): void {
  program
    .command('validate')
    .description(
      'validate a package folder: manifest, lock file, objects, and the template tests against\n' +
        '.test-fixtures (a missing fixture folder is generated)',
    )
    .argument('[source]', 'package folder')
    .action(async (arg: string | undefined) => {
      const source = requireSource(arg);
      let raw;
      try {
        raw = await importFolder(source);
      } catch (err) {
        throw withContext('validating package', err);
      }
      try {
        const pkg = loadPackage(raw);
        await validatePackage(pkg, defaultRenderCapabilities(), {
          fixtures: { folder: source, store: diskFixtureStore },
        });
      } catch (err) {
        throw withContext('validating package: loading package from files', err);
      }
      ctx.io.stdout.write('Package validated successfully!');
    });
}
