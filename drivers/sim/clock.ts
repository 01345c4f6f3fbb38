import { OutpostError } from '../types.js';

export interface WorldClockOptions {
  /** World time at the moment the clock is anchored. */
  startMs: number;
  /** World milliseconds per wall millisecond: 1 is real time, 60 runs a world hour per wall minute. */
  factor: number;
  /** Wall time the world starts at; defaults to now, tests pass it to stay deterministic. */
  wallStartMs?: number;
}

/**
 * Maps wall time to world time, so tests can live through a simulated day in minutes while every signal
 * stays a function of world time only.
 */
export class WorldClock {
  readonly startMs: number;
  readonly factor: number;
  readonly wallStartMs: number;

  constructor(options: WorldClockOptions) {
    if (!Number.isFinite(options.factor) || options.factor <= 0) {
      throw new OutpostError('SIM_BAD_OPTION', `world clock factor must be a positive number, got ${options.factor}`, {
        factor: options.factor,
      });
    }
    if (!Number.isFinite(options.startMs)) {
      throw new OutpostError('SIM_BAD_OPTION', `world clock startMs must be a finite epoch in ms, got ${options.startMs}`, {
        startMs: options.startMs,
      });
    }
    this.startMs = options.startMs;
    this.factor = options.factor;
    this.wallStartMs = options.wallStartMs ?? Date.now();
  }

  worldNow(wallMs: number = Date.now()): number {
    return this.startMs + (wallMs - this.wallStartMs) * this.factor;
  }

  /** The wall time at which the world reaches `worldMs`: for scheduling a wall timer on a world event. */
  toWall(worldMs: number): number {
    return this.wallStartMs + (worldMs - this.startMs) / this.factor;
  }
}
