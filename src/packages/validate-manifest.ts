/**
 * PackageManifest rules beyond its types: required fields, unique phases, non-empty probes, image
 * names, filter condition names, constraint ranges, test case names and test configs.
 */
import semver from 'semver';
import { configMapKeyErrors } from '../apis/index.js';
import type { FieldError } from './errors.js';
import type { PackageManifest } from './manifest.js';
import { validateConfig } from './config.js';

const conditionNameRe = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

export function validateManifest(m: PackageManifest): FieldError[] {
  const errs: FieldError[] = [];
  if (!m.metadata.name) errs.push({ type: 'Required', field: 'metadata.name' });
  if (m.spec.scopes.length === 0) errs.push({ type: 'Required', field: 'spec.scopes' });
  if (m.spec.phases.length === 0) errs.push({ type: 'Required', field: 'spec.phases' });
  const phases = new Set<string>();
  m.spec.phases.forEach((p, i) => {
    if (phases.has(p.name)) {
      errs.push({
        type: 'Invalid',
        field: `spec.phases[${i}].name`,
        value: p.name,
        detail: 'must be unique',
      });
    }
    phases.add(p.name);
  });
  m.spec.availabilityProbes.forEach((p, i) => {
    const probes = (p as { probes?: unknown }).probes;
    if (!Array.isArray(probes) || probes.length === 0) {
      errs.push({ type: 'Required', field: `spec.availabilityProbes[${i}].probes` });
    }
  });
  const images = new Set<string>();
  m.spec.images.forEach((img, i) => {
    if (img.name.length === 0) {
      errs.push({
        type: 'Invalid',
        field: `spec.images[${i}].name`,
        value: img.name,
        detail: 'must be non empty',
      });
    } else if (images.has(img.name)) {
      errs.push({
        type: 'Invalid',
        field: `spec.images[${i}].name`,
        value: img.name,
        detail: 'must be unique',
      });
    } else {
      images.add(img.name);
    }
    if (img.image.length === 0) {
      errs.push({
        type: 'Invalid',
        field: `spec.images[${i}].image`,
        value: img.image,
        detail: 'must be non empty',
      });
    }
  });
  const conditions = new Set<string>();
  m.spec.filter.conditions.forEach((c, i) => {
    const field = `spec.filter.conditions[${i}].name`;
    if (!conditionNameRe.test(c.name)) {
      errs.push({
        type: 'Invalid',
        field,
        value: c.name,
        detail: `must match ${conditionNameRe.source}`,
      });
    } else if (conditions.has(c.name)) {
      errs.push({ type: 'Invalid', field, value: c.name, detail: 'must be unique' });
    }
    conditions.add(c.name);
    if (!c.expression) {
      errs.push({ type: 'Required', field: `spec.filter.conditions[${i}].expression` });
    }
  });
  m.spec.filter.paths.forEach((p, i) => {
    if (!p.glob) errs.push({ type: 'Required', field: `spec.filter.paths[${i}].glob` });
    if (!p.expression) errs.push({ type: 'Required', field: `spec.filter.paths[${i}].expression` });
  });
  m.spec.constraints.forEach((c, i) => {
    if (!c.platformVersion) return;
    const at = `spec.constraints[${i}].platformVersion`;
    if (!c.platformVersion.name) errs.push({ type: 'Required', field: `${at}.name` });
    if (!c.platformVersion.range) {
      errs.push({ type: 'Required', field: `${at}.range` });
    } else if (semver.validRange(c.platformVersion.range) === null) {
      errs.push({
        type: 'Invalid',
        field: `${at}.range`,
        value: c.platformVersion.range,
        detail: 'improper constraint',
      });
    }
  });
  const schema = m.spec.config.openAPIV3Schema;
  m.test.template.forEach((t, i) => {
    const keyErrs = configMapKeyErrors(t.name);
    if (keyErrs.length > 0) {
      errs.push({
        type: 'Invalid',
        field: `test.template[${i}].name`,
        value: t.name,
        detail: keyErrs.join(', '),
      });
    }
    errs.push(
      ...validateConfig(schema, t.context.config ?? {}, `test.template[${i}].context.config`),
    );
  });
  if (m.test.kubeconform && !m.test.kubeconform.kubernetesVersion) {
    errs.push({ type: 'Required', field: 'test.kubeconform.kubernetesVersion' });
  }
  return errs;
}
