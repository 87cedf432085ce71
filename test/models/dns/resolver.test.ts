/**
 * The pod resolver under ClusterFirst (ndots:5 and the cluster search path): the queries one lookup turns into.
 */
import { describe, expect, it } from 'vitest';
import { candidates, clusterFirst, clusterNames, lookup } from '../../../src/models/dns/resolver.js';

const conf = clusterFirst('shop');
const exists = clusterNames(
  [
    { name: 'web', namespace: 'shop' },
    { name: 'db', namespace: 'data' },
  ],
  ['api.example.com'],
);

describe('ClusterFirst resolv.conf (kubelet dns.go)', () => {
  it('searches <ns>.svc, svc, the cluster domain, with ndots 5', () => {
    expect(conf).toEqual({ search: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], ndots: 5 });
    expect(candidates('web', conf)).toEqual(['web.shop.svc.cluster.local', 'web.svc.cluster.local', 'web.cluster.local', 'web']);
    expect(candidates('a.b.c.d.e.f', conf)[0]).toBe('a.b.c.d.e.f');
    expect(candidates('api.example.com.', conf)).toEqual(['api.example.com']);
  });

  it('a Service in the pod\'s namespace answers at the first try: 2 queries (A and AAAA)', () => {
    expect(lookup('web', conf, exists)).toEqual({ tries: 1, queries: 2, answer: 'web.shop.svc.cluster.local' });
  });

  it('another namespace\'s Service by <service>.<namespace> answers at the second try: 4 queries', () => {
    expect(lookup('db.data', conf, exists)).toEqual({ tries: 2, queries: 4, answer: 'db.data.svc.cluster.local' });
  });

  it('ndots:5 turns one lookup of an external name into 8 queries (3 search domains fail, then the name itself); a trailing dot or FQDN-enough names avoid it', () => {
    expect(lookup('api.example.com', conf, exists)).toEqual({ tries: 4, queries: 8, answer: 'api.example.com' });
    // With two node search domains (a cloud VM's), 12 queries.
    expect(lookup('api.example.com', clusterFirst('shop', 'cluster.local', ['c.project.internal', 'google.internal']), exists).queries).toBe(12);
    expect(lookup('api.example.com.', conf, exists).queries).toBe(2);
    expect(lookup('api.example.com', clusterFirst('shop', 'cluster.local', [], 2), exists).queries).toBe(2);
  });

  it('a name that exists nowhere costs every try', () => {
    expect(lookup('nothing', conf, exists)).toEqual({ tries: 4, queries: 8, answer: undefined });
  });
});
