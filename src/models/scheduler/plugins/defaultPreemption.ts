/**
 * DefaultPreemption (pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go with the evaluator of
 * pkg/scheduler/framework/preemption/preemption.go), the PostFilter that runs when a pod fits no node:
 * 1. Eligibility (`PodEligibleToPreemptOthers`): not with preemptionPolicy Never; not while a lower-priority pod
 *    terminating by preemption is still on the pod's nominated node (unless that node is now
 *    UnschedulableAndUnresolvable).
 * 2. Candidates (`findCandidates`, `DryRunPreemption`): only nodes whose filter status was Unschedulable (not
 *    UnschedulableAndUnresolvable). From a random offset (the seeded `scheduler.preemption` stream), each node is
 *    dry-run on a copy of its NodeInfo and of the cycle state: every lower-priority pod is removed (PreFilter
 *    extensions updated); if the pod still does not fit, the node is no candidate; otherwise victims are reprieved
 *    from the most important down (higher priority, then earlier start), PDB-violating ones first, keeping each
 *    reprieve the pod still fits with. The dry run stops once it has at least one non-violating candidate and
 *    `numCandidates` in all, where numCandidates = max(nodes × minCandidateNodesPercentage / 100,
 *    minCandidateNodesAbsolute), at most the number of potential nodes (defaults 10 % and 100).
 * 3. Choice (`pickOneNodeForPreemption`): fewest PDB violations, then the lowest highest-victim priority, the lowest
 *    sum of priorities (each + 2^31), the fewest victims, the latest start among the highest-priority victims, then
 *    the first candidate.
 * 4. `prepareCandidate`: each victim gets the DisruptionTarget condition and a graceful delete, with a Preempted
 *    event; lower-priority pods nominated to the node lose their nomination; the preemptor is nominated to it.
 * PDB accounting (`filterPodsWithPDBViolation`): a victim violates a budget of its namespace whose non-empty selector
 * matches it once the budget's disruptionsAllowed, decremented per matching victim, goes below zero.
 * Each Filter run of the dry run counts as one work unit per filter plugin for the cycle cost model.
 */
import type { Pod, PodDisruptionBudget } from '../../../cluster/types.js';
import { compileLabelSelector } from '../../../cluster/selector.js';
import type { CycleState, PluginHandle, PostFilterPlugin } from '../framework/interfaces.js';
import { cloneCycleState } from '../framework/interfaces.js';
import { Code, type Status, status } from '../framework/status.js';
import { fitErrorMessage } from '../fitError.js';
import { NodeInfo } from '../nodeInfo.js';
import type { PodInfo } from '../podInfo.js';

export const DEFAULT_PREEMPTION = 'DefaultPreemption';
export const ERR_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const ERR_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
const MAX_INT32 = 2147483647;

/** DefaultPreemptionArgs (pkg/scheduler/apis/config/v1/defaults.go: 10 and 100). */
export interface DefaultPreemptionArgs {
  minCandidateNodesPercentage?: number;
  minCandidateNodesAbsolute?: number;
}

/** `calculateNumCandidates`. */
export function numCandidates(numNodes: number, percentage: number, absolute: number): number {
  let n = Math.trunc((numNodes * percentage) / 100);
  if (n < absolute) n = absolute;
  if (n > numNodes) n = numNodes;
  return n;
}

const priorityOf = (p: Pod) => p.spec.priority ?? 0;
const startOf = (p: Pod) => p.status.startTime ?? Number.MAX_SAFE_INTEGER;

/** util.MoreImportantPod: higher priority, then the earlier start time (a pod not started counts as starting now). */
export function moreImportantPod(a: Pod, b: Pod): boolean {
  const pa = priorityOf(a);
  const pb = priorityOf(b);
  if (pa !== pb) return pa > pb;
  return startOf(a) < startOf(b);
}

/** Victims on one candidate node, most important first. */
export interface Candidate {
  node: string;
  victims: Pod[];
  numPDBViolations: number;
}

