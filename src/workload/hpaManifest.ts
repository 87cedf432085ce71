/**
 * HorizontalPodAutoscaler manifests to API objects with the defaults of pkg/apis/autoscaling/v2/defaults.go:
 * minReplicas 1; no metrics → CPU at 80 % average utilisation (`autoscaling.DefaultCPUUtilization`); a `behavior`
 * that is given gets its missing fields from `HPAScaleUpRules` (stabilization 0 s, selectPolicy Max, policies
 * 4 pods and 100 % per 15 s) and `HPAScaleDownRules` (selectPolicy Max, 100 % per 15 s; the stabilization window is
 * left unset: the controller fills it with its --horizontal-pod-autoscaler-downscale-stabilization, 5 min). With no
 * behavior at all the controller uses its behavior-less path, as upstream.
 * autoscaling/v1 objects are converted as the API server converts them: targetCPUUtilizationPercentage becomes a CPU
 * Resource metric.
 */
import type { HPAScalingRules, HorizontalPodAutoscaler, KubeObject, MetricSpec, MetricTarget } from '../cluster/types.js';
import { resourceAmount } from '../cluster/quantity.js';
import type { ManifestProblem } from './manifests.js';
import type { ParsedManifest } from './schema/kubernetes.js';

/** `autoscaling.DefaultCPUUtilization`. */
export const DEFAULT_CPU_UTILIZATION = 80;

const SCALE_UP_DEFAULT: Required<Pick<HPAScalingRules, 'stabilizationWindowSeconds' | 'selectPolicy' | 'policies'>> = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};
const SCALE_DOWN_DEFAULT: Pick<HPAScalingRules, 'selectPolicy' | 'policies'> = { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };

/** `GenerateHPAScaleUpRules` / `GenerateHPAScaleDownRules`: missing fields from the defaults. */
function fill(r: HPAScalingRules | undefined, d: HPAScalingRules): HPAScalingRules {
  return { ...d, ...Object.fromEntries(Object.entries(r ?? {}).filter(([, v]) => v !== undefined)) };
}

type Hpa = Extract<ParsedManifest, { kind: 'HorizontalPodAutoscaler' }>;

function target(t: { type: MetricTarget['type']; averageUtilization?: number; averageValue?: string | number; value?: string | number }, resource: string, path: (string | number)[], problems: ManifestProblem[]): MetricTarget {
  const out: MetricTarget = { type: t.type };
  const amount = (v: string | number, field: string) => {
    try {
      return resourceAmount(resource, v);
    } catch (e) {
      problems.push({ path: [...path, field], message: `expected a ${resource} quantity: ${(e as Error).message}` });
      return 0;
    }
  };
  if (t.type === 'Utilization') {
    if (t.averageUtilization === undefined) problems.push({ path: [...path, 'averageUtilization'], message: 'a Utilization target needs averageUtilization' });
    else out.averageUtilization = t.averageUtilization;
  } else if (t.type === 'AverageValue') {
    if (t.averageValue === undefined) problems.push({ path: [...path, 'averageValue'], message: 'an AverageValue target needs averageValue' });
    else out.averageValue = amount(t.averageValue, 'averageValue');
  } else {
    if (t.value === undefined) problems.push({ path: [...path, 'value'], message: 'a Value target needs value' });
    else out.value = amount(t.value, 'value');
  }
  return out;
}

/** Converts an HPA manifest (v2 or v1) into an autoscaling/v2 object with defaults. */
export function toHpa(m: Hpa, metadata: KubeObject['metadata'], problems: ManifestProblem[]): HorizontalPodAutoscaler {
  const base = { apiVersion: 'autoscaling/v2' as const, kind: 'HorizontalPodAutoscaler' as const, metadata: { ...metadata, namespace: metadata.namespace ?? 'default' }, status: {} };
  if (m.apiVersion === 'autoscaling/v1') {
    const s = m.spec;
    return { ...base, spec: { scaleTargetRef: s.scaleTargetRef, minReplicas: s.minReplicas ?? 1, maxReplicas: s.maxReplicas, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: s.targetCPUUtilizationPercentage ?? DEFAULT_CPU_UTILIZATION } } }] } };
  }
  const s = m.spec;
  const metrics: MetricSpec[] = (s.metrics ?? []).map((ms, i) => {
    const path = ['spec', 'metrics', i];
    const key = ms.type === 'Resource' ? 'resource' : ms.type === 'ContainerResource' ? 'containerResource' : ms.type === 'Pods' ? 'pods' : ms.type === 'Object' ? 'object' : 'external';
    if (ms[key] === undefined) problems.push({ path, message: `a ${ms.type} metric needs the field ${key}` });
    if (ms.type === 'Resource' && ms.resource) {
      if (ms.resource.target.type === 'Value') problems.push({ path: [...path, 'resource', 'target', 'type'], message: 'a Resource metric target is Utilization or AverageValue' });
      return { type: 'Resource', resource: { name: ms.resource.name, target: target(ms.resource.target, ms.resource.name, [...path, 'resource', 'target'], problems) } };
    }
    if (ms.type === 'ContainerResource' && ms.containerResource) {
      const c = ms.containerResource;
      return { type: 'ContainerResource', containerResource: { name: c.name, container: c.container, target: target(c.target, c.name, [...path, 'containerResource', 'target'], problems) } };
    }
    return { type: ms.type, ...(ms.pods ? { pods: { metric: { name: ms.pods.metric.name } } } : {}), ...(ms.object ? { object: { metric: { name: ms.object.metric.name } } } : {}), ...(ms.external ? { external: { metric: { name: ms.external.metric.name } } } : {}) };
  });
  if (metrics.length === 0) metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } });
  return {
    ...base,
    spec: {
      scaleTargetRef: s.scaleTargetRef,
      minReplicas: s.minReplicas ?? 1,
      maxReplicas: s.maxReplicas,
      metrics,
      ...(s.behavior !== undefined ? { behavior: { scaleUp: fill(s.behavior.scaleUp, SCALE_UP_DEFAULT), scaleDown: fill(s.behavior.scaleDown, SCALE_DOWN_DEFAULT) } } : {}),
    },
  };
}
