/**
 * kube-proxy's sync loop runner (pkg/util/async/bounded_frequency_runner.go), as the proxiers create it:
 * `NewBoundedFrequencyRunner("sync-runner", syncProxyRules, minSyncPeriod, time.Hour, burstSyncs = 2)`.
 *
 * `run()` asks for a sync as soon as possible; requests made while one is pending or running collapse into one (the
 * run channel holds a single element). `tryRun`: when the token bucket (qps = 1 / minInterval, burst) has a token,
 * the function runs now, and afterwards the timer is set to maxInterval (the periodic sync); otherwise the timer is
 * set to min(minInterval − time since the last run, the time left on it). `retryAfter(d)` makes sure a run happens
 * within d. The function is asynchronous here: the loop is busy until it calls back, as upstream's loop is blocked
 * while syncProxyRules runs; `lastRun` is when it returned.
 */
import type { Engine, EventHandle } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';

/** Upstream's proxiers' burst. */
export const BURST_SYNCS = 2;
/** maxInterval: one hour. */
export const MAX_SYNC_INTERVAL_US = 3_600_000_000;

/** The bounded-frequency runner of one kube-proxy. */
export class BoundedFrequencyRunner {
  private tokens: number;
  private lastRefill: Micros;
  private lastRun: Micros = -Infinity;
  private timer: EventHandle | undefined;
  private timerAt: Micros = Infinity;
  private busy = false;
  private pending = false;
  /** Runs so far. */
  runs = 0;

  constructor(
    private readonly engine: Engine,
    private readonly fn: (done: () => void) => void,
    private readonly minIntervalUs: Micros,
    private readonly maxIntervalUs: Micros = MAX_SYNC_INTERVAL_US,
    private readonly burst = BURST_SYNCS,
  ) {
    this.tokens = burst;
    this.lastRefill = engine.now;
  }

  /** `Loop` starts with the timer at maxInterval. */
  start(): void {
    this.setTimer(this.maxIntervalUs);
  }

  /** `Run`: sync as soon as allowed. */
  run(): void {
    if (this.busy) {
      this.pending = true;
      return;
    }
    this.tryRun();
  }

  /** `RetryAfter`: run no later than `intervalUs` from now. */
  retryAfter(intervalUs: Micros): void {
    if (this.engine.now + intervalUs < this.timerAt) this.setTimer(intervalUs);
  }

  private tryAccept(): boolean {
    if (this.minIntervalUs <= 0) return true;
    const now = this.engine.now;
    this.tokens = Math.min(this.burst, this.tokens + (now - this.lastRefill) / this.minIntervalUs);
    this.lastRefill = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  private setTimer(inUs: Micros): void {
    if (this.timer !== undefined) this.engine.cancel(this.timer);
    const delay = Math.max(0, Math.round(inUs));
    this.timerAt = this.engine.now + delay;
    this.timer = this.engine.schedule(delay, () => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.run();
    });
  }

  private tryRun(): void {
    if (this.tryAccept()) {
      this.busy = true;
      this.runs++;
      this.fn(() => {
        this.busy = false;
        this.lastRun = this.engine.now;
        this.setTimer(this.maxIntervalUs);
        if (this.pending) {
          this.pending = false;
          this.tryRun();
        }
      });
      return;
    }
    // Upstream retries after minInterval − elapsed; a token is due no later than that (it refills at
    // 1 / minInterval), so waiting for the token as well only guards against rounding.
    const nextPossible = Math.max(this.minIntervalUs - (this.engine.now - this.lastRun), (1 - this.tokens) * this.minIntervalUs, 1);
    const nextScheduled = this.timerAt - this.engine.now;
    this.setTimer(Math.min(nextPossible, nextScheduled));
  }
}
