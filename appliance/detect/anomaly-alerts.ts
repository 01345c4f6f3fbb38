import type { Reading } from '../../drivers/types.js';
import type { Alert } from '../model/alert.js';

export interface AlertPolicy {
  /** A score at or above this raises an alert. */
  raiseScore: number;
  /** The alert holds while scores stay at or above this; below it for `clearAfter` readings, it clears. */
  clearScore: number;
  clearAfter: number;
  /** After a clear, no new alert for this stream for this long: one incident, one alert. */
  cooldownMs: number;
}

/** Raises at the detector's fire level (DEFAULT_PARAMS.fireLevel), near the threshold NAB's standard profile chose (0.3955). */
export const DEFAULT_ALERT_POLICY: AlertPolicy = { raiseScore: 0.4, clearScore: 0.3, clearAfter: 10, cooldownMs: 300_000 };

interface StreamAlert {
  raised: boolean;
  quiet: number;
  clearedAt: number;
}

/**
 * Turns scores into anomaly alerts with hysteresis: raise at `raiseScore`, hold above `clearScore`,
 * clear after `clearAfter` quiet readings, then stay silent for `cooldownMs` (by reading time).
 */
export class AnomalyAlerts {
  /** By the detector's stream key, a string the caller holds: its hash is cached, where device and metric of a fresh reading are new strings. */
  private readonly streams = new Map<string, StreamAlert>();

  constructor(private readonly policy: AlertPolicy = DEFAULT_ALERT_POLICY) {}

  /** The alerts raised or cleared by this batch of scored readings, in reading order; `streams[i]` names reading i's stream. */
  update(readings: readonly Reading[], scores: ArrayLike<number>, streams: readonly string[]): Alert[] {
    const alerts: Alert[] = [];
    readings.forEach((reading, i) => {
      const score = scores[i] ?? 0;
      const stream = streams[i] as string;
      let s = this.streams.get(stream);
      if (!s) {
        s = { raised: false, quiet: 0, clearedAt: -Infinity };
        this.streams.set(stream, s);
      }
      if (!s.raised) {
        if (score >= this.policy.raiseScore && reading.ts - s.clearedAt >= this.policy.cooldownMs) {
          s.raised = true;
          s.quiet = 0;
          alerts.push(alert(reading, 'raised', score, `${reading.metric} of ${reading.device} is anomalous (score ${score.toFixed(3)}, value ${reading.value})`));
        }
        return;
      }
      s.quiet = score >= this.policy.clearScore ? 0 : s.quiet + 1;
      if (s.quiet >= this.policy.clearAfter) {
        s.raised = false;
        s.clearedAt = reading.ts;
        alerts.push(alert(reading, 'cleared', score, `${reading.metric} of ${reading.device} is back to normal`));
      }
    });
    return alerts;
  }
}

function alert(reading: Reading, state: Alert['state'], score: number, message: string): Alert {
  return { device: reading.device, metric: reading.metric, kind: 'anomaly', state, score, value: reading.value, message, ts: reading.ts };
}
