/** A one-line progress bar on a TTY (simulated time, events/s, ETA); nothing when output is piped. */
import { formatDuration } from '../cluster/duration.js';

/** Progress reporter for one run. */
export class Progress {
  private readonly startMs = Date.now();
  private lastDrawMs = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    private readonly totalUs: number,
    quiet: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = !quiet && stream.isTTY === true;
  }

  /** Redraws (at most 10 times a second). */
  update(simUs: number, events: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDrawMs < 100 && simUs < this.totalUs) return;
    this.lastDrawMs = now;
    const frac = this.totalUs > 0 ? Math.min(1, simUs / this.totalUs) : 1;
    const width = 24;
    const filled = Math.round(frac * width);
    const elapsed = (now - this.startMs) / 1000;
    const rate = elapsed > 0 ? events / elapsed : 0;
    const eta = frac > 0 ? elapsed * (1 / frac - 1) : 0;
    const sim = formatDuration(Math.floor(simUs / 1e6) * 1e6);
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  sim ${sim}  ${fmtRate(rate)} events/s  ETA ${eta.toFixed(1)}s`;
    this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
  }

  /** Clears the line. */
  done(): void {
    if (this.enabled) this.stream.write('\r\x1b[K');
  }
}

function fmtRate(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)}M` : r >= 1e3 ? `${(r / 1e3).toFixed(0)}k` : r.toFixed(0);
}

/** Progress of a sweep on a TTY: runs done, ETA. */
export class SweepProgress {
  private readonly startMs = Date.now();
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    quiet: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = !quiet && stream.isTTY === true;
  }

  /** Redraws after a run finished. */
  update(finished: number, total: number): void {
    if (!this.enabled) return;
    const elapsed = (Date.now() - this.startMs) / 1000;
    const eta = finished > 0 ? (elapsed / finished) * (total - finished) : 0;
    this.stream.write(`\r${this.label}: ${finished}/${total} runs  ${elapsed.toFixed(0)}s elapsed  ETA ${eta.toFixed(0)}s\x1b[K`);
  }

  /** Clears the line. */
  done(): void {
    if (this.enabled) this.stream.write('\r\x1b[K');
  }
}
