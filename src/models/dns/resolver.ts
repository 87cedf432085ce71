/**
 * A pod's DNS lookups as its resolver makes them (glibc's res_search with the resolv.conf the kubelet writes for
 * dnsPolicy ClusterFirst, pkg/kubelet/network/dns/dns.go):
 *   search <namespace>.svc.<domain> svc.<domain> <domain> [the node's search domains…]
 *   options ndots:5
 * A name with fewer than `ndots` dots is tried with each search domain in order, then as given; a name with at least
 * `ndots` dots (or ending in ".") is tried as given first, then with the search domains. Each try asks for A and AAAA
 * (two queries, as glibc sends both); the lookup stops at the first try that answers. So one lookup of an external
 * name such as "api.example.com" from a pod costs 2 × (3 + node domains + 1) queries, the amplification `ndots:5` is
 * known for.
 */

/** The resolver configuration of a pod. */
export interface ResolvConf {
  search: string[];
  ndots: number;
}

/** The kubelet's ClusterFirst resolv.conf (clusterDomain default cluster.local; ndots 5). */
export function clusterFirst(namespace: string, clusterDomain = 'cluster.local', nodeSearch: readonly string[] = [], ndots = 5): ResolvConf {
  return { search: [`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain, ...nodeSearch], ndots };
}

/** The names tried for a lookup, in order. */
export function candidates(name: string, conf: ResolvConf): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const dots = name.split('.').length - 1;
  const searched = conf.search.map((d) => `${name}.${d}`);
  return dots >= conf.ndots ? [name, ...searched] : [...searched, name];
}

/** The tries and queries one lookup makes until `exists` answers a candidate (all of them when none answers). */
export function lookup(name: string, conf: ResolvConf, exists: (fqdn: string) => boolean, queriesPerTry = 2): { tries: number; queries: number; answer: string | undefined } {
  const names = candidates(name, conf);
  for (let i = 0; i < names.length; i++) {
    if (exists(names[i]!)) return { tries: i + 1, queries: (i + 1) * queriesPerTry, answer: names[i] };
  }
  return { tries: names.length, queries: names.length * queriesPerTry, answer: undefined };
}

/** What DNS answers: Services as `<service>.<namespace>.svc.<domain>` (CoreDNS), and the given external names (upstream resolvers); anything else is NXDOMAIN. */
export function clusterNames(services: Iterable<{ name: string; namespace: string }>, external: readonly string[] = [], clusterDomain = 'cluster.local'): (fqdn: string) => boolean {
  const known = new Set<string>(external.map((n) => n.replace(/\.$/, '')));
  for (const s of services) known.add(`${s.name}.${s.namespace}.svc.${clusterDomain}`);
  return (fqdn) => known.has(fqdn);
}
