import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../errors.js';
import {
  addManagerFlags,
  byteSize,
  envNames,
  managerFlags,
  resolveManagerConfig,
} from './manager-flags.js';

/** Parses argv with the real commander definitions, then resolves against `env`. */
function resolve(argv: string[], env: Record<string, string> = {}) {
  const cmd = addManagerFlags(new Command('manager').exitOverride());
  cmd.parse(argv, { from: 'user' });
  return resolveManagerConfig(cmd.opts(), env);
}

describe('manager flags', () => {
  it("defaults to Package Operator's values", () => {
    const c = resolve([]);
    expect(c.namespace).toBe('packsync-system');
    expect(c.workers).toBe(4);
    expect(c.workersByController).toEqual({ Package: 5, ClusterPackage: 5 });
    expect(c.leaderElection).toEqual({
      namespace: 'packsync-system',
      leaseDurationMs: 137_000,
      renewDeadlineMs: 107_000,
      retryPeriodMs: 26_000,
    });
    expect(c.webhook).toBeUndefined();
    expect(c.metricsAddr).toBe(':8080');
    expect(c.healthAddr).toBe(':8081');
    expect(c.controllers).toEqual({
      package: {
        registryHostOverrides: {},
        imagePrefixOverrides: [],
        hashModifier: '',
        insecureRegistries: [],
      },
      objectTemplate: { sourceRetryMs: 30_000, optionalRetryMs: 60_000 },
    });
  });

  it('feeds every value to the controllers and the manager', () => {
    const c = resolve([
      '--namespace=ops',
      '--service-account-name',
      'puller',
      '--registry-host-overrides',
      'quay.io=mirror.local:5000, docker.io=dh.local',
      '--image-prefix-overrides',
      'quay.io/org/=mirror.local/org/,quay.io/=m.local/',
      '--package-hash-modifier',
      'v2',
      '--pull-cache-dir',
      '/cache',
      '--pull-cache-size',
      '2Gi',
      '--insecure-registries',
      'mirror.local:5000',
      '--package-workers',
      '9',
      '--workers',
      '2',
      '--object-template-resource-retry-interval',
      '5s',
      '--object-template-optional-resource-retry-interval',
      '1m30s',
      '--enable-leader-election',
      '--leader-election-namespace',
      'kube-system',
      '--leader-election-lease-duration',
      '15s',
      '--leader-election-renew-deadline',
      '10s',
      '--leader-election-retry-period',
      '2s',
      '--webhook-port',
      '9443',
      '--webhook-cert-dir',
      '/certs',
    ]);
    expect(c.namespace).toBe('ops');
    expect(c.workersByController).toEqual({ Package: 9, ClusterPackage: 9 });
    expect(c.workers).toBe(2);
    expect(c.leaderElection).toEqual({
      namespace: 'kube-system',
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
    });
    expect(c.webhook).toEqual({ port: 9443, certDir: '/certs' });
    expect(c.controllers.package).toEqual({
      registryHostOverrides: { 'quay.io': 'mirror.local:5000', 'docker.io': 'dh.local' },
      imagePrefixOverrides: [
        { from: 'quay.io/org/', to: 'mirror.local/org/' },
        { from: 'quay.io/', to: 'm.local/' },
      ],
      hashModifier: 'v2',
      pullSecretsFrom: { namespace: 'ops', serviceAccountName: 'puller' },
      cacheDir: '/cache',
      cacheMaxBytes: 2 * 2 ** 30,
      insecureRegistries: ['mirror.local:5000'],
    });
    expect(c.controllers.objectTemplate).toEqual({ sourceRetryMs: 5_000, optionalRetryMs: 90_000 });
  });

  it('reads PACKSYNC_* variables, then PKO_* ones; the command line wins', () => {
    expect(resolve([], { PKO_NAMESPACE: 'pko' }).namespace).toBe('pko');
    expect(resolve([], { PKO_NAMESPACE: 'pko', PACKSYNC_NAMESPACE: 'ours' }).namespace).toBe(
      'ours',
    );
    expect(resolve(['--namespace', 'cli'], { PACKSYNC_NAMESPACE: 'ours' }).namespace).toBe('cli');
    const c = resolve([], {
      PKO_SERVICE_ACCOUNT_NAME: 'sa',
      PKO_SERVICE_ACCOUNT_NAMESPACE: 'sa-ns',
      PKO_REGISTRY_HOST_OVERRIDES: 'a.io=b.io',
      PKO_IMAGE_PREFIX_OVERRIDES: 'a.io/x/=b.io/y/',
      PKO_PACKAGE_HASH_MODIFIER: 'm',
      PACKSYNC_ENABLE_LEADER_ELECTION: 'false',
      PACKSYNC_PACKAGE_WORKERS: '1',
    });
    expect(c.leaderElection).toBeUndefined();
    expect(c.workersByController.Package).toBe(1);
    expect(c.controllers.package).toMatchObject({
      pullSecretsFrom: { namespace: 'sa-ns', serviceAccountName: 'sa' },
      registryHostOverrides: { 'a.io': 'b.io' },
      imagePrefixOverrides: [{ from: 'a.io/x/', to: 'b.io/y/' }],
      hashModifier: 'm',
    });
    expect(resolve(['--enable-leader-election=false']).leaderElection).toBeUndefined();
  });

  it('names a variable for every flag, and PKO_* ones where Package Operator has them', () => {
    const byFlag = Object.fromEntries(managerFlags.map((f) => [f.flag, envNames(f)]));
    expect(byFlag['namespace']).toEqual(['PACKSYNC_NAMESPACE', 'PKO_NAMESPACE']);
    expect(byFlag['webhook-port']).toEqual(['PACKSYNC_WEBHOOK_PORT']);
    const help = addManagerFlags(new Command('manager')).helpInformation();
    expect(help).toContain('env PACKSYNC_REGISTRY_HOST_OVERRIDES or PKO_REGISTRY_HOST_OVERRIDES');
  });

  it.each([
    [
      ['--namespace', 'Bad_Name'],
      '--namespace: not a valid name (lowercase DNS label): "Bad_Name"',
    ],
    [['--package-workers', '0'], '--package-workers: not a positive integer: "0"'],
    [['--workers', '1.5'], '--workers: not a positive integer: "1.5"'],
    [
      ['--registry-host-overrides', 'quay.io'],
      '--registry-host-overrides: want <from>=<to>, got "quay.io"',
    ],
    [
      ['--registry-host-overrides', 'quay.io=https://x'],
      '--registry-host-overrides: not a registry host[:port]: "https://x"',
    ],
    [['--image-prefix-overrides', '=x/'], '--image-prefix-overrides: want <from>=<to>, got "=x/"'],
    [
      ['--object-template-resource-retry-interval', '30'],
      '--object-template-resource-retry-interval: not a duration (like 30s, 1m30s, 500ms): "30"',
    ],
    [
      ['--object-template-optional-resource-retry-interval', '0'],
      '--object-template-optional-resource-retry-interval: must be positive: "0"',
    ],
    [['--webhook-port', '70000'], '--webhook-port: not a port (0-65535): "70000"'],
    [
      ['--enable-leader-election=maybe'],
      '--enable-leader-election: not a boolean (true or false): "maybe"',
    ],
    [
      ['--leader-election-lease-duration', '10s', '--leader-election-renew-deadline', '20s'],
      '--leader-election-lease-duration: must be greater than --leader-election-renew-deadline (10s <= 20s)',
    ],
    [
      ['--leader-election-renew-deadline', '30s', '--leader-election-retry-period', '26s'],
      '--leader-election-renew-deadline: must be greater than 1.2 x --leader-election-retry-period (30s, 26s)',
    ],
    [
      ['--pull-cache-dir', '/c', '--pull-cache-size', 'lots'],
      '--pull-cache-size: not a size (bytes, or with a unit like 512Mi, 2Gi): "lots"',
    ],
    [['--metrics-addr', 'x'], '--metrics-addr: invalid bind address "x": want host:port or :port'],
  ])('%j is refused: %s', (argv, message) => {
    let caught: unknown;
    try {
      resolve(argv);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as Error).message).toBe(message);
  });

  it('checks values from variables as strictly as flags', () => {
    expect(() => resolve([], { PKO_NAMESPACE: 'UPPER' })).toThrow(
      '--namespace: not a valid name (lowercase DNS label): "UPPER"',
    );
  });
});

describe('byteSize', () => {
  it.each([
    ['1048576', 1048576],
    ['512Mi', 512 * 2 ** 20],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['500M', 500e6],
    ['10k', 10e3],
  ])('%s = %d bytes', (s, n) => {
    expect(byteSize(s)).toBe(n);
  });
});
