/**
 * How the HPA turns a metric recommendation into the replica count it sets (pkg/controller/podautoscaler/horizontal.go):
 *
 * - without `behavior` (`normalizeDesiredReplicas`): the highest recommendation of the downscale stabilization
 *   window (5 min) wins (`stabilizeRecommendation`), then `convertDesiredReplicasWithRules` bounds it by
 *   minReplicas, maxReplicas and the scale-up limit max(2 × current, 4);
 * - with `behavior` (`normalizeDesiredReplicasWithBehaviors`): the recommendation is held between the lowest
 *   recommendation of the scale-up window and the highest of the scale-down window
 *   (`stabilizeRecommendationWithBehaviors`), then the scaling policies limit the change over each policy's period
 *   from the scale events recorded (`calculateScaleUpLimitWithScalingRules`,
 *   `calculateScaleDownLimitWithBehaviors`, selectPolicy Max/Min/Disabled).
 */
import type { Micros } from '../../../engine/time.js';
import type { HPAScalingRules } from '../../../cluster/types.js';

/** --horizontal-pod-autoscaler-downscale-stabilization. */
export const DOWNSCALE_STABILIZATION_US = 300_000_000;
/** `scaleUpLimitFactor` and `scaleUpLimitMinimum`. */
export const SCALE_UP_LIMIT_FACTOR = 2;
export const SCALE_UP_LIMIT_MINIMUM = 4;

/** A past recommendation (`timestampedRecommendation`). */
export interface Recommendation {
  recommendation: number;
  timestamp: Micros;
}

/** A past scale change (`timestampedScaleEvent`). */
export interface ScaleEvent {
  replicaChange: number;
  timestamp: Micros;
  outdated: boolean;
}

/** What a normalisation decided, with the AbleToScale and ScalingLimited reasons. */
export interface Normalized {
  replicas: number;
  ableReason: string;
  ableMessage: string;
  limited: boolean;
  limitReason: string;
  limitMessage: string;
}

/** Replaces the oldest outdated sample or appends (the upstream recycling of slots). */
function record(list: Recommendation[], index: number | undefined, rec: Recommendation): void {
  if (index !== undefined) list[index] = rec;
  else list.push(rec);
}

/** `stabilizeRecommendation` + `convertDesiredReplicasWithRules`. */
export function normalizeWithoutBehavior(recs: Recommendation[], now: Micros, current: number, desired: number, min: number, max: number, windowUs = DOWNSCALE_STABILIZATION_US): Normalized {
  let stabilized = desired;
  let old: number | undefined;
  const cutoff = now - windowUs;
  recs.forEach((r, i) => {
    if (r.timestamp < cutoff) old = i;
    else if (r.recommendation > stabilized) stabilized = r.recommendation;
  });
  record(recs, old, { recommendation: desired, timestamp: now });
  const able = stabilized !== desired ? ['ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation'] : ['ReadyForNewScale', 'recommended size matches current size'];
  const scaleUpLimit = Math.trunc(Math.max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM));
  let maxAllowed: number;
  let reason: string;
  let message: string;
  if (max > scaleUpLimit) {
    maxAllowed = scaleUpLimit;
    reason = 'ScaleUpLimit';
    message = 'the desired replica count is increasing faster than the maximum scale rate';
  } else {
    maxAllowed = max;
    reason = 'TooManyReplicas';
    message = 'the desired replica count is more than the maximum replica count';
  }
  let replicas = stabilized;
  if (stabilized < min) {
    replicas = min;
    reason = 'TooFewReplicas';
    message = 'the desired replica count is less than the minimum replica count';
  } else if (stabilized > maxAllowed) replicas = maxAllowed;
  else {
    reason = 'DesiredWithinRange';
    message = 'the desired count is within the acceptable range';
  }
  return { replicas, ableReason: able[0]!, ableMessage: able[1]!, limited: replicas !== stabilized, limitReason: reason, limitMessage: message };
}

/** Replicas changed by the events within the last `periodSeconds` (`getReplicasChangePerPeriod`). */
export function changeInPeriod(periodSeconds: number, events: readonly ScaleEvent[], now: Micros): number {
  const cutoff = now - periodSeconds * 1_000_000;
  let n = 0;
  for (const e of events) if (e.timestamp > cutoff) n += e.replicaChange;
  return n;
}

