/**
 * Shared by the package verbs (`tree`, `render`, `validate`): loading a package folder and the
 * preview flags (`--cluster`, `--config-path`, `--config-testcase`, `--component`).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import {
  importFolder,
  loadPackage,
  parseYaml,
  previewContext,
  pullPackage,
  type RawPackage,
  renderPackage,
  type Package,
  type PackageInstance,
  type TemplateContext,
} from '../../packages/index.js';
import { defaultRenderCapabilities } from '../../packages/engines.js';
import { ViolationError, violationReasons, withContext } from '../../packages/errors.js';

export interface PreviewFlags {
  pull?: boolean;
  insecure?: boolean;
  cluster?: boolean;
  configPath?: string;
  configTestcase?: string;
  component?: string;
  name?: string;
  namespace?: string;
}

/** The single source argument (cobra's message when it is missing). */
export function requireSource(arg: string | undefined): string {
  if (arg === undefined) throw new UserError('accepts 1 arg(s), received 0');
  return arg;
}

/** Pulls a package image for `--pull` (credentials from the docker config). */
export async function pullSource(reference: string, insecure: boolean): Promise<RawPackage> {
  try {
    return (await pullPackage(reference, { insecure })).raw;
  } catch (err) {
    throw withContext('getting package from remote reference', err);
  }
}

export function addPreviewFlags(cmd: Command): Command {
  return cmd
    .option(
      '--pull',
      'read the package from the image at this reference instead of a folder',
      false,
    )
    .option('--insecure', 'allow plain HTTP and skip TLS verification for --pull', false)
    .option('--cluster', 'render the package cluster-scoped (as a ClusterPackage)', false)
    .option('--config-path <file>', 'read the package config from this YAML file')
    .option('--config-testcase <name>', 'use the config and metadata of this test.template case')
    .option('--component <name>', 'render this component of a multi-component package')
    .option('--name <name>', 'package name to render with (overrides the test case)')
    .option(
      '-n, --namespace <namespace>',
      'package namespace to render with (overrides the test case)',
    );
}

/** Reads a `--config-path` file: a YAML (or JSON) map. */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UserError(`getting config: read config from file: ${(err as Error).message}`, {
      cause: err,
    });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (err) {
    throw new UserError(
      `getting config: unmarshal config from file ${path}: ${(err as Error).message}`,
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(`getting config: unmarshal config from file ${path}: not a YAML map`);
  }
  return value as Record<string, unknown>;
}

export interface Preview {
  pkg: Package;
  context: TemplateContext;
  instance: PackageInstance;
}

/** Loads and renders a package folder the way `tree` and `render` show it. */
export async function renderPreview(source: string, flags: PreviewFlags): Promise<Preview> {
  if (flags.configPath !== undefined && flags.configTestcase !== undefined) {
    throw new UserError(
      'if any flags in the group [config-path config-testcase] are set none of the others can be; [config-path config-testcase] were all set',
    );
  }
  const raw = flags.pull
    ? await pullSource(source, flags.insecure ?? false)
    : await importFolder(source);
  const pkg = loadPackage(raw, flags.component ? { component: flags.component } : {});
  const config =
    flags.configPath === undefined ? undefined : await readConfigFile(flags.configPath);
  const context = previewContext(pkg, {
    ...(flags.cluster ? { cluster: true } : {}),
    ...(config ? { config } : {}),
    ...(flags.configTestcase !== undefined ? { configTestcase: flags.configTestcase } : {}),
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
  });
  let instance: PackageInstance;
  try {
    instance = renderPackage(pkg, context, defaultRenderCapabilities());
  } catch (err) {
    if (
      err instanceof ViolationError &&
      err.violation.reason === violationReasons.unsupportedScope
    ) {
      const hint =
        context.package.metadata.namespace === ''
          ? 'the package is namespaced: give one with --namespace'
          : 'try --cluster';
      throw new UserError(`${err.message} (${hint})`, { cause: err });
    }
    throw err;
  }
  return { pkg, context, instance };
}
