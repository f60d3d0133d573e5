/**
 * The flags of `packsync manager`, mirroring Package Operator's manager (pko-semantics.md §1).
 * Each flag may also come from an environment variable: `PACKSYNC_<FLAG>`, and Package
 * Operator's `PKO_<FLAG>` where it has one. Precedence: command line, then the first variable
 * set, then the default. `resolveManagerConfig` validates every value (`--flag: ...` errors).
 */
import type { Command } from 'commander';
import { parseDuration } from '../../apis/index.js';
import type { ControllersOptions } from '../../controllers/index.js';
import { packageScopes } from '../../controllers/package/scope.js';
import {
  PKO_LEASE_TIMINGS,
  parseBindAddress,
  type LeaderElectionConfig,
} from '../../controllers/runtime/index.js';
import { UserError, errorMessage } from '../../errors.js';

interface FlagSpec {
  /** Long flag without dashes, e.g. `namespace`. */
  flag: string;
  /** Commander's argument, e.g. `<name>`; `[bool]` for booleans. */
  arg: string;
  description: string;
  default: string;
  /** Package Operator's variable, when it has one. */
  pko?: string;
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const managerFlags: readonly FlagSpec[] = [
  {
    flag: 'namespace',
    arg: '<name>',
    description:
      'namespace the manager runs in (leader election lease, pull-secret ServiceAccount)',
    default: 'packsync-system',
    pko: 'PKO_NAMESPACE',
  },
  {
    flag: 'service-account-name',
    arg: '<name>',
    description:
      'ServiceAccount whose imagePullSecrets authenticate package image pulls (none when empty)',
    default: '',
    pko: 'PKO_SERVICE_ACCOUNT_NAME',
  },
  {
    flag: 'service-account-namespace',
    arg: '<name>',
    description: 'namespace of that ServiceAccount (default: --namespace)',
    default: '',
    pko: 'PKO_SERVICE_ACCOUNT_NAMESPACE',
  },
  {
    flag: 'registry-host-overrides',
    arg: '<from=to,...>',
    description: 'pull images of registry <from> from <to>, e.g. quay.io=mirror.local:5000',
    default: '',
    pko: 'PKO_REGISTRY_HOST_OVERRIDES',
  },
  {
    flag: 'image-prefix-overrides',
    arg: '<from=to,...>',
    description:
      'replace image prefix <from> by <to> (most specific wins), e.g. quay.io/org/=mirror.local/org/',
    default: '',
    pko: 'PKO_IMAGE_PREFIX_OVERRIDES',
  },
  {
    flag: 'package-hash-modifier',
    arg: '<text>',
    description: 'mixed into every unpack hash: changing it re-renders every package',
    default: '',
    pko: 'PKO_PACKAGE_HASH_MODIFIER',
  },
  {
    flag: 'object-template-resource-retry-interval',
    arg: '<duration>',
    description: 'ObjectTemplate: re-check delay after a missing source',
    default: '30s',
  },
  {
    flag: 'object-template-optional-resource-retry-interval',
    arg: '<duration>',
    description: 'ObjectTemplate: re-check delay while an optional source is missing',
    default: '60s',
  },
  {
    flag: 'package-workers',
    arg: '<n>',
    description: 'parallel reconciles of the Package and ClusterPackage controllers',
    default: '5',
  },
  {
    flag: 'workers',
    arg: '<n>',
    description: 'parallel reconciles of each other controller',
    default: '4',
  },
  {
    flag: 'pull-cache-dir',
    arg: '<dir>',
    description: 'content-addressed cache of pulled image blobs (none when empty)',
    default: '',
  },
  {
    flag: 'pull-cache-size',
    arg: '<size>',
    description: 'size bound of the pull cache (bytes, or with a unit: 512Mi, 2Gi, 500M)',
    default: '512Mi',
  },
  {
    flag: 'insecure-registries',
    arg: '<host[:port],...>',
    description:
      'registries pulled over plain HTTP or unverified TLS (loopback always is); TLS is verified otherwise',
    default: '',
  },
  {
    flag: 'metrics-addr',
    arg: '<addr>',
    description: 'serve Prometheus metrics at /metrics on this address (0 disables)',
    default: ':8080',
  },
  {
    flag: 'health-probe-bind-address',
    arg: '<addr>',
    description: 'serve /healthz and /readyz on this address (0 disables)',
    default: ':8081',
  },
  {
    flag: 'enable-leader-election',
    arg: '[bool]',
    description: 'run the controllers only while holding the Lease packsync-manager-lock',
    default: 'true',
  },
  {
    flag: 'leader-election-namespace',
    arg: '<name>',
    description: 'namespace of the leader election Lease (default: --namespace)',
    default: '',
  },
  {
    flag: 'leader-election-lease-duration',
    arg: '<duration>',
    description: 'how long a standby waits before taking a lease that is not renewed',
    default: `${PKO_LEASE_TIMINGS.leaseDurationMs / 1000}s`,
  },
  {
    flag: 'leader-election-renew-deadline',
    arg: '<duration>',
    description: 'the leader gives up (and the manager exits) when it cannot renew for this long',
    default: `${PKO_LEASE_TIMINGS.renewDeadlineMs / 1000}s`,
  },
  {
    flag: 'leader-election-retry-period',
    arg: '<duration>',
    description: 'interval between acquire and renew attempts',
    default: `${PKO_LEASE_TIMINGS.retryPeriodMs / 1000}s`,
  },
  {
    flag: 'webhook-port',
    arg: '<port>',
    description:
      'serve the validating webhook (ObjectSet/ObjectSetPhase/ObjectSlice immutability) over HTTPS on this port (0 disables)',
    default: '0',
  },
  {
    flag: 'webhook-receiver-port',
    arg: '<port>',
    description:
      'serve Git webhooks (GitHub, GitLab, generic HMAC) that trigger GitSync syncs on this port (0: any free port; off when empty)',
    default: '',
  },
  {
    flag: 'webhook-cert-dir',
    arg: '<dir>',
    description: 'directory holding the webhook serving certificate tls.crt and key tls.key',
    default: '/tmp/k8s-webhook-server/serving-certs',
  },
];

/** `PACKSYNC_<FLAG>` and, where Package Operator has one, its `PKO_<FLAG>`. */
export function envNames(spec: FlagSpec): string[] {
  const ours = `PACKSYNC_${spec.flag.toUpperCase().replaceAll('-', '_')}`;
  return spec.pko === undefined ? [ours] : [ours, spec.pko];
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** Adds every manager flag to the command, with its default and variables in the help. */
export function addManagerFlags(cmd: Command): Command {
  for (const spec of managerFlags) {
    const def = spec.default === '' ? '' : `default ${JSON.stringify(spec.default)}, `;
    cmd.option(
      `--${spec.flag} ${spec.arg}`,
      `${spec.description} (${def}env ${envNames(spec).join(' or ')})`,
    );
  }
  return cmd;
}

export interface ManagerConfig {
  namespace: string;
  metricsAddr: string;
  healthAddr: string;
  workers: number;
  /** Parallel reconciles per controller name (the Package controllers). */
  workersByController: Record<string, number>;
  /** Undefined when `--enable-leader-election=false`. */
  leaderElection: LeaderElectionConfig | undefined;
  /** Undefined when `--webhook-port` is 0. */
  webhook: { port: number; certDir: string } | undefined;
  /** GitSync webhook receiver port (0: any free port); undefined when not set. */
  webhookReceiverPort: number | undefined;
  /** What the controllers get (`buildControllerSetups`). */
  controllers: ControllersOptions;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Resolves every flag (command line > PACKSYNC_* > PKO_* > default) and validates it.
 * `values` are commander's parsed options (camelCase keys, undefined when not given).
 */
export function resolveManagerConfig(
  values: Readonly<Record<string, unknown>>,
  env: Env,
): ManagerConfig {
  const raw = (flag: string): string => {
    const spec = managerFlags.find((s) => s.flag === flag);
    if (spec === undefined) throw new Error(`unknown manager flag ${flag}`);
    const v = values[camel(flag)];
    if (v === true) return 'true';
    if (typeof v === 'string') return v;
    for (const name of envNames(spec)) {
      const e = env[name];
      if (e !== undefined) return e;
    }
    return spec.default;
  };
  const check = <T>(flag: string, parse: (s: string) => T): T => {
    const v = raw(flag);
    try {
      return parse(v);
    } catch (err) {
      throw new UserError(`--${flag}: ${errorMessage(err)}`, { cause: err });
    }
  };

  const namespace = check('namespace', name);
  const saName = check('service-account-name', (s) => (s === '' ? '' : name(s)));
  const saNamespace = check('service-account-namespace', (s) => (s === '' ? namespace : name(s)));
  const leNamespace = check('leader-election-namespace', (s) => (s === '' ? namespace : name(s)));
  const packageWorkers = check('package-workers', positiveInt);
  const cacheDir = raw('pull-cache-dir');
  const leaseDurationMs = check('leader-election-lease-duration', duration);
  const renewDeadlineMs = check('leader-election-renew-deadline', duration);
  const retryPeriodMs = check('leader-election-retry-period', duration);
  const enabled = check('enable-leader-election', bool);
  if (enabled && leaseDurationMs <= renewDeadlineMs) {
    throw new UserError(
      `--leader-election-lease-duration: must be greater than --leader-election-renew-deadline (${raw('leader-election-lease-duration')} <= ${raw('leader-election-renew-deadline')})`,
    );
  }
  if (enabled && renewDeadlineMs <= retryPeriodMs * 1.2) {
    throw new UserError(
      `--leader-election-renew-deadline: must be greater than 1.2 x --leader-election-retry-period (${raw('leader-election-renew-deadline')}, ${raw('leader-election-retry-period')})`,
    );
  }
  if (enabled && leaseDurationMs < 1000) {
    throw new UserError(`--leader-election-lease-duration: must be at least 1s`);
  }
  const webhookPort = check('webhook-port', port);
  const workersByController: Record<string, number> = {};
  for (const s of packageScopes) workersByController[s.packageKind] = packageWorkers;
  return {
    namespace,
    metricsAddr: check('metrics-addr', bindAddress),
    healthAddr: check('health-probe-bind-address', bindAddress),
    workers: check('workers', positiveInt),
    workersByController,
    leaderElection: enabled
      ? { namespace: leNamespace, leaseDurationMs, renewDeadlineMs, retryPeriodMs }
      : undefined,
    webhook:
      webhookPort === 0 ? undefined : { port: webhookPort, certDir: raw('webhook-cert-dir') },
    webhookReceiverPort: check('webhook-receiver-port', (s) => (s === '' ? undefined : port(s))),
    controllers: {
      package: {
        registryHostOverrides: check('registry-host-overrides', hostOverrides),
        imagePrefixOverrides: check('image-prefix-overrides', prefixOverrides),
        hashModifier: raw('package-hash-modifier'),
        ...(saName === ''
          ? {}
          : { pullSecretsFrom: { namespace: saNamespace, serviceAccountName: saName } }),
        ...(cacheDir === '' ? {} : { cacheDir, cacheMaxBytes: check('pull-cache-size', byteSize) }),
        insecureRegistries: check('insecure-registries', hostList),
      },
      objectTemplate: {
        sourceRetryMs: check('object-template-resource-retry-interval', positiveDuration),
        optionalRetryMs: check(
          'object-template-optional-resource-retry-interval',
          positiveDuration,
        ),
      },
    },
  };
}

// ------------------------------------------------------------------ value parsers (throw on bad input)

function name(s: string): string {
  if (s.length > 63 || !dnsLabel.test(s))
    throw new Error(`not a valid name (lowercase DNS label): ${JSON.stringify(s)}`);
  return s;
}

function positiveInt(s: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(n) || n < 1)
    throw new Error(`not a positive integer: ${JSON.stringify(s)}`);
  return n;
}

function port(s: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n > 65535) throw new Error(`not a port (0-65535): ${JSON.stringify(s)}`);
  return n;
}

function bool(s: string): boolean {
  if (/^(true|1|yes)$/i.test(s)) return true;
  if (/^(false|0|no)$/i.test(s)) return false;
  throw new Error(`not a boolean (true or false): ${JSON.stringify(s)}`);
}

function duration(s: string): number {
  const ms = parseDuration(s);
  if (ms === undefined)
    throw new Error(`not a duration (like 30s, 1m30s, 500ms): ${JSON.stringify(s)}`);
  return ms;
}

function positiveDuration(s: string): number {
  const ms = duration(s);
  if (ms <= 0) throw new Error(`must be positive: ${JSON.stringify(s)}`);
  return ms;
}

function bindAddress(s: string): string {
  parseBindAddress(s);
  return s;
}

const hostPattern =
  /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/;

function host(s: string): string {
  if (!hostPattern.test(s)) throw new Error(`not a registry host[:port]: ${JSON.stringify(s)}`);
  return s;
}

function items(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

function pairs(s: string): [string, string][] {
  return items(s).map((item) => {
    const i = item.indexOf('=');
    if (i <= 0 || i === item.length - 1)
      throw new Error(`want <from>=<to>, got ${JSON.stringify(item)}`);
    return [item.slice(0, i), item.slice(i + 1)];
  });
}

/** `a.io=b.io,c.io=d.io`. */
export function hostOverrides(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [from, to] of pairs(s)) {
    if (out[host(from)] !== undefined) throw new Error(`${from} is overridden twice`);
    out[from] = host(to);
  }
  return out;
}

/** `quay.io/org/=mirror.local/org/,...`. */
export function prefixOverrides(s: string): { from: string; to: string }[] {
  return pairs(s).map(([from, to]) => {
    if (/\s/.test(from) || /\s/.test(to))
      throw new Error(`image prefixes have no spaces: ${JSON.stringify(`${from}=${to}`)}`);
    return { from, to };
  });
}

function hostList(s: string): string[] {
  return items(s).map(host);
}

const sizeUnits: Record<string, number> = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** `512Mi`, `2Gi`, `500M`, `1048576` -> bytes (Kubernetes quantity suffixes). */
export function byteSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKMGT]i?|)$/.exec(s);
  const unit = m === null ? undefined : sizeUnits[m[2] ?? ''];
  if (m === null || unit === undefined)
    throw new Error(`not a size (bytes, or with a unit like 512Mi, 2Gi): ${JSON.stringify(s)}`);
  const n = Math.floor(Number(m[1]) * unit);
  if (n < 1) throw new Error(`must be at least 1 byte: ${JSON.stringify(s)}`);
  return n;
}
