import { EventEmitter } from 'node:events';
import type { Reading } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import type { Alert } from '../model/alert.js';
import type { Summary } from '../model/summary.js';
import type { PipelineOutput, Pipeline } from '../pipeline/pipeline.js';
import type { OutboxDraft, Store, TickCommit } from '../store/store.js';
import type { Intake } from './intake.js';
import { OfflineAlerts } from './offline-alerts.js';

/** How far back unsummarised readings are resumed after a restart; older ones stay stored but unsummarised. */
const RESUME_LOOKBACK_MS = 86_400_000;

export interface TickLoopDeps {
  intake: Intake;
  pipeline: Pipeline;
  store: Pick<Store, 'commitTick' | 'unsummarisedReadings'>;
  /** Outbox rows for a tick's summaries and alerts (alerts first: they are urgent) and, for raw forwarding, its readings. */
  outbox: (summaries: readonly Summary[], alerts: readonly Alert[], accepted: readonly Reading[]) => OutboxDraft[];
  /** Told after each commit so new outbox rows leave at once. */
  uplink: { notify(): void };
  log: Logger;
  tickMs: number;
  /** Readings kept for retry while the store fails (full disk); beyond it they are dropped and counted. */
  retryCapacity: number;
  now?: () => number;
  /** Scores accepted readings and turns scores into anomaly alerts; absent or inactive, ticks stay synchronous. */
  detect?: {
    readonly active: boolean;
    score(readings: readonly Reading[]): Promise<{ scores: ArrayLike<number> | undefined; alerts: Alert[] }>;
  };
  /** Thresholds and actions: returns threshold alerts and drives outputs for them and for anomalies. */
  rules?: { apply(readings: readonly Reading[], anomalies: readonly Alert[]): Alert[] };
}

export interface TickEvent {
  readings: readonly Reading[];
  summaries: readonly Summary[];
  alerts: readonly Alert[];
}

/**
 * Once per tick: take what drivers delivered, run the pipeline, and commit everything in one transaction.
 * If the commit fails, the tick is kept and merged into the next one, so a full disk that is cleared in
 * time loses nothing; the log says why at the first failure and when it recovers.
 */
export class TickLoop extends EventEmitter<{ tick: [TickEvent] }> {
  private timer: NodeJS.Timeout | undefined;
  private readonly offline = new OfflineAlerts();
  private carried: TickCommit | undefined;
  private failing = false;
  /** The tick waiting on the model, if any: the next interval skips rather than overlapping it. */
  private busy: Promise<void> | undefined;

  constructor(private readonly deps: TickLoopDeps) {
    super();
  }

  async start(): Promise<void> {
    if (this.timer) return;
    const now = this.deps.now?.() ?? Date.now();
    this.deps.pipeline.resume(this.deps.store.unsummarisedReadings(now - RESUME_LOOKBACK_MS));
    this.timer = setInterval(() => {
      try {
        void this.tick();
      } catch (error) {
        this.deps.log.error({ err: error }, 'tick failed');
      }
    }, this.deps.tickMs);
  }

  /** Runs a last tick so every reading delivered is stored; open windows resume from the store at the next start. */
  async stop(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.busy;
    await this.tick();
  }

  /**
   * Synchronous without a detector. With one, the model runs between validation and windowing (so
   * summaries carry their worst score) and the returned promise settles once the tick is committed.
   */
  tick(): void | Promise<void> {
    if (this.busy) return this.busy;
    const now = this.deps.now?.() ?? Date.now();
    const batch = this.deps.intake.take();
    const detect = this.deps.detect;
    if (!detect?.active) return this.finish(batch, this.deps.pipeline.process(batch.readings, now), [], now);
    const admitted = this.deps.pipeline.admit(batch.readings);
    this.busy = detect
      .score(admitted.accepted)
      .then(({ scores, alerts }) => this.finish(batch, this.deps.pipeline.window(admitted, now, scores), alerts, now))
      // A failing listener or rule must not wedge the loop on a rejected tick, nor crash the process.
      .catch((error: unknown) => this.deps.log.error({ err: error }, 'tick failed after scoring'))
      .finally(() => {
        this.busy = undefined;
      });
    return this.busy;
  }

  private finish(batch: ReturnType<Intake['take']>, out: PipelineOutput, anomalies: Alert[], now: number): void {
    for (const { reading, reason } of out.dropped) {
      this.deps.log.warn({ device: reading.device, metric: reading.metric, value: reading.value, reason, count: out.drops[reason] }, 'reading dropped');
    }
    const { summaries } = out;
    const thresholds = this.deps.rules?.apply(out.accepted, anomalies) ?? [];
    const alerts = [...anomalies, ...thresholds, ...this.offline.fromHealthChanges(batch.devices, now)];
    const drops = batch.overflow > 0 ? { ...out.drops, overflow: batch.overflow } : out.drops;
    const tick: TickCommit = {
      readings: out.accepted,
      ...(out.scores ? { scores: out.scores } : {}),
      summaries,
      alerts,
      drops,
      outbox: this.deps.outbox(summaries, alerts, out.accepted),
      devices: batch.devices,
    };
    this.commit(tick);
    this.emit('tick', { readings: out.accepted, summaries, alerts });
  }

  private commit(tick: TickCommit): void {
    const merged = this.carried ? mergeTicks(this.carried, tick, this.deps.retryCapacity) : tick;
    try {
      this.deps.store.commitTick(merged);
      this.carried = undefined;
      if (this.failing) this.deps.log.info({ readings: merged.readings.length }, 'store writable again; held tick committed');
      this.failing = false;
      this.deps.uplink.notify();
    } catch (error) {
      this.carried = merged;
      if (!this.failing) this.deps.log.error({ err: error, held: merged.readings.length }, 'store commit failed; holding the tick and retrying');
      this.failing = true;
    }
  }
}

function mergeTicks(held: TickCommit, next: TickCommit, capacity: number): TickCommit {
  const readings = held.readings.concat(next.readings);
  const scores = held.scores || next.scores ? scoresOf(held).concat(scoresOf(next)) : undefined;
  const excess = Math.max(0, readings.length - capacity);
  const drops: Record<string, number> = { ...held.drops };
  for (const [reason, n] of Object.entries(next.drops)) drops[reason] = (drops[reason] ?? 0) + n;
  if (excess > 0) drops['store-unavailable'] = (drops['store-unavailable'] ?? 0) + excess;
  return {
    readings: readings.slice(excess),
    ...(scores ? { scores: scores.slice(excess) } : {}),
    summaries: held.summaries.concat(next.summaries),
    alerts: held.alerts.concat(next.alerts),
    drops,
    outbox: held.outbox.concat(next.outbox),
    devices: held.devices.concat(next.devices),
  };
}

function scoresOf(tick: TickCommit): (number | null)[] {
  return tick.scores ?? tick.readings.map(() => null);
}
