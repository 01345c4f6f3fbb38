import type { Reading } from '../../drivers/types.js';
import type { Summary } from '../model/summary.js';
import { normalise } from './normalise.js';
import { ReadingValidator } from './validate.js';
import { WindowAggregator } from './window.js';

export interface PipelineOutput {
  accepted: Reading[];
  summaries: Summary[];
  /** Count per drop reason: `nan`, `range`, `spike`, `unit`, `unknown-metric`, `late`. */
  drops: Record<string, number>;
  /** The first dropped reading per device×reason in this batch, for the log. */
  dropped: { reading: Reading; reason: string }[];
  /** Anomaly scores aligned with `accepted`, when the readings were scored. */
  scores?: number[];
}

/** Readings that passed normalise and validate, not yet windowed. */
export interface Admitted extends Omit<PipelineOutput, 'summaries' | 'scores'> {
  firstDrops: Set<string>;
}

function countDrop(drops: Record<string, number>, dropped: PipelineOutput['dropped'], firstDrops: Set<string>, reading: Reading, reason: string): void {
  drops[reason] = (drops[reason] ?? 0) + 1;
  const key = `${reading.device}\u0000${reason}`;
  if (firstDrops.has(key)) return;
  firstDrops.add(key);
  dropped.push({ reading, reason });
}

/** normalise → validate → (score, by the caller) → window, synchronous over one tick's batch. */
export class Pipeline {
  private readonly validator = new ReadingValidator();
  private readonly windows: WindowAggregator;

  constructor(opts: { windowMs: number; graceMs: number }) {
    this.windows = new WindowAggregator(opts);
  }

  process(batch: readonly Reading[], now: number): PipelineOutput {
    return this.window(this.admit(batch), now);
  }

  /** normalise → validate, without touching windows: what passes can be scored before it is windowed. */
  admit(batch: readonly Reading[]): Admitted {
    const accepted: Reading[] = [];
    const drops: Record<string, number> = {};
    const dropped: PipelineOutput['dropped'] = [];
    const firstDrops = new Set<string>();
    for (const raw of batch) {
      const normalised = normalise(raw);
      if (!normalised.ok) {
        countDrop(drops, dropped, firstDrops, raw, normalised.reason);
        continue;
      }
      const invalid = this.validator.check(normalised.reading);
      if (invalid) countDrop(drops, dropped, firstDrops, normalised.reading, invalid);
      else accepted.push(normalised.reading);
    }
    return { accepted, drops, dropped, firstDrops };
  }

  /** Windows admitted readings with their anomaly scores (aligned with `accepted`), dropping late ones. */
  window(admitted: Admitted, now: number, scores?: ArrayLike<number>): PipelineOutput {
    const { drops, dropped, firstDrops } = admitted;
    const accepted: Reading[] = [];
    const kept: number[] = [];
    admitted.accepted.forEach((reading, i) => {
      const score = scores ? (scores[i] ?? null) : null;
      if (!this.windows.add(reading, score)) countDrop(drops, dropped, firstDrops, reading, 'late');
      else {
        accepted.push(reading);
        if (score !== null) kept.push(score);
      }
    });
    return { accepted, ...(scores ? { scores: kept } : {}), summaries: this.windows.closeDue(now), drops, dropped };
  }

  /**
   * Puts readings stored before a restart back into their open windows, so a window that a stop or a
   * crash interrupted is summarised once, whole, instead of twice in parts.
   */
  resume(stored: readonly Reading[]): void {
    for (const reading of stored) this.windows.add(reading);
  }
}
