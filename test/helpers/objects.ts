/** Builders of API objects for tests. */
import type { Node, Pod, PodSpec, Taint } from '../../src/cluster/types.js';
import type { ResourceList } from '../../src/cluster/resources.js';
import { defaultPodSpec } from '../../src/cluster/podDefaults.js';

let uid = 0;

/** A Ready node with allocatable = capacity. */
export function makeNode(name: string, alloc: ResourceList, opts: { labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean } = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(opts.labels ?? {}) } },
    spec: { ...(opts.taints ? { taints: opts.taints } : {}), ...(opts.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity: { pods: 110, ...alloc }, allocatable: { pods: 110, ...alloc }, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

/** A pending pod with one container requesting `requests`. */
export function makePod(name: string, requests: ResourceList = {}, spec: Partial<PodSpec> = {}, meta: Partial<Pod['metadata']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `test-uid-${++uid}`, creationTimestamp: 0, ...meta },
    spec: defaultPodSpec({ containers: [{ name: 'c', image: 'busybox:1.36', resources: { requests } }], ...spec }),
    status: { phase: 'Pending' },
  };
}
