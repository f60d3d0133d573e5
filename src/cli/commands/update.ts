/**
 * `packsync update`: resolves each `spec.images[].image` of a package folder to its digest in the
 * registry (`PKO_REPOSITORY_HOST` overrides the host looked up) and writes `manifest.lock.yaml`,
 * unless the lock file already pins the same digests.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { withContext } from '../../packages/errors.js';
import { importFolder, loadPackage } from '../../packages/index.js';
import { encodeManifestLock, generateLock, lockFileName } from '../../packages/lockfile.js';
import type { CommandContext } from '../main.js';
import { lookupImage, registryClient } from './registry-access.js';
import { requireSource } from './package-source.js';

/** The existing lock file's name (`.yaml` or `.yml`), else `manifest.lock.yaml`. */
async function lockPath(folder: string): Promise<string> {
  const names = await readdir(folder);
  const existing = names.includes(lockFileName)
    ? lockFileName
    : names.includes('manifest.lock.yml')
      ? 'manifest.lock.yml'
      : lockFileName;
  return join(folder, existing);
}

export function registerUpdate(program: Command, ctx: CommandContext): void {
  program
    .command('update')
    .description(
      'resolve the image tags of a package folder (spec.images) to digests and write them to ' +
        'manifest.lock.yaml; PKO_REPOSITORY_HOST overrides the registry host looked up',
    )
    .argument('[source]', 'package folder')
    .option('--insecure', 'allow plain HTTP and skip TLS verification', false)
    .action(async (arg: string | undefined, flags: { insecure: boolean }) => {
      const source = requireSource(arg);
      if (source === '') throw new UserError('invalid arguments: target path empty');
      let text: string | undefined;
      try {
        let pkg;
        try {
          pkg = loadPackage(await importFolder(source), { skipLockConsistency: true });
        } catch (err) {
          throw withContext('loading package', err);
        }
        const client = await registryClient(flags.insecure);
        const { lock, unchanged } = await generateLock(
          pkg,
          (image) => client.resolveDigest(image),
          {
            rewriteImage: lookupImage,
          },
        );
        if (!unchanged) text = encodeManifestLock(lock);
      } catch (err) {
        throw withContext('generating lock data', err);
      }
      if (text === undefined) {
        ctx.io.stdout.write('Package is already up-to-date\n');
        return;
      }
      const path = await lockPath(source);
      try {
        await writeFile(path, text, { mode: 0o644 });
      } catch (err) {
        throw new UserError(`writing lock file: ${(err as Error).message}`, { cause: err });
      }
      ctx.io.stdout.write('Package updated successfully!\n');
    });
}
