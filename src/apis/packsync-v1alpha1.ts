/**
 * `packsync.dev/v1alpha1`: GitSync (namespaced) and ClusterGitSync. A GitSync points at a path in a Git
 * repository; every new commit there becomes one revision of the GitSync's ObjectDeployment.
 */
import { fieldMessages, s, type FieldIssue, type Infer } from './schema.js';
import { conditions, objectMeta } from './meta.js';
import { durationPattern } from './duration.js';
import {
  ageColumn,
  conditionColumn,
  defineKind,
  type KindType,
  type PrinterColumn,
} from './kind.js';

export const group = 'packsync.dev';
export const version = 'v1alpha1';
const categories = ['packsync'] as const;

export const gitRefKinds = ['branch', 'tag', 'semver', 'commit'] as const;
export type GitRefKind = (typeof gitRefKinds)[number];

export const gitRef = s
  .object({
    branch: s.string().minLength(1).optional().description('Branch to follow.'),
    tag: s.string().minLength(1).optional().description('Tag to check out.'),
    semver: s
      .string()
      .minLength(1)
      .optional()
      .description('Semantic version range: the highest matching tag is checked out.'),
    commit: s
      .string()
      .pattern('^[0-9a-f]{7,64}$')
      .optional()
      .description('Commit SHA to check out (7 to 64 lowercase hex digits).'),
  })
  .validations([
    {
      rule: '[has(self.branch), has(self.tag), has(self.semver), has(self.commit)].filter(x, x).size() == 1',
      message: 'exactly one of branch, tag, semver, commit must be set',
    },
  ])
  .check((ref): FieldIssue[] => {
    const set = gitRefKinds.filter((k) => ref[k] !== undefined);
    return set.length === 1
      ? []
      : [
          {
            message: fieldMessages.invalid(
              set,
              'exactly one of branch, tag, semver, commit must be set',
            ),
          },
        ];
  })
  .description('Git reference to follow: exactly one of branch, tag, semver, commit.');
export type GitRef = Infer<typeof gitRef>;

const commonSpecFields = {
  url: s
    .string()
    .minLength(1)
    .description('URL of the Git repository (https://, http:// or file://).'),
  ref: gitRef.default({ branch: 'main' }),
  path: s
    .string()
    .default('.')
    .description('Folder of the package inside the repository, relative to its root.'),
  interval: s
    .string()
    .pattern(durationPattern)
    .default('1m')
    .description('How often to poll the repository (Go duration, e.g. 30s, 1m, 1h).'),
  config: s
    .freeform()
    .optional()
    .description('Package configuration, passed to templates as .config.'),
  suspend: s.boolean().default(false).description('Stops fetching and applying new commits.'),
  revisionHistoryLimit: s
    .int32()
    .minimum(0)
    .default(10)
    .description('Number of old revisions to keep.'),
};

const secretRefDescription =
  'Secret with the credentials for the repository: keys username and password, or token.';

export const gitSyncSpec = s
  .object({
    ...commonSpecFields,
    secretRef: s
      .object({ name: s.string().minLength(1) })
      .optional()
      .description(`${secretRefDescription} In the GitSync's namespace.`),
  })
  .description('GitSyncSpec defines the repository to follow.');
export type GitSyncSpec = Infer<typeof gitSyncSpec>;

export const clusterGitSyncSpec = s
  .object({
    ...commonSpecFields,
    secretRef: s
      .object({ name: s.string().minLength(1), namespace: s.string().minLength(1) })
      .optional()
      .description(secretRefDescription),
  })
  .description('ClusterGitSyncSpec defines the repository to follow.');
export type ClusterGitSyncSpec = Infer<typeof clusterGitSyncSpec>;

export const gitSyncStatus = s
  .object({
    conditions,
    observedGeneration: s
      .int64()
      .optional()
      .description('The generation of the spec the status reports on.'),
    lastAppliedCommit: s.string().optional().description('Commit whose revision was last applied.'),
    lastAttemptedCommit: s
      .string()
      .optional()
      .description('Commit last fetched and tried, successfully or not.'),
    lastSyncTime: s.dateTime().optional().description('When the repository was last fetched.'),
    revision: s
      .int64()
      .optional()
      .description('Revision of the ObjectDeployment the last applied commit became.'),
  })
  .description('GitSyncStatus defines the observed state of a GitSync.');
export type GitSyncStatus = Infer<typeof gitSyncStatus>;

const gitSyncColumns: PrinterColumn[] = [
  { name: 'URL', type: 'string', jsonPath: '.spec.url', priority: 1 },
  conditionColumn('Ready'),
  {
    name: 'Status',
    type: 'string',
    jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
  },
  { name: 'Commit', type: 'string', jsonPath: '.status.lastAppliedCommit' },
  { name: 'Revision', type: 'string', jsonPath: '.status.revision' },
  { name: 'Suspended', type: 'boolean', jsonPath: '.spec.suspend', priority: 1 },
  ageColumn,
];

export const GitSync = defineKind(
  {
    group,
    version,
    kind: 'GitSync',
    plural: 'gitsyncs',
    shortNames: ['gs'],
    categories,
    scope: 'Namespaced',
    description:
      'GitSync follows a path in a Git repository: each new commit becomes a revision that rolls out\n' +
      'phase by phase into the GitSync namespace.',
    crd: { printerColumns: gitSyncColumns, statusSubresource: true },
  },
  objectMeta.default({}),
  { spec: gitSyncSpec, status: gitSyncStatus.optional() },
);
export type GitSync = KindType<typeof GitSync>;

export const ClusterGitSync = defineKind(
  {
    group,
    version,
    kind: 'ClusterGitSync',
    plural: 'clustergitsyncs',
    shortNames: ['cgs'],
    categories,
    scope: 'Cluster',
    description:
      'ClusterGitSync follows a path in a Git repository: each new commit becomes a revision that\n' +
      'rolls out phase by phase, cluster-wide.',
    crd: { printerColumns: gitSyncColumns, statusSubresource: true },
  },
  objectMeta.default({}),
  { spec: clusterGitSyncSpec, status: gitSyncStatus.optional() },
);
export type ClusterGitSync = KindType<typeof ClusterGitSync>;
