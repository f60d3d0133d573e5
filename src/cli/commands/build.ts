/**
 * `packsync build`: loads and validates a package folder (manifest, lock file, template tests, the
 * pinned digests still present in their registries), builds its reproducible package image and
 * writes it as a docker-archive tarball (`-o`) and/or pushes it to every tag (`--push`).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import {
  buildPackageImage,
  formatReference,
  imageWithDigest,
  parseReference,
  writeArchive,
} from '../../oci/index.js';
import { withContext } from '../../packages/errors.js';
import { defaultRenderCapabilities } from '../../packages/engines.js';
import {
  diskFixtureStore,
  importFolder,
  loadPackage,
  validatePackage,
} from '../../packages/index.js';
import { verifyLockDigests } from '../../packages/lockfile.js';
import type { CommandContext } from '../main.js';
import { lookupImage, registryClient } from './registry-access.js';
import { requireSource } from './package-source.js';

const outputFormats = ['human', 'digest'] as const;
type OutputFormat = (typeof outputFormats)[number];

interface BuildFlags {
  tag: string[];
  output?: string;
  push: boolean;
  insecure: boolean;
  label: string[];
  outputFormat: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `key=value` labels; both sides must be non-empty. */
export function parseLabels(specs: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const key = eq < 0 ? '' : spec.slice(0, eq);
    const value = eq < 0 ? '' : spec.slice(eq + 1);
    if (key === '' || value === '') {
      throw new UserError(
        `invalid label specified as parameter ${spec}: expected key=value with a non-empty key and value`,
      );
    }
    labels[key] = value;
  }
  return labels;
}

export function registerBuild(program: Command, ctx: CommandContext): void {
  program
    .command('build')
    .description(
      'validate a package folder and build its package image; write it as a docker-archive ' +
        'tarball (-o) and/or push it to every tag (--push)',
    )
    .argument('[source]', 'package folder')
    .option(
      '-t, --tag <reference>',
      'image reference to tag the image with (repeatable); required by -o and --push',
      collect,
      [],
    )
    .option('-o, --output <path>', 'write the tagged image to this tarball (docker-archive)')
    .option('--push', 'push the image to every tag', false)
    .option(
      '--insecure',
      'allow plain HTTP and skip TLS verification (push and digest lookups)',
      false,
    )
    .option('-l, --label <key=value>', 'image config label (repeatable)', collect, [])
    .option(
      '--output-format <format>',
      `what to print on success: ${outputFormats.join('|')} (digest: only the image digest)`,
      'human',
    )
    .action(async (arg: string | undefined, flags: BuildFlags) => {
      const source = requireSource(arg);
      if (source === '') throw new UserError('invalid arguments: source path empty');
      if (!(outputFormats as readonly string[]).includes(flags.outputFormat)) {
        throw new UserError(
          `invalid output format ${JSON.stringify(flags.outputFormat)}: one of ${outputFormats.join(', ')}`,
        );
      }
      const format = flags.outputFormat as OutputFormat;
      if ((flags.output !== undefined || flags.push) && flags.tag.length === 0) {
        throw new UserError('invalid arguments: output or push is requested but no tags are set');
      }
      const tags: string[] = [];
      for (const tag of flags.tag) {
        try {
          tags.push(formatReference(parseReference(tag)));
        } catch (err) {
          throw withContext(`invalid tag specified as parameter ${tag}`, err);
        }
      }
      const labels = parseLabels(flags.label);
      const log = ctx.logger().child({ verb: 'build' });

      let digest: string;
      try {
        let raw;
        try {
          raw = await importFolder(source);
        } catch (err) {
          throw withContext(`load source from disk path ${source}`, err);
        }
        const client = await registryClient(flags.insecure);
        try {
          const pkg = loadPackage(raw);
          await validatePackage(pkg, defaultRenderCapabilities(), {
            fixtures: { folder: source, store: diskFixtureStore },
          });
          await verifyLockDigests(
            pkg,
            (ref) => client.resolveDigest(ref),
            imageWithDigest,
            lookupImage,
          );
        } catch (err) {
          throw withContext('loading package from files', err);
        }
        const image = await buildPackageImage(raw.files, { labels });
        digest = image.digest;
        log.debug({ digest, files: raw.files.size }, 'built package image');
        if (flags.output !== undefined) {
          try {
            await mkdir(dirname(flags.output), { recursive: true });
            await writeArchive(flags.output, [{ image, tags }], 'docker');
          } catch (err) {
            throw withContext('exporting package to file', err);
          }
        }
        if (flags.push) {
          try {
            for (const tag of tags) {
              await client.pushImage(tag, image);
              log.debug({ tag, digest }, 'pushed package image');
            }
          } catch (err) {
            throw withContext('exporting package to image', err);
          }
        }
      } catch (err) {
        throw withContext('building from source', err);
      }
      ctx.io.stdout.write(format === 'digest' ? `${digest}\n` : 'Package built successfully!');
    });
}
