/**
 * The render context of the CLI previews (`tree`, `render`): package metadata from the chosen test
 * case (or `name`/`namespace`), config from a file, a test case or the first test case, static
 * images, and cluster scope for `--cluster` or an empty namespace.
 */
import { UserError } from '../errors.js';
import { admitConfig } from './config.js';
import { buildTemplateContext, staticImages } from './context.js';
import { FieldErrorList } from './errors.js';
import type { Package, TemplateContext } from './types.js';

export interface PreviewOptions {
  cluster?: boolean;
  /** Config read from `--config-path` (already parsed). */
  config?: Record<string, unknown>;
  configTestcase?: string;
  environment?: Record<string, unknown>;
  /** Override the package name / namespace of the test case (or the `name`/`namespace` default). */
  name?: string;
  namespace?: string;
}

export function previewContext(pkg: Package, opts: PreviewOptions = {}): TemplateContext {
  const cases = pkg.manifest.test.template;
  let tc = cases[0];
  if (opts.configTestcase) {
    tc = cases.find((c) => c.name === opts.configTestcase);
    if (!tc) {
      throw new UserError(
        `invalid arguments: test template with name ${opts.configTestcase} not found`,
      );
    }
  }
  const meta = tc?.context.package?.metadata;
  let name = 'name';
  let namespace = 'namespace';
  if (tc) {
    name = meta?.name ?? '';
    namespace = meta?.namespace ?? '';
  }
  const rawConfig = opts.config ?? tc?.context.config ?? {};
  const admitted = admitConfig(pkg.manifest, rawConfig, 'spec.config');
  if (admitted.errors.length > 0) throw new FieldErrorList(admitted.errors);
  if (opts.name !== undefined) name = opts.name;
  if (opts.namespace !== undefined) namespace = opts.namespace;
  if (opts.cluster) namespace = '';
  return buildTemplateContext({
    name,
    namespace,
    ...(meta?.labels ? { labels: meta.labels } : {}),
    ...(meta?.annotations ? { annotations: meta.annotations } : {}),
    ...(tc?.context.package?.image !== undefined ? { image: tc.context.package.image } : {}),
    config: admitted.config,
    images: staticImages(pkg.manifest),
    environment: opts.environment ?? {},
  });
}
