/** CustomResourceDefinitions: whether the server serves one yet, and waiting until it does. */
import { sleep } from './backoff.js';
import type { KubeObject, KubeReader } from './types.js';

export const CRD_KIND = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' };

/** The CRD's `Established` condition is True: its kind is served. */
export function isEstablished(crd: KubeObject | undefined): boolean {
  const conds = (crd?.status as { conditions?: { type?: string; status?: string }[] } | undefined)
    ?.conditions;
  return conds?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
}

/**
 * Polls each named CRD until it is Established. Resolves with the name of the first one still not
 * Established after `timeoutMs` (the caller words the error), or undefined when all are.
 */
export async function waitForEstablished(
  client: Pick<KubeReader, 'get'>,
  names: readonly string[],
  opts: { timeoutMs?: number; pollMs?: number } = {},
): Promise<string | undefined> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (const name of names) {
    while (!isEstablished(await client.get({ ...CRD_KIND, name }))) {
      if (Date.now() > deadline) return name;
      await sleep(opts.pollMs ?? 20);
    }
  }
  return undefined;
}
