import type { Command, Reading } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import type { Alert } from '../model/alert.js';
import type { Rule } from './config-schema.js';

export interface RuleEngineDeps {
  rules: readonly Rule[];
  /** Drives an output through the driver that owns the device (the command router). */
  write: (command: Command) => Promise<void>;
  log: Logger;
}

/**
 * Rules over one tick: thresholds crossed by the tick's readings become `threshold` alerts, and every
 * alert a rule matches drives its output at once — the write is started inside the tick, not after the
 * commit, so a relay switches within milliseconds of the reading. A failed write is logged, never thrown.
 */
export class RuleEngine {
  /** Threshold rules currently violated, by rule and stream: an alert is raised on crossing, not on every reading. */
  private readonly violated = new Set<string>();
  private readonly writes = new Set<Promise<void>>();
  /** Alerts already acted on: detection hands anomalies over as soon as they are raised, the tick again at its end. */
  private readonly acted = new WeakSet<Alert>();

  constructor(private readonly deps: RuleEngineDeps) {}

  /** Returns the threshold alerts raised or cleared by these readings; starts the outputs for those and `anomalies`. */
  apply(readings: readonly Reading[], anomalies: readonly Alert[]): Alert[] {
    const thresholds = this.thresholds(readings);
    this.act(anomalies);
    this.act(thresholds);
    return thresholds;
  }

  /** Starts the outputs of the rules these alerts match; an alert already acted on is skipped. */
  act(alerts: readonly Alert[]): void {
    for (const alert of alerts) {
      if (this.acted.has(alert)) continue;
      this.acted.add(alert);
      this.drive(alert);
    }
  }

  /** Resolves once every output write started so far has finished (tests, benchmarks, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.writes]);
  }

  private thresholds(readings: readonly Reading[]): Alert[] {
    const alerts: Alert[] = [];
    for (const rule of this.deps.rules) {
      const when = rule.when;
      if (when.kind !== 'threshold') continue;
      for (const r of readings) {
        if (!matches(rule, r.device, r.metric)) continue;
        const key = `${rule.name}\u0000${r.device}\u0000${r.metric}`;
        const was = this.violated.has(key);
        // Once raised, the value must come back past the deadband to clear: hovering at a limit is one alert.
        const band = was ? (when.deadband ?? 0) : 0;
        const outside = (when.above !== undefined && r.value > when.above - band) || (when.below !== undefined && r.value < when.below + band);
        if (outside === was) continue;
        if (outside) this.violated.add(key);
        else this.violated.delete(key);
        const limit = when.above !== undefined && r.value > when.above ? `above ${when.above}` : `below ${when.below}`;
        const message = outside ? `${r.metric} of ${r.device} is ${r.value}, ${limit} (rule ${rule.name})` : `${r.metric} of ${r.device} is back within limits (rule ${rule.name})`;
        alerts.push({ device: r.device, metric: r.metric, kind: 'threshold', state: outside ? 'raised' : 'cleared', value: r.value, message, ts: r.ts });
      }
    }
    return alerts;
  }

  private drive(alert: Alert): void {
    for (const rule of this.deps.rules) {
      if (!rule.then || rule.when.kind !== alert.kind || !matches(rule, alert.device, alert.metric)) continue;
      const value = alert.state === 'raised' ? rule.then.value : rule.then.clearValue;
      if (value === undefined) continue;
      const command: Command = { device: rule.then.device, output: rule.then.output, value };
      const write = this.deps
        .write(command)
        .then(() => this.deps.log.info({ rule: rule.name, ...command, alert: alert.message }, 'rule drove an output'))
        .catch((err: unknown) => this.deps.log.error({ rule: rule.name, ...command, err }, 'rule could not drive its output'))
        .finally(() => this.writes.delete(write));
      this.writes.add(write);
    }
  }
}

function matches(rule: Rule, device: string, metric: string | undefined): boolean {
  return (rule.device === undefined || rule.device === device) && (rule.metric === undefined || rule.metric === metric);
}
