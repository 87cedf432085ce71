import type { Micros } from '../../engine/time.js';
import { US_PER_S } from '../../engine/time.js';

/**
 * client-go's client-side rate limiter (k8s.io/client-go/util/flowcontrol `NewTokenBucketRateLimiter`, built on
 * golang.org/x/time/rate): a bucket of `burst` tokens, full at start, refilled at `qps` per second. A request takes a
 * token; when none is left it waits for the next one, and waiting requests are served in order (tokens may go
 * negative, as `rate.Limiter.Reserve` does).
 */
export class TokenBucket {
  private tokens: number;
  private lastUs: Micros = 0;

  constructor(readonly qps: number, readonly burst: number) {
    if (!(qps > 0) || !(burst >= 1)) throw new RangeError(`token bucket needs qps > 0 and burst ≥ 1 (got ${qps}, ${burst})`);
    this.tokens = burst;
  }

  /** Reserves one token at `nowUs`; returns how long (µs) the request must wait before it is sent. */
  reserve(nowUs: Micros): Micros {
    const elapsed = nowUs - this.lastUs;
    this.lastUs = nowUs;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.qps) / US_PER_S);
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    return Math.ceil((-this.tokens * US_PER_S) / this.qps);
  }
}
