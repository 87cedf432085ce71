/** `intstr.IntOrString` arithmetic (k8s.io/apimachinery/pkg/util/intstr). */

/**
 * `GetScaledValueFromIntOrPercent`: an integer as is, or a percentage of `total`, rounded up or down.
 * The percentage is computed as upstream in integer-exact form: ⌈pct × total / 100⌉ or ⌊pct × total / 100⌋.
 */
export function scaledValue(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const pct = Number(v.slice(0, -1));
  const x = (pct * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}
