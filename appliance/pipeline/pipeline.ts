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
}

/** normalise → validate → window, synchronous over one tick's batch. */
export class Pipeline {
  private readonly validator = new ReadingValidator();
  private readonly windows: WindowAggregator;

  constructor(opts: { windowMs: number; graceMs: number }) {
    this.windows = new WindowAggregator(opts);
  }

  process(batch: readonly Reading[], now: number): PipelineOutput {
    const accepted: Reading[] = [];
    const drops: Record<string, number> = {};
    const dropped: PipelineOutput['dropped'] = [];
    const firstDrops = new Set<string>();
    const drop = (reading: Reading, reason: string) => {
      drops[reason] = (drops[reason] ?? 0) + 1;
      const key = `${reading.device}\u0000${reason}`;
      if (firstDrops.has(key)) return;
      firstDrops.add(key);
      dropped.push({ reading, reason });
    };
    for (const raw of batch) {
      const normalised = normalise(raw);
      if (!normalised.ok) {
        drop(raw, normalised.reason);
        continue;
      }
      const reading = normalised.reading;
      const invalid = this.validator.check(reading);
      if (invalid) drop(reading, invalid);
      else if (!this.windows.add(reading)) drop(reading, 'late');
      else accepted.push(reading);
    }
    return { accepted, summaries: this.windows.closeDue(now), drops, dropped };
  }

  /**
   * Puts readings stored before a restart back into their open windows, so a window that a stop or a
   * crash interrupted is summarised once, whole, instead of twice in parts.
   */
  resume(stored: readonly Reading[]): void {
    for (const reading of stored) this.windows.add(reading);
  }
}
