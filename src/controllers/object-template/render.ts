/**
 * Render step of the ObjectTemplate reconcile: Go template with the ObjectTemplate function set
 * and `{config, environment}` as dot, then YAML into exactly one object. Pure.
 */
import { parse as parseYaml } from 'yaml';
import { fromJSON, objectTemplateFuncs, parseTemplates } from '../../gotemplate/index.js';
import { errorMessage } from '../../errors.js';
import type { KubeObject } from '../../kube/index.js';

export type RenderResult = { ok: true; object: KubeObject } | { ok: false; message: string };

export function renderTemplate(
  template: string,
  config: Record<string, unknown>,
  environment: Record<string, unknown> = {},
): RenderResult {
  let text: string;
  try {
    const set = parseTemplates({ template }, { funcs: objectTemplateFuncs() });
    text = set.execute('template', fromJSON({ config, environment }), { missingkey: 'error' });
  } catch (err) {
    return { ok: false, message: errorMessage(err) };
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return { ok: false, message: `rendered template is not YAML: ${errorMessage(err)}` };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { ok: false, message: 'rendered template is not one object' };
  }
  const o = doc as Record<string, unknown>;
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
    return { ok: false, message: 'rendered object has no apiVersion or kind' };
  }
  if (meta === undefined || typeof meta !== 'object' || typeof meta.name !== 'string') {
    return { ok: false, message: 'rendered object has no metadata.name' };
  }
  return { ok: true, object: o as KubeObject };
}
