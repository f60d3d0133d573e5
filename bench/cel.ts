// Micro-benchmark of the CEL environment and the CEL probe. Prints figures; decides nothing.
// Run: npx tsx bench/cel.ts
import type { Program } from '../src/cel/index.js';
import { CelEnvironment, toCel } from '../src/cel/index.js';
import { parseProbes } from '../src/probing/index.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', generation: 4, labels: { app: 'web' } },
  spec: {
    replicas: 3,
    template: {
      spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
    },
  },
  status: {
    observedGeneration: 4,
    replicas: 3,
    updatedReplicas: 3,
    readyReplicas: 3,
    availableReplicas: 3,
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
    ],
  },
};

function measure(name: string, fn: () => unknown, seconds = 1): void {
  for (let i = 0; i < 10_000; i++) fn(); // warm-up
  let n = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 1_000; i++) fn();
    n += 1_000;
  }
  const perSec = n / ((performance.now() - start) / 1000);
  console.log(`${name.padEnd(64)} ${(perSec / 1e6).toFixed(2).padStart(7)} M/s`);
}

const env = new CelEnvironment({ variables: { self: 'dyn' } });
const simple = env.compile('self.status.readyReplicas == self.spec.replicas') as Program;
const complex = env.compile(
  'self.metadata.generation == self.status.observedGeneration && self.status.updatedReplicas == self.spec.replicas && self.status.conditions.exists(c, c.type == "Available" && c.status == "True")',
) as Program;
const self = toCel(deployment);

console.log(`node ${process.version}`);
measure('eval simple probe rule (object pre-converted)', () => simple.evalCel({ self }));
measure('eval complex probe rule (object pre-converted)', () => complex.evalCel({ self }));
measure('eval simple probe rule (JSON object converted per eval)', () =>
  simple.eval({ self: deployment }),
);
const prober = parseProbes([
  {
    selector: { kind: { group: 'apps', kind: 'Deployment' } },
    probes: [
      { cel: { rule: 'self.status.readyReplicas == self.spec.replicas', message: 'not ready' } },
    ],
  },
]);
measure('probe a Deployment: selector + observedGeneration + CEL rule', () =>
  prober.probe(deployment),
);
const pko = parseProbes([
  {
    selector: { kind: { group: 'apps', kind: 'Deployment' } },
    probes: [
      { condition: { type: 'Available', status: 'True' } },
      { fieldsEqual: { fieldA: '.status.updatedReplicas', fieldB: '.status.replicas' } },
    ],
  },
]);
measure('probe a Deployment: condition + fieldsEqual (no CEL)', () => pko.probe(deployment));
let i = 0;
const fresh = new CelEnvironment({ variables: { self: 'dyn' } });
measure(
  'compile (parse + check) of the complex rule, cache missed',
  () => fresh.compile(`${complex.expression} && ${i++} >= 0`),
  0.5,
);
measure('compile of the complex rule, cache hit', () => env.compile(complex.expression));
