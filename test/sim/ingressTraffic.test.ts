/**
 * External traffic through an Ingress: connections reach the controller's LoadBalancer Service through kube-proxy,
 * its pods proxy each request to the Service the rules choose, with a capacity of cores / CPU per request; beyond it
 * requests are dropped, below it they wait S / (1 − ρ); a backend without Ready endpoints answers 503; the
 * controller's CPU follows the requests it serves, so an HPA on it scales with the traffic.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';
import { InputError } from '../../src/workload/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-ingress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
type Row = Record<string, string>;

function scenario(name: string, o: { controllers: number; apiReplicas?: number; hpa?: boolean; traffic?: string; duration?: string }): string {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(
    f,
    `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: ${name}}
spec:
  seed: 3
  duration: ${o.duration ?? '2m'}
  namespaces: auto
  cluster:
    nodePools: [{name: general, count: 6, capacity: {cpu: "16", memory: 64Gi, pods: 110}}]
  manifests:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
      spec:
        replicas: ${o.controllers}
        selector: {matchLabels: {app: ingress-nginx}}
        template:
          metadata: {labels: {app: ingress-nginx}}
          spec: {containers: [{name: controller, image: ingress-nginx/controller:v1.11, ports: [{name: http, containerPort: 80}], resources: {requests: {cpu: 500m, memory: 256Mi}, limits: {cpu: "1"}}}]}
    - {apiVersion: v1, kind: Service, metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}, spec: {type: LoadBalancer, selector: {app: ingress-nginx}, ports: [{name: http, port: 80, targetPort: http}]}}
    - apiVersion: networking.k8s.io/v1
      kind: IngressClass
      metadata:
        name: nginx
        annotations: {ingressclass.kubernetes.io/is-default-class: "true", kubesim.dev/controller-service: ingress-nginx/ingress-nginx-controller, kubesim.dev/request-cpu: 250us, kubesim.dev/request-latency: 1ms}
      spec: {controller: k8s.io/ingress-nginx}
    - apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: shop, namespace: shop}
      spec:
        rules:
          - host: shop.example.com
            http:
              paths:
                - {path: /, pathType: Prefix, backend: {service: {name: frontend, port: {number: 80}}}}
                - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {name: http}}}}
${['frontend', 'api']
  .map(
    (s) => `    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: ${s}, namespace: shop}
      spec:
        replicas: ${s === 'api' ? (o.apiReplicas ?? 2) : 2}
        selector: {matchLabels: {app: ${s}}}
        template:
          metadata: {labels: {app: ${s}}}
          spec: {containers: [{name: ${s}, image: ${s}:1, ports: [{name: http, containerPort: 8080}], resources: {requests: {cpu: 100m}}}]}
    - {apiVersion: v1, kind: Service, metadata: {name: ${s}, namespace: shop}, spec: {selector: {app: ${s}}, ports: [{name: http, port: 80, targetPort: http}]}}`,
  )
  .join('\n')}
${
  o.hpa
    ? `    - apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ingress-nginx-controller}
        minReplicas: 1
        maxReplicas: 10
        metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}]`
    : ''
}
  traffic:
${o.traffic ?? '    - {ingress: {host: shop.example.com, path: /cart}, connectionsPerSecond: 2000, requestsPerConnection: 4}'}
  metrics: {interval: 10s}
`,
  );
  return f;
}

async function run(name: string, o: Parameters<typeof scenario>[1]): Promise<{ services: Row[]; summary: Row; dir: string }> {
  const out = join(dir, name);
  await runScenario(loadScenario(scenario(name, o)), { outDir: out });
  const services = parse(readFileSync(join(out, 'services.csv'), 'utf8'), { columns: true }) as Row[];
  const summary = (parse(readFileSync(join(out, 'summary.csv'), 'utf8'), { columns: true }) as Row[])[0]!;
  return { services, summary, dir: out };
}

const sum = (rows: Row[], col: string) => rows.reduce((a, r) => a + Number(r[col]), 0);
const late = (rows: Row[], svc: string) => rows.filter((r) => r.service === svc && Number(r.time_s) >= 60);

describe('traffic through an Ingress', () => {
  it('routes by host and path to the backend and counts its requests; the controller Service carries the connections', async () => {
    const { services, summary } = await run('three', { controllers: 3 });
    const front = late(services, 'frontend');
    const ctl = late(services, 'ingress-nginx-controller');
    expect(front.length).toBe(7);
    expect(late(services, 'api').length).toBe(0);
    // 2,000 connections/s × 4 requests each, per 10 s window.
    expect(sum(front, 'ingress_requests') / front.length).toBeCloseTo(80_000, 0);
    expect(sum(ctl, 'connections') / ctl.length).toBeCloseTo(20_000, 0);
    expect(sum(front, 'ingress_failed')).toBe(0);
    // 8,000 requests/s over 3 pods × 1 core / 250 µs = 12,000/s: ρ = 2/3, latency 1 ms + 0.25 ms / (1/3).
    expect(Number(front[0]!.ingress_latency_ms_mean)).toBeCloseTo(1.75, 3);
    expect(front[0]!.connections).toBe('0.000');
    expect(front[0]!.first_packet_us_p50).toBe('');
    expect(Number(summary.ingress_requests)).toBeGreaterThan(0);
    expect(Number(summary.ingress_latency_ms_mean)).toBeCloseTo(1.75, 2);
  });

  it('a saturated controller drops the requests beyond its capacity', async () => {
    // One pod: 4,000 requests/s of 8,000 offered are dropped.
    const front = late((await run('one', { controllers: 1 })).services, 'frontend');
    expect(sum(front, 'ingress_failed') / sum(front, 'ingress_requests')).toBeCloseTo(0.5, 6);
  });

  it('a backend Service without Ready endpoints answers 503 for every request', async () => {
    const api = late((await run('no-api', { controllers: 3, apiReplicas: 0, traffic: '    - {ingress: {host: shop.example.com, path: /api/v1/items}, connectionsPerSecond: 100}' })).services, 'api');
    expect(api.length).toBe(7);
    expect(api.every((r) => r.ingress_failed === r.ingress_requests && Number(r.ingress_requests) > 0)).toBe(true);
  });

  it("an HPA on the controller scales it with the CPU of the requests it serves", async () => {
    const { dir: out, services } = await run('hpa', { controllers: 1, hpa: true, duration: '8m' });
    const wl = (parse(readFileSync(join(out, 'workloads.csv'), 'utf8'), { columns: true }) as Row[]).filter((r) => r.name === 'ingress-nginx-controller' && r.kind === 'Deployment');
    // 8,000 requests/s × 250 µs = 2 cores; at 60 % of 500m requested per pod that wants ceil(2000 / 300) = 7 pods.
    expect(Number(wl.at(-1)!.ready)).toBe(7);
    const front = services.filter((r) => r.service === 'frontend');
    expect(Number(front[0]!.ingress_failed)).toBeGreaterThan(0);
    expect(Number(front.at(-1)!.ingress_failed)).toBe(0);
  });

  it('refuses traffic no Ingress rule routes, naming the entry', () => {
    expect(() => loadScenario(scenario('nomatch', { controllers: 1, traffic: '    - {ingress: {host: other.org}, connectionsPerSecond: 10}' }))).toThrow(InputError);
    expect(() => loadScenario(scenario('nomatch2', { controllers: 1, traffic: '    - {ingress: {host: other.org}, connectionsPerSecond: 10}' }))).toThrow(/spec\.traffic\[0\]\.ingress: no rule of the Ingresses of class nginx matches host other\.org and path \//);
  });
});
