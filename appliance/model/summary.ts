import type { DeviceId } from '../../drivers/types.js';

/** One tumbling window of one device×metric. `start` is inclusive, `end` exclusive, both ms epoch. */
export interface Summary {
  device: DeviceId;
  metric: string;
  unit: string;
  start: number;
  end: number;
  count: number;
  min: number;
  max: number;
  mean: number;
  last: number;
  /** Population standard deviation of the window's values. */
  stddev: number;
  firstTs: number;
  lastTs: number;
  /** Worst anomaly score seen in the window; null until a detector scores the stream. */
  maxScore: number | null;
}
