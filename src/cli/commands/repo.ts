/**
 * `packsync repository` (alias `repo`): manages a package repository index file: `init` creates
 * it, `add`/`remove` pull a package image and add or remove its entry, `push`/`pull` move the index
 * as an OCI image (one layer holding `repository/repository.yaml`). Messages follow Package
 * Operator's `kubectl package repo`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import {
  assembleImage,
  mediaTypes,
  parseReference,
  repositoryName,
  sha256Digest,
  RegistryError,
  type Descriptor,
  type Image,
  type ImageReference,
  type RegistryClient,
} from '../../oci/index.js';
import { gzipDeterministic, readTar, writeTar } from '../../oci/tar.js';
import { withContext } from '../../packages/errors.js';
import { importImage, loadPackage } from '../../packages/index.js';
import {
  addEntry,
  checkVersion,
  encodeRepository,
  newRepository,
  parseRepository,
  removeEntry,
  repositoryImagePath,
  type RepositoryIndex,
} from '../../packages/repository.js';
import type { CommandContext } from '../main.js';
import { registryClient } from './registry-access.js';

/** Go's `os.Open` wording for the common file errors. */
function fileError(op: string, path: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  const text =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : (err as Error).message;
  return new UserError(`${op} ${path}: ${text}`, { cause: err });
}

async function loadRepositoryFile(path: string): Promise<RepositoryIndex> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw fileError('open', path, err);
  }
  return parseRepository(text);
}

async function saveRepositoryFile(path: string, repo: RepositoryIndex): Promise<void> {
  try {
    await writeFile(path, encodeRepository(repo), { mode: 0o600 });
  } catch (err) {
    throw withContext('write to file', fileError('open', path, err));
  }
}

function exactArgs(args: readonly string[], n: number): void {
  if (args.length !== n) throw new UserError(`accepts ${n} arg(s), received ${args.length}`);
}

/** `<file> <second>` with both required and non-empty, checked in PKO's order (second first). */
function fileAnd(args: readonly string[], second: string): [file: string, value: string] {
  exactArgs(args, 2);
  const [file = '', value = ''] = args;
  if (value === '') throw new UserError(`arguments invalid: ${second} must be not empty`);
  if (file === '') throw new UserError('arguments invalid: file must be not empty');
  return [file, value];
}

function parseRef(input: string): ImageReference {
  try {
    return parseReference(input);
  } catch (err) {
    throw new UserError(`could not parse reference: ${input}`, { cause: err });
  }
}

/** Loopback registries are reached over plain HTTP, like go-containerregistry does. */
function isLoopback(ref: ImageReference): boolean {
  const host = ref.registry.replace(/:\d+$/, '');
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

async function clientFor(ref: ImageReference, insecure: boolean): Promise<RegistryClient> {
  return registryClient(insecure || isLoopback(ref));
}

/** The pulled package's name and hex digest (what a repository entry records). */
async function pullPackageEntry(
  ref: ImageReference,
  insecure: boolean,
): Promise<{ name: string; digest: string; constraints: unknown[] }> {
  let pulled: { digest: string; image: Image };
  try {
    pulled = await (await clientFor(ref, insecure)).fetchImage(ref);
  } catch (err) {
    throw withContext('pull package image', err);
  }
  let raw;
  try {
    raw = await importImage(pulled.image);
  } catch (err) {
    throw withContext('raw package from package image', err);
  }
  let pkg;
  try {
    pkg = loadPackage(raw, { component: '', skipLockConsistency: true });
  } catch (err) {
    throw withContext('package from raw package', err);
  }
  return {
    name: pkg.manifest.metadata.name,
    digest: pulled.digest.replace(/^sha256:/, ''),
    constraints: pkg.manifest.spec.constraints,
  };
}

/** The repository image: one gzip layer holding the index file, reproducible. */
async function repositoryImage(text: string): Promise<Image> {
  const tar = await writeTar([{ path: repositoryImagePath, data: Buffer.from(text) }]);
  const layer = gzipDeterministic(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      created: '1970-01-01T00:00:00Z',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
    }),
  );
  const configDesc: Descriptor = {
    mediaType: mediaTypes.ociConfig,
    size: config.byteLength,
    digest: sha256Digest(config),
  };
  const layerDesc: Descriptor = {
    mediaType: mediaTypes.ociLayerGzip,
    size: layer.byteLength,
    digest: sha256Digest(layer),
  };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: configDesc,
      layers: [layerDesc],
    }),
  );
  return assembleImage(manifest, (d) => (d.digest === configDesc.digest ? config : layer));
}

/** Go's `unexpected status code` wording for registry refusals. */
function statusText(err: unknown): unknown {
  if (err instanceof RegistryError && err.status === 401) {
    return new UserError(`unexpected status code 401 Unauthorized: ${err.message}`, { cause: err });
  }
  return err;
}

