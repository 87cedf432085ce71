/**
 * `kubesim sweep --emit-job`: the manifests that run a sweep on a real Kubernetes cluster (DESIGN §12): a ConfigMap
 * holding the scenario and every file it reads (mounted back at the same relative paths), and an Indexed Job whose
 * pod with completion index i runs part i of the runs (`kubesim sweep --parts N`, which reads JOB_COMPLETION_INDEX)
 * into `/results/part-<i>` on a shared volume. `kubesim merge /results/part-*` then gives the same result as a local
 * sweep.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { stringify } from 'yaml';
import { KUBESIM_VERSION } from '../sim/version.js';
import type { Scenario } from '../workload/scenario.js';

/** Options of the emitted Job. */
export interface EmitJobOptions {
  parts: number;
  workersPerPod: number;
  image: string;
  namespace: string;
  pvc: string;
  overrides: string[];
}

/** The common ancestor folder of absolute paths. */
function commonDir(paths: readonly string[]): string {
  let dir = dirname(paths[0]!);
  for (const p of paths) while (relative(dir, p).startsWith('..')) dir = dirname(dir);
  return dir;
}

/** The ConfigMap and Job, as one multi-document YAML text. */
export function emitJob(scenario: Scenario, opts: EmitJobOptions): string {
  const name = `kubesim-${scenario.name}`.replace(/[^a-z0-9-]/g, '-').slice(0, 52).replace(/-+$/, '');
  const root = commonDir(scenario.files);
  const rel = scenario.files.map((f) => relative(root, f).split(sep).join('/'));
  const data: Record<string, string> = {};
  scenario.files.forEach((f, i) => (data[`f${i}`] = readFileSync(f, 'utf8')));
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${name}-scenario`, namespace: opts.namespace, labels: { 'app.kubernetes.io/name': 'kubesim', 'kubesim.dev/scenario': scenario.name } },
    data,
  };
  const args = ['sweep', `/scenario/${rel[0]}`, '--parts', String(opts.parts), '--out', '/results/part-$(JOB_COMPLETION_INDEX)', '--workers', String(opts.workersPerPod), '--no-report', '--quiet', ...opts.overrides.flatMap((o) => ['--set', o])];
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${name}-sweep`, namespace: opts.namespace, labels: { 'app.kubernetes.io/name': 'kubesim', 'kubesim.dev/scenario': scenario.name, 'kubesim.dev/version': KUBESIM_VERSION } },
    spec: {
      completionMode: 'Indexed',
      completions: opts.parts,
      parallelism: opts.parts,
      backoffLimitPerIndex: 2,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'kubesim' } },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'kubesim',
              image: opts.image,
              command: ['kubesim'],
              args,
              resources: { requests: { cpu: String(opts.workersPerPod), memory: `${opts.workersPerPod * 2}Gi` } },
              volumeMounts: [
                { name: 'scenario', mountPath: '/scenario', readOnly: true },
                { name: 'results', mountPath: '/results' },
              ],
            },
          ],
          volumes: [
            { name: 'scenario', configMap: { name: configMap.metadata.name, items: rel.map((path, i) => ({ key: `f${i}`, path })) } },
            { name: 'results', persistentVolumeClaim: { claimName: opts.pvc } },
          ],
        },
      },
    },
  };
  return `# kubesim ${KUBESIM_VERSION}: sweep of ${scenario.name} as an Indexed Job (${opts.parts} parts).\n# Apply, wait for completion, then: kubesim merge /results/part-* --out <dir>\n${stringify(configMap)}---\n${stringify(job)}`;
}
