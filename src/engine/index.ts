/** The engine layer: clock, event queue, random streams. Knows nothing of Kubernetes. */
export { Engine, type Handler, type EventHandle } from './engine.js';
export { EventHeap } from './eventHeap.js';
export { Rng, RngStreams } from './rng.js';
export { type Micros, US_PER_MS, US_PER_S, secondsToUs, formatSeconds } from './time.js';
export { type Distribution, constant, sample, mean } from './distribution.js';
