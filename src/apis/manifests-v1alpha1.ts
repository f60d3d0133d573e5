/**
 * `manifests.package-operator.run/v1alpha1`: PackageManifest (`manifest.yaml`) and PackageManifestLock
 * (`manifest.lock.yaml`). File formats, not CRDs. Parsing also runs Package Operator's manifest checks
 * with its messages (`spec.scopes: Required value`, `... must be unique`); the config schema itself
 * (`spec.config.openAPIV3Schema`) is checked by the package loader.
 */
import type { JSONSchemaProps } from './openapi.js';
import { fieldMessages, s, type FieldIssue, type Infer } from './schema.js';
import { objectMeta } from './meta.js';
import { objectSetProbe } from './core-v1alpha1.js';
import { defineKind, type KindType } from './kind.js';

export const group = 'manifests.package-operator.run';
export const version = 'v1alpha1';

export const packageManifestScopes = ['Cluster', 'Namespaced'] as const;
export type PackageManifestScope = (typeof packageManifestScopes)[number];

export const platformNames = ['Kubernetes', 'OpenShift'] as const;
export type PlatformName = (typeof platformNames)[number];

function requiredNonEmpty(value: readonly unknown[]): FieldIssue[] {
  return value.length === 0 ? [{ message: fieldMessages.required() }] : [];
}

/** `<list>[i].<key>` must be unique; Package Operator reports `Invalid value: "x": must be unique`. */
function uniqueBy<I>(key: keyof I & string, skipEmpty = false) {
  return (items: readonly I[]): FieldIssue[] => {
    const seen = new Set<unknown>();
    const issues: FieldIssue[] = [];
    items.forEach((item, i) => {
      const value = item[key];
      if (skipEmpty && (value === '' || value === undefined)) return;
      if (seen.has(value))
        issues.push({ path: [i, key], message: fieldMessages.invalid(value, 'must be unique') });
      seen.add(value);
    });
    return issues;
  };
}

function nonEmptyFields<I>(...keys: (keyof I & string)[]) {
  return (items: readonly I[]): FieldIssue[] =>
    items.flatMap((item, i) =>
      keys
        .filter((k) => item[k] === '')
        .map((k) => ({ path: [i, k], message: fieldMessages.invalid('', 'must be non empty') })),
    );
}

const configMapKey = /^[-._a-zA-Z0-9]+$/;

