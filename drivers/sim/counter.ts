import { HOUR_MS, MINUTE_MS, type Signal } from './signal.js';

export interface CounterOptions {
  /** The counter reads `initial` at and before this world time and integrates from there. */
  originMs: number;
  initial: number;
  /** Counter units per (rate unit × ms): W → kWh is 1 / 3.6e9, parts/min → parts is 1 / 60_000. */
  perMs: number;
  /** Integration step; the rate is sampled at the middle of each. */
  stepMs?: number;
}

/**
 * A counter that integrates a rate (energy = ∫ power dt, parts = ∫ parts/min dt) and stays a pure function
 * of time. The integral runs on a fixed grid of steps from the origin, so its value never depends on the
 * order of reads; a sum is kept per hour of world time (memoised: 70 kB per counter per simulated year),
 * so a read costs at most one hour's worth of steps. Negative rates count as zero and the value is
 * interpolated linearly inside a step, so the counter never goes down.
 */
export function counter(rate: Signal, o: CounterOptions): Signal {
  const stepMs = o.stepMs ?? MINUTE_MS;
  const stepsPerBlock = Math.max(1, Math.round(HOUR_MS / stepMs));
  const blockMs = stepsPerBlock * stepMs;
  // blockSums[k]: ∫ rate from the origin to origin + k blocks, in rate unit × ms.
  const blockSums: number[] = [0];

  const stepArea = (stepStart: number): number => Math.max(0, rate(stepStart + stepMs / 2)) * stepMs;

  const blockSum = (k: number): number => {
    while (blockSums.length <= k) {
      const last = blockSums.length - 1;
      const blockStart = o.originMs + last * blockMs;
      let acc = blockSums[last]!;
      for (let i = 0; i < stepsPerBlock; i++) acc += stepArea(blockStart + i * stepMs);
      blockSums.push(acc);
    }
    return blockSums[k]!;
  };

  return (t) => {
    if (!(t > o.originMs)) return o.initial;
    const elapsed = t - o.originMs;
    const k = Math.floor(elapsed / blockMs);
    const blockStart = o.originMs + k * blockMs;
    const within = t - blockStart;
    const j = Math.min(stepsPerBlock - 1, Math.floor(within / stepMs));
    // The same additions in the same order as blockSum, so the value is continuous at block edges.
    let acc = blockSum(k);
    for (let i = 0; i < j; i++) acc += stepArea(blockStart + i * stepMs);
    const fraction = (within - j * stepMs) / stepMs;
    return o.initial + o.perMs * (acc + fraction * stepArea(blockStart + j * stepMs));
  };
}
