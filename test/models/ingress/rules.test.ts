/**
 * Ingress routing by the networking.k8s.io/v1 rules: host and wildcard host matching, Exact and Prefix paths
 * (element-wise; the API documentation's examples table), longest path first, Exact over Prefix at a tie, the default
 * backend, and the default IngressClass.
 */
import { describe, expect, it } from 'vitest';
import type { Ingress, IngressClass, IngressPath } from '../../../src/cluster/types.js';
import { defaultClass, hostMatches, pathMatches, route } from '../../../src/cluster/ingressRules.js';

const path = (p: string, pathType: IngressPath['pathType'], service: string): IngressPath => ({ path: p, pathType, backend: { service: { name: service } } });
const ingress = (name: string, rules: Ingress['spec']['rules'], extra: Partial<Ingress['spec']> = {}): Ingress => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'web' },
  spec: { ingressClassName: 'nginx', rules, ...extra },
});

describe('Ingress path matching (the API documentation examples)', () => {
  // kubernetes.io/docs/concepts/services-networking/ingress/#examples
  it.each([
    ['Prefix', '/', '(all paths)', true],
    ['Exact', '/foo', '/foo', true],
    ['Exact', '/foo', '/bar', false],
    ['Exact', '/foo', '/foo/', false],
    ['Exact', '/foo/', '/foo', false],
    ['Prefix', '/foo', '/foo', true],
    ['Prefix', '/foo', '/foo/', true],
    ['Prefix', '/foo/', '/foo', true],
    ['Prefix', '/foo/', '/foo/', true],
    ['Prefix', '/aaa/bb', '/aaa/bbb', false],
    ['Prefix', '/aaa/bbb', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb/', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/ccc', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbbxyz', false],
  ] as const)('%s %s against %s: %s', (type, rule, request, want) => {
    expect(pathMatches(type, rule, request === '(all paths)' ? '/anything/at/all' : request)).toBe(want);
  });
});

describe('Ingress host matching', () => {
  it('exact hosts match exactly, a wildcard one more leading label, no host every host', () => {
    expect(hostMatches('foo.bar.com', 'foo.bar.com')).toBe(true);
    expect(hostMatches('foo.bar.com', 'bar.com')).toBe(false);
    expect(hostMatches('*.foo.com', 'bar.foo.com')).toBe(true);
    expect(hostMatches('*.foo.com', 'baz.bar.foo.com')).toBe(false);
    expect(hostMatches('*.foo.com', 'foo.com')).toBe(false);
    expect(hostMatches(undefined, 'anything.example')).toBe(true);
  });
});

describe('Ingress routing', () => {
  const shop = ingress('shop', [
    { host: 'shop.example.com', paths: [path('/', 'Prefix', 'frontend'), path('/cart', 'Prefix', 'cart'), path('/cart/checkout', 'Exact', 'checkout'), path('/cart/checkout', 'Prefix', 'checkout-prefix')] },
    { host: '*.example.com', paths: [path('/', 'Prefix', 'wildcard')] },
    { paths: [path('/status', 'Exact', 'status')] },
  ]);

  it('the longest matching path wins, Exact over Prefix at equal length', () => {
    expect(route([shop], 'nginx', undefined, 'shop.example.com', '/cart/items/1')?.service).toBe('web/cart');
    expect(route([shop], 'nginx', undefined, 'shop.example.com', '/cart/checkout')?.service).toBe('web/checkout');
    expect(route([shop], 'nginx', undefined, 'shop.example.com', '/cart/checkout/pay')?.service).toBe('web/checkout-prefix');
    expect(route([shop], 'nginx', undefined, 'shop.example.com', '/carts')?.service).toBe('web/frontend');
  });

  it('a specific host beats a wildcard host, which beats a rule without host', () => {
    expect(route([shop], 'nginx', undefined, 'shop.example.com', '/status')?.service).toBe('web/frontend');
    expect(route([shop], 'nginx', undefined, 'api.example.com', '/status')?.service).toBe('web/wildcard');
    expect(route([shop], 'nginx', undefined, 'other.org', '/status')?.service).toBe('web/status');
  });

  it('nothing matching goes to the default backend, else nowhere (404)', () => {
    expect(route([shop], 'nginx', undefined, 'other.org', '/x')).toBeUndefined();
    const withDefault = ingress('fallback', [], { defaultBackend: { service: { name: 'notfound' } } });
    expect(route([shop, withDefault], 'nginx', undefined, 'other.org', '/x')).toMatchObject({ service: 'web/notfound', via: 'defaultBackend' });
  });

  it('Ingresses of another class are ignored; one without a class belongs to the default class', () => {
    const other = { ...ingress('other', [{ host: 'other.org', paths: [path('/', 'Prefix', 'other')] }]), spec: { rules: [{ host: 'other.org', paths: [path('/', 'Prefix', 'other')] }] } } as Ingress;
    expect(route([other], 'nginx', 'traefik', 'other.org', '/')).toBeUndefined();
    expect(route([other], 'nginx', 'nginx', 'other.org', '/')?.service).toBe('web/other');
  });

  it('across Ingresses at a tie the first created wins', () => {
    const a = ingress('a', [{ host: 'x.org', paths: [path('/', 'Prefix', 'first')] }]);
    const b = ingress('b', [{ host: 'x.org', paths: [path('/', 'Prefix', 'second')] }]);
    expect(route([a, b], 'nginx', undefined, 'x.org', '/')).toMatchObject({ service: 'web/first', ingress: 'web/a' });
  });

  it('the default class is the one annotated is-default-class (none when two are)', () => {
    const cls = (name: string, dflt: boolean): IngressClass => ({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name, ...(dflt ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}) }, spec: { controller: 'k8s.io/ingress-nginx' } });
    expect(defaultClass([cls('a', false), cls('b', true)])).toBe('b');
    expect(defaultClass([cls('a', true), cls('b', true)])).toBeUndefined();
  });
});
