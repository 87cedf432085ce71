/**
 * TaintToleration (pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go).
 * Filter: a NoSchedule or NoExecute taint the pod does not tolerate rejects the node (UnschedulableAndUnresolvable,
 * "node(s) had untolerated taint {key: value}"). Score: the number of PreferNoSchedule taints not tolerated by the
 * pod's PreferNoSchedule (or effect-less) tolerations, normalised reversed so fewer intolerable taints score higher.
 */
import type { Taint, Toleration } from '../../../cluster/types.js';
import type { FilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interfaces.js';
import type { PodInfo } from '../podInfo.js';
import { MAX_NODE_SCORE } from '../framework/interfaces.js';
import { Code, status, type Status } from '../framework/status.js';
import { defaultNormalizeScore } from './helpers/normalizeScore.js';
import { findMatchingUntoleratedTaint, tolerated } from './helpers/tolerations.js';

export const TAINT_TOLERATION = 'TaintToleration';

const preferTolerations = new WeakMap<readonly Toleration[], Toleration[]>();

/** Rejection statuses by taint (values, shared: filtering allocates nothing per rejected node). */
const rejections = new Map<string, Status>();

const NONE: Toleration[] = [];

function preferTolerationsOf(all: readonly Toleration[] | undefined): Toleration[] {
  if (all === undefined || all.length === 0) return NONE;
  let tols = preferTolerations.get(all);
  if (tols === undefined) {
    tols = all.filter((t) => t.effect === undefined || t.effect === 'PreferNoSchedule');
    preferTolerations.set(all, tols);
  }
  return tols;
}

/** The node's PreferNoSchedule taints the tolerations do not tolerate (upstream's countIntolerableTaintsPreferNoSchedule). */
function untoleratedPreferNoSchedule(taints: readonly Taint[], tols: readonly Toleration[]): number {
  let count = 0;
  for (const taint of taints) if (taint.effect === 'PreferNoSchedule' && !tolerated(taint, tols)) count++;
  return count;
}

/** Creates the plugin. */
export function taintToleration(): FilterPlugin & PreScorePlugin & ScorePlugin {
  let lastPod: PodInfo | undefined;
  let lastTolerations: Toleration[] = NONE;
  /** The pod's PreferNoSchedule (or effect-less) tolerations (upstream's preScoreState), kept for the cycle's pod. */
  const tolerationsOf = (pod: PodInfo): Toleration[] => {
    if (pod !== lastPod) {
      lastPod = pod;
      lastTolerations = preferTolerationsOf(pod.pod.spec.tolerations);
    }
    return lastTolerations;
  };
  return {
    name: TAINT_TOLERATION,
    events: ['NodeAdd', 'NodeUpdate'],
    filter(_state, pod, node) {
      if (node.taints === undefined) return null;
      const taint = findMatchingUntoleratedTaint(node.taints, pod.pod.spec.tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
      if (taint === undefined) return null;
      const reason = `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
      let s = rejections.get(reason);
      if (s === undefined) {
        s = Object.freeze(status(Code.UnschedulableAndUnresolvable, reason));
        rejections.set(reason, s);
      }
      return s;
    },
    preScore(_state, pod) {
      tolerationsOf(pod);
      return null;
    },
    score(_state, pod, node) {
      return node.taints === undefined ? 0 : untoleratedPreferNoSchedule(node.taints, tolerationsOf(pod));
    },
    scoreAll(_state, pod, nodes, out) {
      const tols = tolerationsOf(pod);
      for (let i = 0; i < nodes.length; i++) {
        const taints = nodes[i]!.taints;
        out[i] = taints === undefined ? 0 : untoleratedPreferNoSchedule(taints, tols);
      }
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
    },
  };
}
