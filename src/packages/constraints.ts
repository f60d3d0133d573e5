/**
 * `spec.constraints` checked against the environment of a render. Unlike Package Operator, a
 * failed constraint blocks the render. `uniqueInScope` needs the cluster and is checked by the
 * Package controller, not here.
 */
import semver from 'semver';
import { ViolationError, violationReasons } from './errors.js';
import type { PackageManifest } from './manifest.js';
import type { TemplateContext } from './types.js';

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function versionOf(env: Record<string, unknown>, platform: string): string | undefined {
  const key =
    platform === 'OpenShift' ? 'openShift' : platform === 'Kubernetes' ? 'kubernetes' : '';
  const section = key ? env[key] : undefined;
  if (!isObj(section)) return undefined;
  return typeof section.version === 'string' && section.version !== ''
    ? section.version
    : undefined;
}

/** The failed constraints' messages (empty when all hold). */
export function failedConstraints(manifest: PackageManifest, ctx: TemplateContext): string[] {
  const env = ctx.environment;
  const platform = isObj(env.openShift) ? 'OpenShift' : 'Kubernetes';
  const failed: string[] = [];
  for (const c of manifest.spec.constraints) {
    if (c.platform && c.platform.length > 0 && !c.platform.includes(platform)) {
      failed.push(`Platform ${platform} is not one of [${c.platform.join(', ')}]`);
    }
    if (c.platformVersion) {
      const { name, range } = c.platformVersion;
      const raw = versionOf(env, name);
      const version = raw === undefined ? null : semver.coerce(raw, { includePrerelease: true });
      if (!version) {
        failed.push(`${name} version is unknown, need ${range}`);
      } else if (!semver.satisfies(version, range, { includePrerelease: true })) {
        failed.push(`${name} version ${raw ?? ''} does not satisfy ${range}`);
      }
    }
  }
  return failed;
}

export function checkConstraints(manifest: PackageManifest, ctx: TemplateContext): void {
  const failed = failedConstraints(manifest, ctx);
  if (failed.length > 0) {
    throw new ViolationError({
      reason: violationReasons.constraintsFailed,
      details: failed.join(', '),
    });
  }
}
