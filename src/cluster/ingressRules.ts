/**
 * Which Service an HTTP request reaches through the Ingresses of one class, by the networking.k8s.io/v1 rules
 * (the API's documented semantics, staging/src/k8s.io/api/networking/v1/types.go, HTTPIngressPath and IngressRule):
 * - host: a rule's host matches the request's host exactly; a wildcard host `*.foo.com` matches exactly one more
 *   leading label (`bar.foo.com`, not `foo.com` nor `baz.bar.foo.com`); a rule without a host matches every host.
 *   A host-specific rule wins over a wildcard one, which wins over a rule without host (the controllers' server
 *   blocks, as ingress-nginx builds them);
 * - path: `Exact` matches the path exactly (case-sensitive); `Prefix` matches element-wise on "/"-split elements, a
 *   trailing "/" ignored (`/foo/bar` matches `/foo/bar` and `/foo/bar/baz`, not `/foo/barbaz`; `/` matches all);
 *   `ImplementationSpecific` is taken as `Prefix` (ingress-nginx's behaviour without regex annotations);
 * - among the matching paths the longest wins, and at equal length `Exact` over `Prefix`; across Ingresses at a tie,
 *   the first created (ingress-nginx keeps the oldest);
 * - nothing matches: the class's default backend (an Ingress's spec.defaultBackend), else 404.
 * An Ingress without `ingressClassName` belongs to the default class: the IngressClass annotated
 * `ingressclass.kubernetes.io/is-default-class: "true"` (the admission plugin DefaultIngressClass sets it).
 */
import type { Ingress, IngressBackend, IngressClass } from './types.js';

/** Annotation marking the default IngressClass (networking/v1 AnnotationIsDefaultIngressClass). */
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

/** The default IngressClass's name, if exactly one class is marked default (upstream's admission refuses more). */
export function defaultClass(classes: readonly IngressClass[]): string | undefined {
  const marked = classes.filter((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  return marked.length === 1 ? marked[0]!.metadata.name : undefined;
}

/** Whether a rule's host matches the request's host. */
export function hostMatches(ruleHost: string | undefined, host: string): boolean {
  if (ruleHost === undefined) return true;
  if (!ruleHost.startsWith('*.')) return ruleHost === host;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === ruleHost.slice(2);
}

/** Whether a path rule matches the request path. */
export function pathMatches(pathType: 'Exact' | 'Prefix' | 'ImplementationSpecific', rulePath: string, path: string): boolean {
  if (pathType === 'Exact') return rulePath === path;
  const elems = (p: string) => p.split('/').filter((e) => e !== '');
  const want = elems(rulePath);
  const have = elems(path);
  if (want.length > have.length) return false;
  for (let i = 0; i < want.length; i++) if (want[i] !== have[i]) return false;
  return true;
}

/** The result of routing one request: the Service (`namespace/name`) and the Ingress that routed it, or none (404). */
export interface IngressRoute {
  service: string;
  ingress: string;
  /** How it matched: a rule's path, or the default backend. */
  via: string;
}

/** The host precedence of a rule: exact host 2, wildcard 1, none 0. */
const hostRank = (h: string | undefined) => (h === undefined ? 0 : h.startsWith('*.') ? 1 : 2);

/** Routes a request (host, path) through the Ingresses of `className` (in creation order). */
export function route(ingresses: readonly Ingress[], className: string, defaultClassName: string | undefined, host: string, path: string): IngressRoute | undefined {
  const mine = ingresses.filter((i) => (i.spec.ingressClassName ?? defaultClassName) === className);
  let best: { rank: number; len: number; exact: boolean; ing: Ingress; backend: IngressBackend; via: string } | undefined;
  for (const ing of mine) {
    for (const rule of ing.spec.rules) {
      if (!hostMatches(rule.host, host)) continue;
      const rank = hostRank(rule.host);
      for (const p of rule.paths) {
        if (!pathMatches(p.pathType, p.path, path)) continue;
        const len = p.path.replace(/\/+$/, '').length;
        const exact = p.pathType === 'Exact';
        const better = best === undefined || rank > best.rank || (rank === best.rank && (len > best.len || (len === best.len && exact && !best.exact)));
        if (better) best = { rank, len, exact, ing, backend: p.backend, via: `${rule.host ?? '*'}${p.path} (${p.pathType})` };
      }
    }
  }
  const key = (ing: Ingress, b: IngressBackend) => `${ing.metadata.namespace ?? 'default'}/${b.service.name}`;
  if (best !== undefined) return { service: key(best.ing, best.backend), ingress: `${best.ing.metadata.namespace ?? 'default'}/${best.ing.metadata.name}`, via: best.via };
  const fallback = mine.find((i) => i.spec.defaultBackend !== undefined);
  if (fallback === undefined) return undefined;
  return { service: key(fallback, fallback.spec.defaultBackend!), ingress: `${fallback.metadata.namespace ?? 'default'}/${fallback.metadata.name}`, via: 'defaultBackend' };
}
