/** A plugin handle over a fixed list of NodeInfos, for plugin unit tests. */
import type { LabelSelector, Pod } from '../../src/cluster/types.js';
import type { PluginHandle } from '../../src/models/scheduler/framework/interfaces.js';
import type { NodeInfo } from '../../src/models/scheduler/nodeInfo.js';
import { RngStreams } from '../../src/engine/rng.js';
import { PodChangeLog } from '../../src/models/scheduler/podChangeLog.js';
import type { TypicalPod } from '../../src/models/scheduler/gpu/fragmentation.js';
import { INERT_FRAMEWORK_CALLS } from '../../src/models/scheduler/framework/inertHandle.js';

let epoch = 1e9;
const rng = new RngStreams(1).stream('scheduler.policy');

/** A handle whose cluster is `nodes`; `defaultSelector` answers for system default spreading. */
export function fakeHandle(nodes: NodeInfo[], defaultSelector: (pod: Pod) => LabelSelector | undefined = () => undefined, typical: readonly TypicalPod[] = []): PluginHandle & { work: number } {
  const h = {
    work: 0,
    bindPod: () => undefined,
    nodes: () => nodes,
    nodeInfo: (name: string) => nodes.find((n) => n.name === name),
    typicalPods: () => typical,
    podsWithAffinity: () => nodes.reduce((n, x) => n + x.podsWithAffinity.size, 0),
    podsWithRequiredAntiAffinity: () => nodes.reduce((n, x) => n + x.podsWithRequiredAntiAffinity.size, 0),
    defaultSelector,
    random: () => rng,
    // A fresh log per call: the test mutates NodeInfos directly, so aggregates must rebuild every time.
    podLog: () => Object.assign(new PodChangeLog(), { epoch: ++epoch }),
    podCount: () => nodes.reduce((n, x) => n + x.pods.size, 0),
    imageNodes: (image: string) => nodes.filter((n) => n.images.has(image)).length,
    addWork: (u: number) => {
      h.work += u;
    },
    ...INERT_FRAMEWORK_CALLS,
    preemptionRandom: () => rng,
  };
  return h;
}
