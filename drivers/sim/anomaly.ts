import { hashGaussian } from './random.js';
import type { Signal } from './signal.js';

/**
 * - `spike`: a short jump by `magnitude`;
 * - `level-shift`: the signal moves by `magnitude` for the whole window;
 * - `stuck`: the value freezes at what it was when the window opened (a hung sensor);
 * - `drift`: a ramp from 0 to `magnitude` across the window (overheating, fouling);
 * - `dropout`: the device stops answering (`metric` is `*`); values are unchanged, `isDown` is true;
 * - `noise-burst`: extra Gaussian noise with sigma `magnitude` (a loose wire, interference).
 * Counters only take `stuck` and `dropout`, which keep them monotonic. An anomaly acts on the one metric it
 * names, as the reading of it would: a level shift on `power` leaves `current` and `energy` alone.
 */
export type AnomalyKind = 'spike' | 'level-shift' | 'stuck' | 'drift' | 'dropout' | 'noise-burst';

/** `metric` of an anomaly that concerns the whole device rather than one of its metrics. */
export const WHOLE_DEVICE = '*';

/** A labelled anomaly at known world times, the ground truth the detector is evaluated against. */
export interface AnomalyLabel {
  /** The simulated device's name. */
  device: string;
  metric: string;
  kind: AnomalyKind;
  /** World ms, inclusive. */
  start: number;
  /** World ms, exclusive. */
  end: number;
  /** In the metric's unit; unused by `stuck` and `dropout`. */
  magnitude: number;
}

/** Noise bursts change every second of world time, like the normal noise does. */
const BURST_BUCKET_MS = 1_000;

/** The signal as the device reports it, with the anomalies on this device and metric applied inside their windows. */
export function withAnomalies(signal: Signal, labels: readonly AnomalyLabel[], seed: number): Signal {
  const active = labels.filter((label) => label.kind !== 'dropout');
  if (active.length === 0) return signal;
  const first = Math.min(...active.map((label) => label.start));
  const last = Math.max(...active.map((label) => label.end));
  return (t) => {
    let value = signal(t);
    if (t < first || t >= last) return value;
    for (const label of active) {
      if (t < label.start || t >= label.end) continue;
      switch (label.kind) {
        case 'spike':
        case 'level-shift':
          value += label.magnitude;
          break;
        case 'stuck':
          value = signal(label.start);
          break;
        case 'drift':
          value += (label.magnitude * (t - label.start)) / (label.end - label.start);
          break;
        case 'noise-burst':
          value += label.magnitude * hashGaussian(seed ^ label.start, Math.floor(t / BURST_BUCKET_MS));
          break;
      }
    }
    return value;
  };
}

/** True while a dropout label covers `worldMs`; the emulator turns it into a timeout. */
export function isDownAt(labels: readonly AnomalyLabel[], worldMs: number): boolean {
  for (const label of labels) {
    if (label.kind === 'dropout' && worldMs >= label.start && worldMs < label.end) return true;
  }
  return false;
}
