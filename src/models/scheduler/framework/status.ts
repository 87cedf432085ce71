/**
 * Plugin results, as values (pkg/scheduler/framework/interface.go `Status`). `null` means Success, as a nil *Status
 * does upstream, so the hot Filter path allocates nothing for a node that passes.
 */

/** Status codes (framework.Code). */
export const Code = {
  Success: 0,
  Error: 1,
  Unschedulable: 2,
  UnschedulableAndUnresolvable: 3,
  Wait: 4,
  Skip: 5,
  Pending: 6,
} as const;
export type Code = (typeof Code)[keyof typeof Code];

/** Names of the codes, for traces and CSVs. */
export const CODE_NAMES: Record<Code, string> = ['Success', 'Error', 'Unschedulable', 'UnschedulableAndUnresolvable', 'Wait', 'Skip', 'Pending'] as never;

/** A non-success status: its code, reasons, and the plugin that returned it. */
export interface Status {
  readonly code: Code;
  readonly reasons: readonly string[];
  plugin?: string;
}

/** A status value; `null` is Success. */
export type StatusOrSuccess = Status | null;

/** Creates a status. */
export function status(code: Code, ...reasons: string[]): Status {
  return { code, reasons };
}

/** Whether a status is Success. */
export function isSuccess(s: StatusOrSuccess): s is null {
  return s === null || s.code === Code.Success;
}

/** Whether a status rejects the node (Unschedulable or UnschedulableAndUnresolvable). */
export function isRejected(s: StatusOrSuccess): boolean {
  return s !== null && (s.code === Code.Unschedulable || s.code === Code.UnschedulableAndUnresolvable);
}

/** The shared Skip status (PreFilter/PreScore: "this plugin has nothing to do for this pod"). */
export const SKIP: Status = Object.freeze(status(Code.Skip));
