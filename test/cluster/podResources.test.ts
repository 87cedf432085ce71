/**
 * Pod requests and limits with sidecars (k8s.io/component-helpers/resource PodRequests, PodLimits), on the cases of
 * upstream's helpers_test.go "restartable init container" tables.
 */
import { describe, expect, it } from 'vitest';
import type { Container, PodSpec } from '../../src/cluster/types.js';
import { longRunningContainers, podLimitList, podRequestList } from '../../src/cluster/podResources.js';

const c = (name: string, cpu: number, extra: Partial<Container> = {}): Container => ({ name, image: 'x', resources: { requests: { cpu }, limits: { cpu: 2 * cpu } }, ...extra });
const sidecar = (name: string, cpu: number) => c(name, cpu, { restartPolicy: 'Always' });

describe('PodRequests and PodLimits with sidecars', () => {
  it('a sidecar adds to the app containers\' sum', () => {
    const spec: PodSpec = { containers: [c('app', 1000)], initContainers: [sidecar('log', 200)] };
    expect(podRequestList(spec).cpu).toBe(1200);
    expect(podLimitList(spec).cpu).toBe(2400);
  });

  it('a sidecar started before a regular init container adds to that container\'s peak; one started after does not', () => {
    // restartable init containers, then init: max(app 1000 + s1 200 + s2 300, s1 200 + init 2000) = 2200.
    expect(podRequestList({ containers: [c('app', 1000)], initContainers: [sidecar('s1', 200), c('init', 2000), sidecar('s2', 300)] }).cpu).toBe(2200);
    // init first: max(1000 + 200 + 300, 2000) = 2000.
    expect(podRequestList({ containers: [c('app', 1000)], initContainers: [c('init', 2000), sidecar('s1', 200), sidecar('s2', 300)] }).cpu).toBe(2000);
  });

  it('without sidecars the regular init containers\' largest request bounds the sum from below', () => {
    expect(podRequestList({ containers: [c('a', 100), c('b', 100)], initContainers: [c('i1', 500), c('i2', 150)] }).cpu).toBe(500);
  });

  it('overhead adds to the requests and only to the limits the pod sets', () => {
    const spec: PodSpec = { containers: [c('app', 1000)], overhead: { cpu: 250, memory: 1e8 } };
    expect(podRequestList(spec)).toEqual({ cpu: 1250, memory: 1e8 });
    expect(podLimitList(spec)).toEqual({ cpu: 2250 });
  });

  it('the long-running containers are the sidecars in order, then the app containers', () => {
    const spec: PodSpec = { containers: [c('app', 1)], initContainers: [c('init', 1), sidecar('s1', 1), sidecar('s2', 1)] };
    expect(longRunningContainers(spec).map((x) => x.name)).toEqual(['s1', 's2', 'app']);
  });
});
