/**
 * Deploy plan: the (Cluster)ObjectDeployment a Package controller writes for a `PackageInstance`,
 * with objects moved into ObjectSlices when the chunking strategy says so (BinpackNextFit by
 * default: next-fit bins of 1 MiB of JSON per phase; no slices when a phase fits one bin).
 */
import { chunkingStrategies, type ChunkingStrategy } from '../apis/index.js';
import { instanceLabel, packageLabel, type PackageInstance } from './types.js';
import {
  objectSetTemplateSpec,
  type ObjectSetObject,
  type ObjectSetTemplateSpec,
} from './objectset-template.js';

export { chunkingStrategies, type ChunkingStrategy };

export const defaultSliceLimitBytes = 1024 * 1024;

/** The strategy named by the annotation value; anything unknown is BinpackNextFit. */
export function chunkingStrategyOf(annotation: string | undefined): ChunkingStrategy {
  return (chunkingStrategies as readonly string[]).includes(annotation ?? '')
    ? (annotation as ChunkingStrategy)
    : 'BinpackNextFit';
}

/** Splits a phase's objects into chunks; `[]` means "keep them inline". */
export function chunkObjects(
  objects: readonly ObjectSetObject[],
  strategy: ChunkingStrategy,
  limitBytes = defaultSliceLimitBytes,
): ObjectSetObject[][] {
  switch (strategy) {
    case 'NoOp':
      return [];
    case 'EachObject':
      return objects.map((o) => [o]);
    case 'BinpackNextFit': {
      const chunks: ObjectSetObject[][] = [];
      let current: ObjectSetObject[] = [];
      let size = 0;
      for (const o of objects) {
        const n = Buffer.byteLength(JSON.stringify(o.object), 'utf8');
        if (size > 0 && size + n > limitBytes) {
          chunks.push(current);
          current = [];
          size = 0;
        }
        current.push(o);
        size += n;
      }
      if (chunks.length === 0) return [];
      if (current.length > 0) chunks.push(current);
      return chunks;
    }
  }
}

/** FNV-1a 32 bit. */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** Kubernetes `rand.SafeEncodeString`: no vowels, no ambiguous characters. */
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++)
    out += safeAlphabet.charAt(s.charCodeAt(i) % safeAlphabet.length);
  return out;
}

export interface ObjectSlice {
  apiVersion: 'package-operator.run/v1alpha1';
  kind: 'ObjectSlice' | 'ClusterObjectSlice';
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  objects: ObjectSetObject[];
}

export interface DeployPlan {
  objectDeployment: {
    apiVersion: 'package-operator.run/v1alpha1';
    kind: 'ObjectDeployment' | 'ClusterObjectDeployment';
    metadata: {
      name: string;
      namespace?: string;
      labels: Record<string, string>;
      annotations: Record<string, string>;
    };
    spec: {
      selector: { matchLabels: Record<string, string> };
      template: { metadata: { labels: Record<string, string> }; spec: ObjectSetTemplateSpec };
    };
  };
  slices: ObjectSlice[];
}

export interface DeployPlanOptions {
  /** Package name (also the ObjectDeployment name). */
  name: string;
  /** Empty for a ClusterPackage. */
  namespace: string;
  /** Value of the `packages.package-operator.run/chunking-strategy` annotation. */
  chunkingStrategy?: string;
  sliceLimitBytes?: number;
  /** Annotations `package-operator.run/package-source-image` and `/package-config`. */
  sourceImage?: string;
  config?: Record<string, unknown>;
  /** Bumped when a slice name collides with a different slice. */
  collisionCount?: number;
}

/** The ObjectDeployment and ObjectSlices for a rendered package. */
export function planDeployment(instance: PackageInstance, opts: DeployPlanOptions): DeployPlan {
  const template = objectSetTemplateSpec(instance);
  const strategy = chunkingStrategyOf(opts.chunkingStrategy);
  const labels = {
    [packageLabel]: instance.manifest.metadata.name,
    [instanceLabel]: opts.name,
  };
  const cluster = opts.namespace === '';
  const slices: ObjectSlice[] = [];
  for (const phase of template.phases) {
    const chunks = chunkObjects(phase.objects, strategy, opts.sliceLimitBytes);
    if (chunks.length === 0) continue;
    phase.slices = chunks.map((objects) => {
      const hash = fnv32a(`${JSON.stringify(objects)}/${opts.collisionCount ?? 0}`);
      const name = `${opts.name}-${safeEncode(String(hash))}`;
      slices.push({
        apiVersion: 'package-operator.run/v1alpha1',
        kind: cluster ? 'ClusterObjectSlice' : 'ObjectSlice',
        metadata: {
          name,
          ...(cluster ? {} : { namespace: opts.namespace }),
          labels: { 'slices.package-operator.run/owner': opts.name },
        },
        objects,
      });
      return name;
    });
    phase.objects = [];
  }
  const annotations: Record<string, string> = {};
  if (opts.sourceImage !== undefined) {
    annotations['package-operator.run/package-source-image'] = opts.sourceImage;
  }
  if (opts.config !== undefined) {
    annotations['package-operator.run/package-config'] = JSON.stringify(opts.config);
  }
  return {
    objectDeployment: {
      apiVersion: 'package-operator.run/v1alpha1',
      kind: cluster ? 'ClusterObjectDeployment' : 'ObjectDeployment',
      metadata: {
        name: opts.name,
        ...(cluster ? {} : { namespace: opts.namespace }),
        labels,
        annotations,
      },
      spec: {
        selector: { matchLabels: { ...labels } },
        template: { metadata: { labels: { ...labels } }, spec: template },
      },
    },
    slices,
  };
}
