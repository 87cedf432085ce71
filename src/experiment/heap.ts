/**
 * V8 heap sizing for simulation threads. A run allocates many short-lived objects (API object versions, events,
 * watch deliveries); with V8's default 16 MiB semi-space most of them survive a scavenge and get promoted, and the
 * old generation is then collected again and again. A 64 MiB semi-space measured about a fifth less wall time on the
 * 20,000- and 100,000-pod scale scenarios (bench/). V8 reads it at start-up only: the CLI's shebang and the npm
 * scripts pass `--max-semi-space-size`, and sweep workers get the matching young-generation limit.
 */
export const SEMI_SPACE_MB = 64;
/** The young generation V8 sizes from a semi-space: two semi-spaces and the new large-object space of the same size. */
export const YOUNG_GENERATION_MB = 3 * SEMI_SPACE_MB;
