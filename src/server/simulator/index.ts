/**
 * The simulated parts of a cluster that controllers outside the API server provide:
 *   store events -> WorkloadSimulator (Deployment/StatefulSet/DaemonSet/ReplicaSet/Job status
 *   through /status after a delay, override annotations) and NamespaceContent (default
 *   ServiceAccount, kube-root-ca.crt) -> writes back through api/core.
 */
import type { ApiCore } from '../api/core.js';
import { NamespaceContent } from './namespace-content.js';
import { WorkloadSimulator, type WorkloadSimulatorOptions } from './controller.js';

export { WorkloadSimulator, NamespaceContent };
export type { WorkloadSimulatorOptions };
export {
  annotationPrefix,
  delayAnnotation,
  fail,
  neverReady,
  progressDeadlineExceeded,
  templateHash,
  workloadRules,
} from './workloads.js';

export interface SimulatorOptions extends WorkloadSimulatorOptions {
  /** Milliseconds before a new CRD becomes Established (default 0). */
  crdEstablishDelayMs?: number;
}

export interface RunningSimulator {
  stop(): void;
}

/**
 * Starts the namespace content controller and, when `workloads` is set, the workload simulator;
 * both subscribe to the store and catch up with what is stored.
 */
export function startSimulator(
  core: ApiCore,
  opts: {
    workloads: WorkloadSimulatorOptions | false;
    caCert: string;
    onError: (what: string, err: unknown) => void;
  },
): RunningSimulator {
  const content = new NamespaceContent(core, opts.caCert, opts.onError);
  const sim =
    opts.workloads === false
      ? undefined
      : new WorkloadSimulator(core, opts.onError, opts.workloads);
  const unsubscribe = core.store.onEvent((e) => {
    content.onEvent(e);
    sim?.onEvent(e);
  });
  content.resync();
  sim?.resync();
  return {
    stop: () => {
      unsubscribe();
      content.stop();
      sim?.stop();
    },
  };
}
