/**
 * Service address allocation at creation (pkg/registry/core/service/ipallocator and portallocator, run by the
 * Service REST storage): a ClusterIP from the service range (kube-apiserver --service-cluster-ip-range; kubeadm's
 * 10.96.0.0/12) unless the Service is headless (`None`) or ExternalName, and a NodePort from 30000–32767
 * (--service-node-port-range) for every port of a NodePort or LoadBalancer Service that does not give one.
 * kubesim allocates in ascending order (upstream picks at random), so runs are reproducible; a requested address or
 * port already in use is refused, as upstream. Both are released when the Service is deleted.
 */
import type { Service } from '../../cluster/types.js';
import { extend } from '../../cluster/extend.js';

const RANGE_START = (10 << 24) | (96 << 16); // 10.96.0.0
const RANGE_SIZE = 1 << 20; // /12
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

function ipText(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function ipNumber(text: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (m === null) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** The ClusterIP and NodePort allocators. */
export class ServiceAllocator {
  private readonly ips = new Set<number>();
  private readonly ports = new Set<number>();
  private nextIp = 1;
  private nextPort = NODE_PORT_MIN;

  /** Allocates what the Service needs; returns the Service with its addresses, or why it is refused. */
  allocate(svc: Service): Service | string {
    const spec = svc.spec;
    let clusterIP = spec.clusterIP;
    const wantsIp = spec.type !== 'ExternalName' && clusterIP !== 'None';
    const taken: number[] = [];
    if (wantsIp) {
      if (clusterIP !== undefined && clusterIP !== '') {
        const n = ipNumber(clusterIP);
        if (n === undefined || n < RANGE_START || n >= RANGE_START + RANGE_SIZE) return `spec.clusterIP: Invalid value: "${clusterIP}": the provided IP is not in the valid range 10.96.0.0/12`;
        if (this.ips.has(n)) return `spec.clusterIP: Invalid value: "${clusterIP}": provided IP is already allocated`;
        taken.push(n);
      } else {
        let tries = 0;
        while (this.ips.has(RANGE_START + this.nextIp) && tries++ < RANGE_SIZE) this.nextIp = (this.nextIp % (RANGE_SIZE - 2)) + 1;
        if (tries >= RANGE_SIZE) return 'failed to allocate a serviceIP: range is full';
        taken.push(RANGE_START + this.nextIp);
        clusterIP = ipText(RANGE_START + this.nextIp);
        this.nextIp = (this.nextIp % (RANGE_SIZE - 2)) + 1;
      }
    }
    const needsNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
    const ports = [...(spec.ports ?? [])];
    const newPorts: number[] = [];
    if (needsNodePorts) {
      for (let i = 0; i < ports.length; i++) {
        const p = ports[i]!;
        if (p.nodePort !== undefined) {
          if (p.nodePort < NODE_PORT_MIN || p.nodePort > NODE_PORT_MAX) return `spec.ports[${i}].nodePort: Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`;
          if (this.ports.has(p.nodePort) || newPorts.includes(p.nodePort)) return `spec.ports[${i}].nodePort: Invalid value: ${p.nodePort}: provided port is already allocated`;
          newPorts.push(p.nodePort);
          continue;
        }
        let tries = 0;
        const span = NODE_PORT_MAX - NODE_PORT_MIN + 1;
        while ((this.ports.has(this.nextPort) || newPorts.includes(this.nextPort)) && tries++ < span) this.nextPort = this.nextPort >= NODE_PORT_MAX ? NODE_PORT_MIN : this.nextPort + 1;
        if (tries >= span) return 'failed to allocate a nodePort: range is full';
        newPorts.push(this.nextPort);
        ports[i] = extend(p, { nodePort: this.nextPort });
        this.nextPort = this.nextPort >= NODE_PORT_MAX ? NODE_PORT_MIN : this.nextPort + 1;
      }
    }
    for (const n of taken) this.ips.add(n);
    for (const p of newPorts) this.ports.add(p);
    return extend(svc, { spec: Object.assign({}, spec, clusterIP !== undefined ? { clusterIP } : {}, needsNodePorts ? { ports } : {}) });
  }

  /** Releases a deleted Service's addresses. */
  release(svc: Service): void {
    const n = svc.spec.clusterIP !== undefined ? ipNumber(svc.spec.clusterIP) : undefined;
    if (n !== undefined) this.ips.delete(n);
    for (const p of svc.spec.ports ?? []) if (p.nodePort !== undefined) this.ports.delete(p.nodePort);
  }
}
