import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Reading } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import type { Alert } from '../model/alert.js';
import { StreamMap } from '../model/stream-map.js';
import { AnomalyAlerts, type AlertPolicy } from './anomaly-alerts.js';
import { CounterRates } from './counter-rates.js';
import { Detector, type ScorePoint } from './detector.js';
import { OnnxForecaster, loadModel } from './model-loader.js';
import type { ModelManifest } from './model-manifest.js';

export interface DetectionDeps {
  log: Logger;
  /** Name of the model in `modelsDir`. */
  model: string;
  modelsDir?: string;
  /** Models installed by updates; tried before the built-in ones, which are the fallback if it fails. */
  installedDir?: string;
  policy: AlertPolicy;
  /** Readings each stream is learned from before its scores count (the detector's default otherwise). */
  learningRows?: number;
  /**
   * Acts on anomaly alerts as soon as their part of the tick is scored (the rule engine), so a relay
   * does not wait for the rest of the tick, its windows and its commit.
   */
  rules?: { act(alerts: readonly Alert[]): void };
  /**
   * Readings scored before their alerts go to the rules; smaller parts reach their outputs sooner. A part
   * runs the model only for streams not forecast ahead (new ones, and all after a model swap).
   */
  partSize?: number;
  /** Off, every tick waits on the model for its forecasts (the way before forecasting ahead; benchmarks compare the two). */
  forecastAhead?: boolean;
}

/** When a part does run the model: past this, the run costs little next to its per-stream work; below it, the run's fixed cost (~40 µs) shows. */
const DEFAULT_PART_SIZE = 250;

/**
 * The appliance's detection service: one model session, per-stream detector state, anomaly alerts.
 * A model that fails to load leaves detection off (and says why) rather than stopping the appliance.
 */
export class Detection {
  private detector: Detector | undefined;
  private current: OnnxForecaster | undefined;
  /** The model replaced by the last install: a tick in flight may still be running it, so it is released at the next install. */
  private previous: OnnxForecaster | undefined;
  private alerts: AnomalyAlerts;
  private readonly rates = new CounterRates();
  /** Each stream's joined key, built once: a new string per reading costs its allocation and its hash. */
  private readonly keys = new StreamMap<string>();
  /** The forecasts being made ahead for the next tick: the model must not be closed under them. */
  private preparing: Promise<void> | undefined;

  constructor(private readonly deps: DetectionDeps) {
    this.alerts = new AnomalyAlerts(deps.policy);
  }

  get active(): boolean {
    return this.detector !== undefined;
  }

  get model(): Pick<ModelManifest, 'name' | 'version'> | undefined {
    return this.current?.manifest;
  }

  async start(): Promise<void> {
    if (this.current) return;
    const { installedDir, modelsDir, model: name, log } = this.deps;
    const installed = installedDir !== undefined && existsSync(join(installedDir, `${name}.json`));
    // `undefined` is the built-in models/ folder.
    for (const dir of installed ? [installedDir, modelsDir] : [modelsDir]) {
      try {
        this.current = await loadModel({ name, ...(dir ? { dir } : {}) });
        this.detector = this.newDetector(this.current);
        log.info({ model: name, version: this.current.manifest.version, dir }, 'anomaly detection ready');
        return;
      } catch (err) {
        log.error({ err, model: name, dir }, 'anomaly model could not be loaded');
      }
    }
    log.error({ model: name }, 'anomaly detection off: no usable model');
  }

  async stop(): Promise<void> {
    await this.preparing;
    const models = [this.current, this.previous];
    this.current = this.previous = this.detector = undefined;
    for (const m of models) await m?.close();
  }

  /**
   * Scores in reading order, and the alerts they raise or clear. The tick is scored in parts of
   * `partSize`; each part's alerts go to the rules before the next part is scored. Then the model
   * forecasts the next tick's values (see Detector.prepare). A failing model run leaves the tick
   * unscored but keeps the alerts already acted on, so they are stored too.
   */
  async score(readings: readonly Reading[]): Promise<{ scores: Float64Array | undefined; alerts: Alert[] }> {
    const detector = this.detector;
    const alerts: Alert[] = [];
    if (!detector || readings.length === 0) return { scores: undefined, alerts };
    const scores = new Float64Array(readings.length);
    const size = this.deps.partSize ?? DEFAULT_PART_SIZE;
    try {
      for (let from = 0; from < readings.length; from += size) {
        const part = readings.slice(from, from + size);
        const keys: string[] = [];
        const points: ScorePoint[] = [];
        for (const r of part) {
          const stream = this.key(r.device, r.metric);
          keys.push(stream);
          points.push({ stream, value: this.rates.valueFor(r, stream) });
        }
        const partScores = await detector.score(points);
        scores.set(partScores, from);
        const changed = this.alerts.update(part, partScores, keys);
        if (changed.length === 0) continue;
        this.deps.rules?.act(changed);
        alerts.push(...changed);
      }
      // After the outputs, off the path of the next tick's readings to theirs.
      if (this.deps.forecastAhead !== false) this.preparing = detector.prepare();
      return { scores, alerts };
    } catch (err) {
      this.deps.log.error({ err, readings: readings.length }, 'anomaly detection failed for this tick; readings stored unscored');
      return { scores: undefined, alerts };
    }
  }

  private key(device: string, metric: string): string {
    let key = this.keys.get(device, metric);
    if (key === undefined) {
      key = `${device}\u0000${metric}`;
      this.keys.set(device, metric, key);
    }
    return key;
  }

  /**
   * Swaps in a model already verified (hash, signature) and proven on its sample by `OnnxForecaster.create`.
   * Streams keep their state, so the new model must take the same window; otherwise it is refused and
   * the running model stays. Rolling back is installing the previous model again (see ModelUpdates).
   */
  async install(model: OnnxForecaster): Promise<string> {
    if (!this.detector || !this.current) {
      this.current = model;
      this.detector = this.newDetector(model);
    } else {
      this.detector.swapModel(model);
      await this.previous?.close();
      this.previous = this.current;
      this.current = model;
    }
    const { name, version } = model.manifest;
    this.deps.log.info({ model: name, version }, 'anomaly model installed');
    return `model ${name}@${version} installed`;
  }

  private newDetector(model: OnnxForecaster): Detector {
    return new Detector({ model, ...(this.deps.learningRows ? { params: { learningRows: this.deps.learningRows } } : {}) });
  }
}
