import type { Engine } from '../engine/engine.js';
import type { Micros } from '../engine/time.js';

/** Calls `sample` at 0, interval, 2 × interval… up to `endUs` inclusive (the samplers' shared clock). */
export function sampleEvery(engine: Engine, intervalUs: Micros, endUs: Micros, sample: () => void): void {
  const tick = () => {
    sample();
    const next = engine.now + intervalUs;
    if (next <= endUs) engine.at(next, tick);
  };
  engine.at(0, tick);
}