/** Kubernetes `IsConfigMapKey`: what a test case name must be. */
export function configMapKeyErrors(key: string): string[] {
  const errs: string[] = [];
  if (key.length > 253) errs.push('must be no more than 253 characters');
  if (!configMapKey.test(key)) {
    errs.push(
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' " +
        "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    );
  }
  if (key === '.') errs.push("must not be '.'");
  else if (key === '..') errs.push("must not be '..'");
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

// ---------------------------------------------------------------------------------------------------
// Template context (test cases, and what templates see)

const templateContextObjectMeta = s.object({
  name: s.string().optional(),
  namespace: s.string().optional(),
  labels: s.map(s.string()).optional(),
  annotations: s.map(s.string()).optional(),
});
export type TemplateContextObjectMeta = Infer<typeof templateContextObjectMeta>;

export const packageEnvironment = s.object({
  kubernetes: s
    .object({ version: s.string().optional().description('Kubernetes server version.') })
    .optional(),
  openShift: s
    .object({
      version: s.string().optional().description('OpenShift server version.'),
      managed: s.object({ data: s.map(s.string()).optional() }).optional(),
    })
    .optional(),
  proxy: s
    .object({
      httpProxy: s.string().optional(),
      httpsProxy: s.string().optional(),
      noProxy: s.string().optional(),
    })
    .optional(),
  hyperShift: s
    .object({
      hostedCluster: s
        .object({
          metadata: templateContextObjectMeta.optional(),
          hostedClusterNamespace: s.string().optional(),
          nodeSelector: s.map(s.string()).optional(),
        })
        .optional(),
    })
    .optional(),
});
export type PackageEnvironment = Infer<typeof packageEnvironment>;

export const templateContext = s.object({
  package: s
    .object({
      metadata: templateContextObjectMeta.optional(),
      image: s.string().optional(),
    })
    .optional(),
  config: s.freeform().optional(),
  environment: packageEnvironment.optional(),
});
export type TemplateContext = Infer<typeof templateContext>;

// ---------------------------------------------------------------------------------------------------
// PackageManifest

export const packageManifestPhase = s.object({
  name: s
    .string()
    .description('Name of the reconcile phase. Must be unique within a PackageManifest'),
  class: s
    .string()
    .optional()
    .description('If non empty, phase reconciliation is delegated to another controller.'),
});
export type PackageManifestPhase = Infer<typeof packageManifestPhase>;

export const packageManifestImage = s.object({
  name: s.string().description('Image name to be use to reference it in the templates'),
  image: s.string().description('Image identifier (REPOSITORY[:TAG])'),
});
export type PackageManifestImage = Infer<typeof packageManifestImage>;

export const packageManifestFilter = s.object({
  conditions: s
    .array(s.object({ name: s.string(), expression: s.string() }))
    .optional()
    .description('Reusable CEL expressions, usable as cond.<name>.'),
  paths: s
    .array(s.object({ glob: s.string(), expression: s.string() }))
    .optional()
    .description('CEL conditions on file system paths matching a glob pattern.'),
});
export type PackageManifestFilter = Infer<typeof packageManifestFilter>;

export const packageManifestConstraint = s.object({
  platformVersion: s
    .object({
      name: s.enum(platformNames),
      range: s.string().description('Semantic Versioning 2.0.0 version range.'),
    })
    .optional(),
  platform: s.array(s.enum(platformNames)).optional(),
  uniqueInScope: s.object({}).optional(),
});
export type PackageManifestConstraint = Infer<typeof packageManifestConstraint>;

export const packageManifestRepository = s.object({
  file: s.string().optional(),
  image: s.string().optional(),
});

export const packageManifestDependency = s.object({
  image: s
    .object({
      name: s.string(),
      package: s.string().description('Package FQDN <package-name>.<repository name>'),
      range: s.string(),
    })
    .optional(),
});
export type PackageManifestDependency = Infer<typeof packageManifestDependency>;

export const packageManifestSpec = s.object({
  scopes: s.array(s.enum(packageManifestScopes)).check(requiredNonEmpty),
  phases: s
    .array(packageManifestPhase)
    .check(requiredNonEmpty)
    .check(uniqueBy<PackageManifestPhase>('name')),
  availabilityProbes: s
    .array(objectSetProbe)
    .optional()
    .check((probes) =>
      probes.flatMap((p, i) =>
        p.probes.length === 0 ? [{ path: [i, 'probes'], message: fieldMessages.required() }] : [],
      ),
    ),
  config: s.object({ openAPIV3Schema: s.freeform<JSONSchemaProps>().optional() }).optional(),
  images: s
    .array(packageManifestImage)
    .optional()
    .check((images) => [
      ...nonEmptyFields<PackageManifestImage>('name', 'image')(images),
      ...uniqueBy<PackageManifestImage>('name', true)(images),
    ]),
  components: s.object({}).optional(),
  filter: packageManifestFilter.optional(),
  constraints: s.array(packageManifestConstraint).optional(),
  repositories: s.array(packageManifestRepository).optional(),
  dependencies: s.array(packageManifestDependency).optional(),
});
export type PackageManifestSpec = Infer<typeof packageManifestSpec>;

export const packageManifestTest = s.object({
  template: s
    .array(s.object({ name: s.string(), context: templateContext.optional() }))
    .optional()
    .check((cases) =>
      cases.flatMap((c, i) => {
        const errs = configMapKeyErrors(c.name);
        return errs.length === 0
          ? []
          : [{ path: [i, 'name'], message: fieldMessages.invalid(c.name, errs.join(', ')) }];
      }),
    ),
  kubeconform: s
    .object({
      kubernetesVersion: s
        .string()
        .check((v) => (v === '' ? [{ message: fieldMessages.required() }] : [])),
      schemaLocations: s.array(s.string()).optional(),
    })
    .optional(),
});
export type PackageManifestTest = Infer<typeof packageManifestTest>;

const manifestMetadata = s
  .object({
    name: s.string().check((v) => (v === '' ? [{ message: fieldMessages.required() }] : [])),
    namespace: s.string().optional(),
    labels: s.map(s.string()).optional(),
    annotations: s.map(s.string()).optional(),
  })
  .preserveUnknown();

export const PackageManifest = defineKind(
  {
    group,
    version,
    kind: 'PackageManifest',
    plural: 'packagemanifests',
    scope: 'Namespaced',
    description: 'PackageManifest defines the manifest of a package.',
  },
  manifestMetadata,
  {
    spec: packageManifestSpec,
    test: packageManifestTest.optional(),
  },
);
export type PackageManifest = KindType<typeof PackageManifest>;

// ---------------------------------------------------------------------------------------------------
// PackageManifestLock

export const packageManifestLockImage = s.object({
  name: s.string().description('Image name to be use to reference it in the templates'),
  image: s.string().description('Image identifier (REPOSITORY[:TAG])'),
  digest: s.string().description('Image digest'),
});
export type PackageManifestLockImage = Infer<typeof packageManifestLockImage>;

export const packageManifestLockDependency = s.object({
  name: s.string(),
  image: s.string(),
  digest: s.string(),
  version: s.string().description('Version of the dependency that has been chosen.'),
});
export type PackageManifestLockDependency = Infer<typeof packageManifestLockDependency>;

export const PackageManifestLock = defineKind(
  {
    group,
    version,
    kind: 'PackageManifestLock',
    plural: 'packagemanifestlocks',
    scope: 'Namespaced',
    description: 'PackageManifestLock allows locking packages to specific versions.',
  },
  objectMeta.default({}),
  {
    spec: s.object({
      images: s
        .array(packageManifestLockImage)
        .default([])
        .check((images) => [
          ...nonEmptyFields<PackageManifestLockImage>('name', 'image', 'digest')(images),
          ...uniqueBy<PackageManifestLockImage>('name', true)(images),
        ]),
      dependencies: s.array(packageManifestLockDependency).optional(),
    }),
  },
);
export type PackageManifestLock = KindType<typeof PackageManifestLock>;

// ---------------------------------------------------------------------------------------------------
// Repository / RepositoryEntry (`kubectl package repo`: a multi-document YAML index of packages)

export const Repository = defineKind(
  {
    group,
    version,
    kind: 'Repository',
    plural: 'repositories',
    scope: 'Namespaced',
    description: 'Repository is the header document of a package repository index.',
  },
  manifestMetadata,
  {},
);
export type Repository = KindType<typeof Repository>;

export const repositoryEntryData = s.object({
  image: s.string().description('OCI host/repository and name, e.g. quay.io/xxx/xxx.'),
  digest: s.string().description('Image digest uniquely identifying this image.'),
  versions: s.array(s.string()).description('Semver V2 versions that are assigned to the package.'),
  constraints: s
    .array(packageManifestConstraint)
    .optional()
    .description('Constraints of the package.'),
  name: s.string().optional().description('Name of the package.'),
});
export type RepositoryEntryData = Infer<typeof repositoryEntryData>;

export const RepositoryEntry = defineKind(
  {
    group,
    version,
    kind: 'RepositoryEntry',
    plural: 'repositoryentries',
    scope: 'Namespaced',
    description: 'RepositoryEntry describes one package image of a repository.',
  },
  objectMeta.default({}),
  { data: repositoryEntryData },
);
export type RepositoryEntry = KindType<typeof RepositoryEntry>;
