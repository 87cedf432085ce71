/**
 * Node pools → Node objects: `count` nodes named `<pool>-<i>`, labelled like a real node (`kubernetes.io/hostname`,
 * `kubernetes.io/os`) plus `kubesim.dev/pool` and the pool's labels (a list of values is spread round-robin, e.g.
 * zones), with the pool's taints and pre-pulled images. Allocatable defaults to capacity. A capacity without
 * `ephemeral-storage` gets the kubelet's filesystem size (DEFAULTS.kubelet.imageFsBytes): a real kubelet always
 * reports the capacity of its root filesystem (pkg/kubelet/nodestatus MachineInfo), so pods requesting disk fit.
 */
import type { Node } from '../cluster/types.js';
import type { NodePoolSpec } from '../workload/schema/scenario.js';
import { EPHEMERAL_STORAGE } from '../cluster/quantity.js';
import { DEFAULTS } from '../workload/defaults.js';

/** The label kubesim puts on pool nodes. */
export const POOL_LABEL = 'kubesim.dev/pool';

/** The nodes of one pool. */
export function poolNodes(pool: NodePoolSpec): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < pool.count; i++) out.push(poolNode(pool, i));
  return out;
}

/** Node number `i` of a pool (nodes added later continue the numbering). */
export function poolNode(pool: NodePoolSpec, i: number): Node {
  const disk = pool.capacity[EPHEMERAL_STORAGE] ?? DEFAULTS.kubelet.imageFsBytes;
  const capacity = Object.assign({}, pool.capacity, { [EPHEMERAL_STORAGE]: disk });
  const allocatable = Object.assign({}, pool.allocatable ?? pool.capacity);
  allocatable[EPHEMERAL_STORAGE] ??= disk;
  const images = (pool.images ?? []).map((im) => ({ names: [im.name], sizeBytes: im.size }));
  const name = `${pool.name}-${i}`;
  const labels: Record<string, string> = { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', [POOL_LABEL]: pool.name };
  for (const [k, v] of Object.entries(pool.labels ?? {})) labels[k] = Array.isArray(v) ? v[i % v.length]! : v;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
    spec: Object.assign({}, pool.taints && pool.taints.length > 0 ? { taints: pool.taints } : {}, pool.unschedulable ? { unschedulable: true } : {}),
    status: { capacity, allocatable, images },
  };
}