/** `filterPodsWithPDBViolation`: splits pods (kept in order) into those whose eviction would violate a budget and the rest. */
export function filterPodsWithPDBViolation(pods: readonly PodInfo[], pdbs: readonly PodDisruptionBudget[]): [PodInfo[], PodInfo[]] {
  const allowed = pdbs.map((p) => p.status.disruptionsAllowed);
  const selectors = pdbs.map((p) => {
    const sel = p.spec.selector;
    const empty = sel === undefined || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
    return empty ? undefined : compileLabelSelector(sel);
  });
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const pi of pods) {
    const pod = pi.pod;
    let violated = false;
    if (pod.metadata.labels !== undefined && Object.keys(pod.metadata.labels).length > 0) {
      pdbs.forEach((pdb, i) => {
        if ((pdb.metadata.namespace ?? 'default') !== (pod.metadata.namespace ?? 'default')) return;
        const sel = selectors[i];
        if (sel === undefined || !sel(pod.metadata.labels)) return;
        allowed[i]!--;
        if (allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(pi);
  }
  return [violating, nonViolating];
}

/** `pickOneNodeForPreemption` over candidates (victims sorted most important first). */
export function pickOneNodeForPreemption(candidates: readonly Candidate[]): Candidate | undefined {
  if (candidates.length === 0) return undefined;
  const earliestTopStart = (c: Candidate) => {
    const top = priorityOf(c.victims[0]!);
    let earliest = Number.MAX_SAFE_INTEGER;
    for (const v of c.victims) if (priorityOf(v) === top && startOf(v) < earliest) earliest = startOf(v);
    return earliest;
  };
  const scoreFuncs: ((c: Candidate) => number)[] = [
    (c) => -c.numPDBViolations,
    (c) => -priorityOf(c.victims[0]!),
    (c) => -c.victims.reduce((s, v) => s + priorityOf(v) + MAX_INT32 + 1, 0),
    (c) => -c.victims.length,
    (c) => earliestTopStart(c),
  ];
  let all = [...candidates];
  for (const f of scoreFuncs) {
    let max = -Infinity;
    let selected: Candidate[] = [];
    for (const c of all) {
      const s = f(c);
      if (s > max) {
        max = s;
        selected = [];
      }
      if (s === max) selected.push(c);
    }
    if (selected.length === 1) return selected[0];
    all = selected;
  }
  return all[0];
}

/** Whether a pod is terminating because the scheduler preempted it (`podTerminatingByPreemption`). */
function terminatingByPreemption(p: Pod): boolean {
  if (p.metadata.deletionTimestamp === undefined) return false;
  const c = p.status.conditions?.find((x) => x.type === 'DisruptionTarget');
  return c !== undefined && c.status === 'True' && c.reason === 'PreemptionByScheduler';
}

const NO_VICTIMS: Status = Object.freeze(status(Code.UnschedulableAndUnresolvable, ERR_NO_VICTIMS));

function hasLowerPriorityPod(node: NodeInfo, priority: number): boolean {
  for (const pi of node.pods.values()) if (priorityOf(pi.pod) < priority) return true;
  return false;
}

/** Creates the plugin. */
export function defaultPreemption(rawArgs: Record<string, unknown> | undefined, handle: PluginHandle): PostFilterPlugin {
  const args = (rawArgs ?? {}) as DefaultPreemptionArgs;
  const percentage = args.minCandidateNodesPercentage ?? 10;
  const absolute = args.minCandidateNodesAbsolute ?? 100;
  if (!(Number.isInteger(percentage) && percentage >= 0 && percentage <= 100)) throw new Error('DefaultPreemption args: minCandidateNodesPercentage: expected an integer 0–100');
  if (!(Number.isInteger(absolute) && absolute >= 0)) throw new Error('DefaultPreemption args: minCandidateNodesAbsolute: expected a non-negative integer');
  if (percentage === 0 && absolute === 0) throw new Error('DefaultPreemption args: minCandidateNodesPercentage and minCandidateNodesAbsolute cannot both be 0');

  /** `SelectVictimsOnNode` on copies of the node and state. */
  const selectVictimsOnNode = (state: CycleState, pod: PodInfo, node: NodeInfo, pdbs: readonly PodDisruptionBudget[]): { victims: Pod[]; violations: number } | Status => {
    const prio = priorityOf(pod.pod);
    const potential: PodInfo[] = [];
    for (const pi of node.pods.values()) if (priorityOf(pi.pod) < prio) potential.push(pi);
    if (potential.length === 0) return status(Code.UnschedulableAndUnresolvable, ERR_NO_VICTIMS);
    const remove = (pi: PodInfo) => {
      node.removePod(pi.pod.metadata.uid!);
      handle.runPreFilterExtensionRemovePod(state, pod, pi, node);
    };
    const add = (pi: PodInfo) => {
      node.addPod(pi);
      handle.runPreFilterExtensionAddPod(state, pod, pi, node);
    };
    for (const pi of potential) remove(pi);
    const s = handle.runFilterPluginsWithNominatedPods(state, pod, node);
    if (s !== null && s.code !== Code.Success) return s;
    potential.sort((a, b) => (moreImportantPod(a.pod, b.pod) ? -1 : moreImportantPod(b.pod, a.pod) ? 1 : 0));
    const [violating, nonViolating] = filterPodsWithPDBViolation(potential, pdbs);
    const victims: PodInfo[] = [];
    let violations = 0;
    const reprieve = (pi: PodInfo): boolean => {
      add(pi);
      const r = handle.runFilterPluginsWithNominatedPods(state, pod, node);
      const fits = r === null || r.code === Code.Success;
      if (!fits) {
        remove(pi);
        victims.push(pi);
      }
      return fits;
    };
    for (const pi of violating) if (!reprieve(pi)) violations++;
    for (const pi of nonViolating) reprieve(pi);
    if (violating.length > 0 && nonViolating.length > 0) victims.sort((a, b) => (moreImportantPod(a.pod, b.pod) ? -1 : moreImportantPod(b.pod, a.pod) ? 1 : 0));
    return { victims: victims.map((v) => v.pod), violations };
  };

  return {
    name: DEFAULT_PREEMPTION,
    postFilter(state, pod, statuses) {
      const p = pod.pod;
      const all = handle.nodes();
      const unschedulable = (msg: string) => ({ status: status(Code.Unschedulable, `preemption: ${msg}`) });
      // 1) eligibility
      if (p.spec.preemptionPolicy === 'Never') return unschedulable('not eligible due to preemptionPolicy=Never.');
      const nom = p.status.nominatedNodeName;
      if (nom !== undefined && nom !== '' && statuses.get(nom)?.code !== Code.UnschedulableAndUnresolvable) {
        const ni = all.find((n) => n.name === nom);
        if (ni !== undefined) {
          for (const v of ni.pods.values()) {
            if (priorityOf(v.pod) < priorityOf(p) && terminatingByPreemption(v.pod)) return unschedulable('not eligible due to a terminating pod on the nominated node.');
          }
        }
      }
      // 2) candidates
      const dryRunStatuses = new Map<string, number>();
      const pdbs = handle.pdbs();
      const nonViolating: Candidate[] = [];
      const violatingCands: Candidate[] = [];
      let checked = 0;
      const lowest = handle.lowestPodPriority();
      // No pod anywhere has a lower priority: every potential node answers "no victims" (as the dry run would), so
      // only their number is needed.
      const noVictims = lowest === undefined || lowest >= priorityOf(p);
      const potential = noVictims ? [] : statuses.nodesWithCode(Code.Unschedulable);
      const potentialCount = noVictims ? statuses.countWithCode(Code.Unschedulable) : potential.length;
      if (potentialCount > 0 && noVictims) {
        dryRunStatuses.set(ERR_NO_VICTIMS, potentialCount);
        checked = potentialCount;
      } else if (potential.length > 0) {
        const offset = handle.preemptionRandom().int(potential.length);
        const want = numCandidates(potential.length, percentage, absolute);
        for (let i = 0; i < potential.length; i++) {
          const node = potential[(offset + i) % potential.length]!;
          checked++;
          // A node without lower-priority pods has no victims: answered before copying anything.
          const r = hasLowerPriorityPod(node, priorityOf(p)) ? selectVictimsOnNode(cloneCycleState(state), pod, node.snapshot(), pdbs) : NO_VICTIMS;
          if ('victims' in r) {
            if (r.victims.length === 0) {
              const reason = `expected at least one victim pod on node "${node.name}"`;
              dryRunStatuses.set(reason, (dryRunStatuses.get(reason) ?? 0) + 1);
              continue;
            }
            (r.violations === 0 ? nonViolating : violatingCands).push({ node: node.name, victims: r.victims, numPDBViolations: r.violations });
            if (nonViolating.length > 0 && nonViolating.length + violatingCands.length >= want) break;
          } else {
            for (const reason of r.reasons) dryRunStatuses.set(reason, (dryRunStatuses.get(reason) ?? 0) + 1);
          }
        }
      }
      const candidates = [...nonViolating, ...violatingCands];
      if (candidates.length === 0) {
        // FitError over the dry run's statuses; nodes it did not check count as "Preemption is not helpful". The
        // outer message adds its own period, hence upstream's familiar "...incoming pod.." ending.
        const absent = all.length - checked;
        if (absent > 0) dryRunStatuses.set(ERR_NOT_HELPFUL, (dryRunStatuses.get(ERR_NOT_HELPFUL) ?? 0) + absent);
        return { status: status(Code.Unschedulable, `preemption: ${fitErrorMessage(all.length, dryRunStatuses)}`), nominatedNodeName: '' };
      }
      // 3) choice and 4) preparation
      const best = candidates.length === 1 ? candidates[0]! : pickOneNodeForPreemption(candidates)!;
      const schedulerName = p.spec.schedulerName ?? 'default-scheduler';
      for (const v of best.victims) if (v.metadata.deletionTimestamp === undefined) handle.preemptPod(v, p, best.node, schedulerName);
      const lower = handle.nominatedPodsForNode(best.node).filter((n) => priorityOf(n.pod) < priorityOf(p)).map((n) => n.pod);
      if (lower.length > 0) handle.clearNominatedNodeName(lower);
      return { status: null, nominatedNodeName: best.node };
    },
  };
}
