/**
 * ControllerExpectations (pkg/controller/controller_utils.go): after issuing creates/deletes a controller waits to
 * observe them through its watch before it syncs again, so watch latency does not make it create twice.
 * Expectations expire after 5 min (`ExpectationsTimeout`).
 */
import type { Micros } from '../../engine/time.js';

/** ExpectationsTimeout. */
export const EXPECTATIONS_TIMEOUT_US = 5 * 60_000_000;

interface Expectation {
  add: number;
  del: number;
  timestamp: Micros;
}

/** Pending creates/deletes per controller key. */
export class Expectations {
  private readonly m = new Map<string, Expectation>();

  /** Sets the expected creations and deletions of a key. */
  expect(key: string, add: number, del: number, now: Micros): void {
    this.m.set(key, { add, del, timestamp: now });
  }

  /** One expected creation was observed (or will never happen). */
  creationObserved(key: string): void {
    const e = this.m.get(key);
    if (e !== undefined) e.add--;
  }

  /** One expected deletion was observed. */
  deletionObserved(key: string): void {
    const e = this.m.get(key);
    if (e !== undefined) e.del--;
  }

  /** Whether the controller may sync the key. */
  satisfied(key: string, now: Micros): boolean {
    const e = this.m.get(key);
    if (e === undefined) return true;
    return (e.add <= 0 && e.del <= 0) || now - e.timestamp > EXPECTATIONS_TIMEOUT_US;
  }

  /** Forgets a key. */
  delete(key: string): void {
    this.m.delete(key);
  }
}