export function registerRepo(program: Command, ctx: CommandContext): void {
  const repo = program
    .command('repository')
    .alias('repo')
    .description('manage a package repository index file (init, add, remove, pull, push)');
  const insecureHelp = 'allow plain HTTP and skip TLS verification (loopback registries use HTTP)';

  repo
    .command('initialize')
    .usage('<file> <name>')
    .alias('init')
    .description('create a new repository index in <file> named <name>')
    .argument('[args...]', 'file name')
    .action(async (args: string[]) => {
      const [file, name] = fileAnd(args, 'name');
      await saveRepositoryFile(file, newRepository(name));
    });

  repo
    .command('add')
    .usage('[options] <file> <package-reference> <version...>')
    .description('pull a package image and add it with the given versions to the index in <file>')
    .argument('[args...]', 'file package-reference version...')
    .option('--insecure', insecureHelp, false)
    .action(async (args: string[], flags: { insecure: boolean }) => {
      if (args.length < 3) {
        throw new UserError(`requires at least 3 arg(s), only received ${args.length}`);
      }
      const [file = '', refText = '', ...versions] = args;
      let ref: ImageReference;
      try {
        ref = parseRef(refText);
      } catch (err) {
        throw withContext('package reference', err);
      }
      for (const v of versions) {
        try {
          checkVersion(v);
        } catch (err) {
          throw withContext('version', err);
        }
      }
      const index = await loadRepositoryFile(file);
      const pkg = await pullPackageEntry(ref, flags.insecure);
      try {
        addEntry(index, {
          name: pkg.name,
          image: repositoryName(ref),
          digest: pkg.digest,
          versions,
          ...(pkg.constraints.length > 0 ? { constraints: pkg.constraints } : {}),
        });
      } catch (err) {
        throw withContext('add new entry', err);
      }
      await saveRepositoryFile(file, index);
      ctx.logger().debug({ file, package: pkg.name, digest: pkg.digest }, 'repository entry added');
    });

  repo
    .command('remove')
    .usage('[options] <file> <package-reference>')
    .description('pull a package image and remove its entry from the index in <file>')
    .argument('[args...]', 'file package-reference')
    .option('--insecure', insecureHelp, false)
    .action(async (args: string[], flags: { insecure: boolean }) => {
      exactArgs(args, 2);
      const [file = '', refText = ''] = args;
      let ref: ImageReference;
      try {
        ref = parseRef(refText);
      } catch (err) {
        throw withContext('given package reference', err);
      }
      let index: RepositoryIndex;
      try {
        index = await loadRepositoryFile(file);
      } catch (err) {
        throw withContext('read from file', err);
      }
      const pkg = await pullPackageEntry(ref, flags.insecure);
      try {
        removeEntry(index, pkg.name, pkg.digest);
      } catch (err) {
        throw withContext('remove entry', err);
      }
      await saveRepositoryFile(file, index);
    });

  repo
    .command('pull')
    .usage('[options] <file> <tag>')
    .description('pull a repository index image from <tag> and write it to <file>')
    .argument('[args...]', 'file tag')
    .option('--insecure', insecureHelp, false)
    .action(async (args: string[], flags: { insecure: boolean }) => {
      const [file, tag] = fileAnd(args, 'tag');
      let index: RepositoryIndex | undefined;
      try {
        let ref: ImageReference;
        try {
          ref = parseRef(tag);
        } catch (err) {
          throw withContext(`parsing reference ${JSON.stringify(tag)}`, err);
        }
        const { image } = await (await clientFor(ref, flags.insecure)).fetchImage(ref);
        for (const layer of image.layers) {
          const entries = await readTar(layer, {
            what: 'repository image layer',
            gzip: 'auto',
            links: 'keep',
            keepData: (p) => p === repositoryImagePath,
          });
          for (const e of entries) {
            if (e.type === 'file' && e.path === repositoryImagePath) {
              index = parseRepository(e.data.toString('utf8'));
            }
          }
        }
      } catch (err) {
        throw withContext('pull repository image', statusText(err));
      }
      if (!index) throw new UserError('image does not contain repository');
      await saveRepositoryFile(file, index);
    });

  repo
    .command('push')
    .usage('[options] <file> <tag>')
    .description('push the repository index in <file> as an image to <tag>')
    .argument('[args...]', 'file tag')
    .option('--insecure', insecureHelp, false)
    .action(async (args: string[], flags: { insecure: boolean }) => {
      const [file, tag] = fileAnd(args, 'tag');
      let index: RepositoryIndex;
      try {
        index = await loadRepositoryFile(file);
      } catch (err) {
        throw withContext('read from file', err);
      }
      const image = await repositoryImage(encodeRepository(index, new Date(0)));
      try {
        const ref = parseRef(tag);
        await (await clientFor(ref, flags.insecure)).pushImage(ref, image);
      } catch (err) {
        throw withContext('push repository image', statusText(err));
      }
      ctx.logger().debug({ tag, digest: image.digest }, 'repository image pushed');
    });
}