/** `calculateScaleUpLimitWithScalingRules`. */
export function scaleUpLimit(current: number, up: readonly ScaleEvent[], down: readonly ScaleEvent[], rules: HPAScalingRules, now: Micros): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const minChange = rules.selectPolicy === 'Min';
  let result = minChange ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(p.periodSeconds, up, now) + changeInPeriod(p.periodSeconds, down, now);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = minChange ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** `calculateScaleDownLimitWithBehaviors`. */
export function scaleDownLimit(current: number, up: readonly ScaleEvent[], down: readonly ScaleEvent[], rules: HPAScalingRules, now: Micros): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const minChange = rules.selectPolicy === 'Min';
  let result = minChange ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(p.periodSeconds, up, now) + changeInPeriod(p.periodSeconds, down, now);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = minChange ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** `normalizeDesiredReplicasWithBehaviors`: stabilisation windows, then the policies' rate limits. */
export function normalizeWithBehavior(
  recs: Recommendation[],
  up: readonly ScaleEvent[],
  down: readonly ScaleEvent[],
  rules: { scaleUp: HPAScalingRules; scaleDown: HPAScalingRules },
  now: Micros,
  current: number,
  desired: number,
  min: number,
  max: number,
  defaultDownWindowUs = DOWNSCALE_STABILIZATION_US,
): Normalized {
  const upCutoff = now - (rules.scaleUp.stabilizationWindowSeconds ?? 0) * 1_000_000;
  const downWindow = rules.scaleDown.stabilizationWindowSeconds !== undefined ? rules.scaleDown.stabilizationWindowSeconds * 1_000_000 : defaultDownWindowUs;
  const downCutoff = now - downWindow;
  let upRec = desired;
  let downRec = desired;
  let old: number | undefined;
  recs.forEach((r, i) => {
    if (r.timestamp > upCutoff) upRec = Math.min(r.recommendation, upRec);
    if (r.timestamp > downCutoff) downRec = Math.max(r.recommendation, downRec);
    if (r.timestamp < upCutoff && r.timestamp < downCutoff) old = i;
  });
  let stabilized = current;
  if (stabilized < upRec) stabilized = upRec;
  if (stabilized > downRec) stabilized = downRec;
  record(recs, old, { recommendation: desired, timestamp: now });
  const able =
    stabilized !== desired
      ? desired >= current
        ? ['ScaleUpStabilized', 'recent recommendations were lower than current one, applying the lowest recent recommendation']
        : ['ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation']
      : ['ReadyForNewScale', 'recommended size matches current size'];
  let replicas = stabilized;
  let reason = 'DesiredWithinRange';
  let message = 'the desired count is within the acceptable range';
  if (stabilized > current) {
    const limit = Math.max(scaleUpLimit(current, up, down, rules.scaleUp, now), current);
    let maxAllowed = max;
    if (maxAllowed > limit) {
      maxAllowed = limit;
      reason = 'ScaleUpLimit';
      message = 'the desired replica count is increasing faster than the maximum scale rate';
    } else {
      reason = 'TooManyReplicas';
      message = 'the desired replica count is more than the maximum replica count';
    }
    if (stabilized > maxAllowed) replicas = maxAllowed;
    else [reason, message] = ['DesiredWithinRange', 'the desired count is within the acceptable range'];
  } else if (stabilized < current) {
    const limit = Math.min(scaleDownLimit(current, up, down, rules.scaleDown, now), current);
    let minAllowed = min;
    if (minAllowed < limit) {
      minAllowed = limit;
      reason = 'ScaleDownLimit';
      message = 'the desired replica count is decreasing faster than the maximum scale rate';
    } else {
      reason = 'TooFewReplicas';
      message = 'the desired replica count is less than the minimum replica count';
    }
    if (stabilized < minAllowed) replicas = minAllowed;
    else [reason, message] = ['DesiredWithinRange', 'the desired count is within the acceptable range'];
  }
  return { replicas, ableReason: able[0]!, ableMessage: able[1]!, limited: replicas !== stabilized, limitReason: reason, limitMessage: message };
}

/** `storeScaleEvent`: records a change, reusing a slot older than the longest policy period. */
export function storeScaleEvent(events: ScaleEvent[], rules: HPAScalingRules, change: number, now: Micros): void {
  const longest = Math.max(0, ...(rules.policies ?? []).map((p) => p.periodSeconds));
  const cutoff = now - longest * 1_000_000;
  let old: number | undefined;
  events.forEach((e, i) => {
    if (e.timestamp < cutoff) e.outdated = true;
    if (e.outdated) old = i;
  });
  const ev = { replicaChange: change, timestamp: now, outdated: false };
  if (old !== undefined) events[old] = ev;
  else events.push(ev);
}
