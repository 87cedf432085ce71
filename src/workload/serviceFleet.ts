/**
 * A Services fleet (scenario workload `kind: Services`) expanded into real objects at load: for i in 0…count−1, a
 * Deployment `<name>-<i>` from the template, its pods labelled `kubesim.dev/service: <name>-<i>` (added to the
 * template labels and the selector), and a Service of the same name selecting them with the fleet's ports, NodePort
 * for the first round(nodePortShare × count) of them.
 */
import type { Deployment, Service } from '../cluster/types.js';
import type { ServiceFleetSpec } from './schema/scenario.js';
import { extend } from '../cluster/extend.js';

export const FLEET_LABEL = 'kubesim.dev/service';

/** The Deployments and Services of a fleet. */
export function serviceFleetObjects(w: ServiceFleetSpec, template: Deployment): (Deployment | Service)[] {
  const out: (Deployment | Service)[] = [];
  const ns = template.metadata.namespace ?? 'default';
  const nodePorts = Math.round(w.nodePortShare * w.count);
  for (let i = 0; i < w.count; i++) {
    const name = `${w.name}-${i}`;
    const t = template.spec.template;
    out.push({
      ...template,
      metadata: extend(template.metadata, { name, namespace: ns }),
      spec: {
        ...template.spec,
        selector: extend(template.spec.selector, { matchLabels: extend(template.spec.selector.matchLabels ?? {}, { [FLEET_LABEL]: name }) }),
        template: extend(t, { metadata: extend(t.metadata ?? {}, { labels: extend(t.metadata?.labels ?? {}, { [FLEET_LABEL]: name }) }) }),
      },
    });
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns },
      spec: {
        type: i < nodePorts ? 'NodePort' : 'ClusterIP',
        selector: { [FLEET_LABEL]: name },
        ports: w.ports.map((p) => extend(p, { protocol: p.protocol ?? 'TCP', targetPort: p.targetPort ?? p.port })),
        sessionAffinity: w.sessionAffinity,
        internalTrafficPolicy: 'Cluster',
        ...(i < nodePorts ? { externalTrafficPolicy: 'Cluster' as const } : {}),
      },
      status: {},
    });
  }
  return out;
}
