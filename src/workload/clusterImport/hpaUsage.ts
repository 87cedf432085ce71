/**
 * The resource use of an HPA's pods, from the HPA's own last observation. kubesim's pods use what they request unless
 * a usage annotation says otherwise (cluster/usage.ts); an imported HPA would then see 100 % of its target's requests
 * and scale to its maximum at its first sync, which the cluster did not do. So for each HPA whose status records a
 * Resource metric (`status.currentMetrics[].resource.current`: averageValue, or averageUtilization of the pods'
 * requests), the target's pods, its template and its ReplicaSets' templates get `kubesim.dev/<resource>-usage` of that
 * per-pod value (unless they declare one): the simulation starts where the HPA was.
 */
import { resourceAmount, formatAmount } from '../../cluster/quantity.js';
import { type Obj, record } from './cleanObject.js';
import { podSpecsOf, podTemplatesOf } from './podSpecs.js';

const ANNOTATION: Record<string, string> = { cpu: 'kubesim.dev/cpu-usage', memory: 'kubesim.dev/memory-usage' };

/** Sum of a pod spec's app containers' requests of `resource` (0 when none asks). */
function requestOf(spec: Obj, resource: string): number {
  let sum = 0;
  for (const c of Array.isArray(spec.containers) ? spec.containers : []) {
    const q = record(record(record(c)?.resources)?.requests)?.[resource];
    if (typeof q === 'string' || typeof q === 'number') {
      try {
        sum += resourceAmount(resource, q);
      } catch {
        // an unreadable quantity: the loader reports it
      }
    }
  }
  return sum;
}

/** Annotates the HPAs' target pods with their observed use; returns how many objects were annotated. */
export function applyHpaUsage(objects: Obj[]): number {
  const meta = (o: Obj) => record(o.metadata) ?? {};
  const key = (o: Obj) => `${String(o.kind)}/${String(meta(o).namespace ?? 'default')}/${String(meta(o).name)}`;
  const byKey = new Map(objects.map((o) => [key(o), o]));
  const children = new Map<string, Obj[]>();
  for (const o of objects) {
    for (const r of Array.isArray(meta(o).ownerReferences) ? (meta(o).ownerReferences as unknown[]) : []) {
      const ref = record(r);
      if (ref?.controller !== true) continue;
      const k = `${String(ref.kind)}/${String(meta(o).namespace ?? 'default')}/${String(ref.name)}`;
      children.set(k, [...(children.get(k) ?? []), o]);
    }
  }
  let annotated = 0;
  const annotate = (holder: Obj, annotation: string, value: string) => {
    const m = record(holder.metadata) ?? {};
    const a = record(m.annotations) ?? {};
    if (a[annotation] !== undefined) return;
    holder.metadata = { ...m, annotations: { ...a, [annotation]: value } };
    annotated++;
  };
  for (const hpa of objects) {
    if (hpa.kind !== 'HorizontalPodAutoscaler') continue;
    const ns = String(meta(hpa).namespace ?? 'default');
    const ref = record(record(hpa.spec)?.scaleTargetRef);
    const target = ref === undefined ? undefined : byKey.get(`${String(ref.kind)}/${ns}/${String(ref.name)}`);
    if (target === undefined) continue;
    const spec = podSpecsOf(target)[0];
    if (spec === undefined) continue;
    for (const m of Array.isArray(record(hpa.status)?.currentMetrics) ? (record(hpa.status)!.currentMetrics as unknown[]) : []) {
      const res = record(record(m)?.resource);
      const resource = typeof res?.name === 'string' ? res.name : undefined;
      const annotation = resource === undefined ? undefined : ANNOTATION[resource];
      const current = record(res?.current);
      if (annotation === undefined || current === undefined) continue;
      let perPod: number | undefined;
      if (typeof current.averageValue === 'string' || typeof current.averageValue === 'number') {
        try {
          perPod = resourceAmount(resource!, current.averageValue);
        } catch {
          perPod = undefined;
        }
      } else if (typeof current.averageUtilization === 'number') perPod = Math.round((requestOf(spec, resource!) * current.averageUtilization) / 100);
      if (perPod === undefined || !(perPod >= 0)) continue;
      const value = formatAmount(resource!, perPod);
      // The target's template, its ReplicaSets' templates and every pod below it.
      const stack = [target];
      while (stack.length > 0) {
        const o = stack.pop()!;
        if (o.kind === 'Pod') annotate(o, annotation, value);
        else for (const t of podTemplatesOf(o)) annotate(t, annotation, value);
        stack.push(...(children.get(key(o)) ?? []));
      }
    }
  }
  return annotated;
}
