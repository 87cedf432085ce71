/**
 * Kubernetes resource quantities, parsed exactly as apimachinery does
 * (k8s.io/apimachinery/pkg/api/resource/quantity.go, `ParseQuantity`):
 *
 *   <quantity>     ::= <signedNumber><suffix>
 *   <number>       ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 *   <suffix>       ::= <binarySI> | <decimalExponent> | <decimalSI>
 *   <binarySI>     ::= Ki | Mi | Gi | Ti | Pi | Ei
 *   <decimalSI>    ::= n | u | m | "" | k | M | G | T | P | E
 *   <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>
 *
 * The value is kept exact (BigInt mantissa × 10^exp10 × 2^exp2) and converted like `Quantity.MilliValue()` and
 * `Quantity.Value()`: rounded up to the next integer. kubesim stores cpu in milli-CPU and every other resource in
 * whole units (bytes for memory and storage, counts for pods and extended resources).
 */

/** An exact quantity: mantissa × 10^exp10 × 2^exp2. */
export interface Quantity {
  readonly mantissa: bigint;
  readonly exp10: number;
  readonly exp2: number;
}

/** Thrown for text that is not a Kubernetes quantity. */
export class QuantityError extends Error {}

const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;
const EXPONENT = /^[eE]([+-]?\d+)$/;

/** Parses quantity text (a YAML number is accepted through its decimal string). Throws QuantityError if invalid. */
export function parseQuantity(input: string | number): Quantity {
  const text = typeof input === 'number' ? numberText(input) : input;
  const m = NUMBER.exec(text);
  if (m === null) throw new QuantityError(`"${text}" is not a quantity`);
  const [, sign, intDigits = '', fracDigits, suffix = ''] = m;
  if (intDigits.length === 0 && (fracDigits === undefined || fracDigits.length === 0)) {
    throw new QuantityError(`"${text}" is not a quantity: it has no digits`);
  }
  const frac = fracDigits ?? '';
  let mantissa = BigInt((intDigits + frac).replace(/^0+(?=\d)/, '') || '0');
  if (sign === '-') mantissa = -mantissa;
  let exp10 = -frac.length;
  let exp2 = 0;
  if (suffix in BINARY) {
    exp2 = BINARY[suffix]!;
  } else if (suffix in DECIMAL) {
    exp10 += DECIMAL[suffix]!;
  } else {
    const e = EXPONENT.exec(suffix);
    if (e === null) throw new QuantityError(`"${text}" is not a quantity: unknown suffix "${suffix}"`);
    const n = Number(e[1]);
    // apimachinery refuses exponents it cannot represent; anything this large is an absurd quantity anyway.
    if (Math.abs(n) > 1000) throw new QuantityError(`"${text}" is not a quantity: exponent out of range`);
    exp10 += n;
  }
  return { mantissa, exp10, exp2 };
}

/** The quantity scaled by 10^-scale, rounded up (toward +∞) like apimachinery's `ScaledValue`. */
function scaledCeil(q: Quantity, scale: number): bigint {
  let num = q.mantissa * (1n << BigInt(q.exp2));
  const e = q.exp10 - scale;
  if (e >= 0) return num * 10n ** BigInt(e);
  const den = 10n ** BigInt(-e);
  const quotient = num / den;
  num = num - quotient * den;
  return num > 0n ? quotient + 1n : quotient;
}

function toSafeNumber(v: bigint, text: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new QuantityError(`${text} is too large (more than 2^53 units)`);
  }
  return Number(v);
}

/** `Quantity.MilliValue()`: the value in thousandths, rounded up. */
export function milliValue(q: Quantity): number {
  return toSafeNumber(scaledCeil(q, -3), 'quantity');
}

/** `Quantity.Value()`: the value in whole units, rounded up. */
export function unitValue(q: Quantity): number {
  return toSafeNumber(scaledCeil(q, 0), 'quantity');
}

/** Resource name of CPU, the one resource kubesim stores in milli-units. */
export const CPU = 'cpu';
/** Resource name of memory, in bytes. */
export const MEMORY = 'memory';
/** Resource name of the pod count. */
export const PODS = 'pods';
/** Resource name of local ephemeral storage, in bytes. */
export const EPHEMERAL_STORAGE = 'ephemeral-storage';

/** Parses the amount of `resource` as kubesim stores it: milli-CPU for cpu, whole units otherwise. */
export function resourceAmount(resource: string, input: string | number): number {
  const q = parseQuantity(input);
  if (q.mantissa < 0n) throw new QuantityError(`"${input}" is negative; resource amounts must be ≥ 0`);
  return resource === CPU ? milliValue(q) : unitValue(q);
}

const EXTENDED = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * Whether `name` is a resource name Kubernetes accepts in requests/capacity: the standard ones, hugepages-<size>, or a
 * fully qualified extended resource `domain/name` (pkg/apis/core/validation `validateResourceName`).
 */
export function isValidResourceName(name: string): boolean {
  if (name === CPU || name === MEMORY || name === PODS || name === EPHEMERAL_STORAGE || name === 'storage') return true;
  // Attach limits in node allocatable (v1helper.IsAttachableVolumeResourceName: the `attachable-volumes-` prefix).
  if (/^attachable-volumes-[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) return true;
  if (name.startsWith('hugepages-')) {
    try {
      parseQuantity(name.slice('hugepages-'.length));
      return true;
    } catch {
      return false;
    }
  }
  return EXTENDED.test(name);
}

/**
 * Formats a kubesim amount back to quantity text as Kubernetes prints it (resource.Quantity's canonical form, for
 * messages): cpu in whole cores when it can be ("2"), else milli-cores ("500m"); bytes with the largest binary suffix
 * that divides them exactly ("1Gi", "512Mi"), else plain; counts plain.
 */
export function formatAmount(resource: string, amount: number): string {
  if (resource === CPU) return amount % 1000 === 0 ? String(amount / 1000) : `${amount}m`;
  if (resource === MEMORY || resource === EPHEMERAL_STORAGE || resource.startsWith('hugepages-')) {
    for (const [suffix, f] of [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
      if (amount !== 0 && amount % f === 0) return `${amount / f}${suffix}`;
    }
  }
  return String(amount);
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new QuantityError(`${n} is not a quantity`);
  return String(n);
}
