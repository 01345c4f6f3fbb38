import { OutpostError } from '../types.js';
import { WHOLE_DEVICE, type AnomalyKind, type AnomalyLabel } from './anomaly.js';
import { hash32, mulberry32 } from './random.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './signal.js';

/** One anomaly a scenario wants every day: on one of `devices`, starting somewhere in [fromHour, toHour) UTC. */
export interface AnomalyPlan {
  kind: AnomalyKind;
  /** Ignored for `dropout`, which always concerns the whole device. */
  metric: string;
  devices: readonly string[];
  fromHour: number;
  toHour: number;
  durationMs: number;
  magnitude: number;
}

export interface ScheduleOptions {
  seed: number;
  startMs: number;
  /** Days from the UTC midnight before `startMs`; windows that would open before `startMs` are left out. */
  days: number;
  plans: readonly AnomalyPlan[];
}

/**
 * Lays the plans out day after day. Each day draws from its own generator, so day 3 is the same whatever
 * the horizon; give plans disjoint hours so labels on one device do not overlap and stay easy to score.
 */
export function dailyAnomalies(o: ScheduleOptions): AnomalyLabel[] {
  const firstDay = Math.floor(o.startMs / DAY_MS) * DAY_MS;
  const labels: AnomalyLabel[] = [];
  for (let day = 0; day < o.days; day++) {
    const random = mulberry32(hash32(o.seed, day));
    const dayStart = firstDay + day * DAY_MS;
    for (const plan of o.plans) {
      const device = plan.devices[Math.floor(random() * plan.devices.length)];
      if (device === undefined) {
        throw new OutpostError('SIM_BAD_SCENARIO', `anomaly plan ${plan.kind} on ${plan.metric} names no device`, { plan });
      }
      const hour = plan.fromHour + random() * (plan.toHour - plan.fromHour);
      // Whole minutes read better in a report and in a test's failure message.
      const start = dayStart + Math.round((hour * HOUR_MS) / MINUTE_MS) * MINUTE_MS;
      if (start < o.startMs) continue;
      labels.push({
        device,
        metric: plan.kind === 'dropout' ? WHOLE_DEVICE : plan.metric,
        kind: plan.kind,
        start,
        end: start + plan.durationMs,
        magnitude: plan.magnitude,
      });
    }
  }
  return labels.sort((a, b) => a.start - b.start);
}
