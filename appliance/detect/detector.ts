import { OutpostError } from '../../drivers/types.js';
import { StreamState, type StreamParams } from './stream-state.js';

/** The learned part: forecasts the next normalised value of each row of `window` normalised values. */
export interface Forecaster {
  readonly window: number;
  /** How the input is laid out; absent, all `window` values are recent ones. */
  readonly layout?: { recent: number; blocks: number; blockSize: number };
  forecast(inputs: Float32Array, rows: number): Promise<Float32Array>;
}

export interface ScorePoint {
  /** Any key that names one stream, e.g. `device\u0000metric`. */
  stream: string;
  value: number;
}

/**
 * One parameter set for every stream (NAB forbids per-file tuning, and a new stream has no history to tune
 * on), chosen by tuning on half of NAB's groups and checking on the other half (test/bench/nab-holdout.ts).
 */
export const DEFAULT_PARAMS: Omit<StreamParams, 'window' | 'recent' | 'blocks' | 'blockSize'> = {
  // Both halves of NAB chose 14 over Numenta's 10: one noisy row is diluted, a run of bad ones still shows.
  averageRows: 14,
  learningRows: 300,
  decay: 1 / 2000,
  errorScale: 8,
  rangeTolerance: 0.05,
  // A likelihood of 1 − 10⁻⁴: at 1 − 10⁻⁵ (0.5) more of NAB's labelled windows went unseen.
  fireLevel: 0.4,
  cooldownRows: 200,
};

/**
 * Scores readings as they arrive: per-stream state in TypeScript, one model call per batch for all
 * streams that have a full window. Points of the same stream in one batch are scored in order, each
 * seeing the ones before it, so a batch scores exactly as the same points would one at a time.
 */
export class Detector {
  private readonly streams = new Map<string, StreamState>();
  /** A `prepare` whose model run is still going: a batch waits for it rather than use its buffer. */
  private preparing: Promise<void> | undefined;
  private inputs = new Float32Array(0);
  private batches = 0;
  private model: Forecaster;
  private readonly params: StreamParams;

  constructor(deps: { model: Forecaster; params?: Partial<typeof DEFAULT_PARAMS> }) {
    this.model = deps.model;
    const layout = deps.model.layout ?? { recent: deps.model.window, blocks: 0, blockSize: 1 };
    this.params = { ...DEFAULT_PARAMS, ...deps.params, ...layout, window: deps.model.window };
  }

  get streamCount(): number {
    return this.streams.size;
  }

  /** Replaces the model between batches; streams keep their state, so the window must not change. */
  swapModel(model: Forecaster): void {
    const { recent, blocks, blockSize } = model.layout ?? { recent: model.window, blocks: 0, blockSize: 1 };
    if (model.window !== this.params.window || recent !== this.params.recent || blocks !== this.params.blocks || blockSize !== this.params.blockSize) {
      throw new OutpostError('MODEL_SHAPE', `the new model takes ${model.window} values, the running one ${this.params.window}: streams would lose their history`);
    }
    this.model = model;
    // Forecasts made by the old model must not score the next values.
    for (const state of this.streams.values()) state.forecast = Number.NaN;
  }

  /**
   * Forecasts every ready stream whose forecast is stale, ahead of its next value: a stream's
   * next forecast depends only on what it has already shown, so this runs after a tick's outputs are
   * driven, and the next tick scores those streams without waiting on the model. A failed run leaves the
   * streams to be forecast in their batch, where a failure is reported.
   */
  prepare(): Promise<void> {
    if (this.preparing) return this.preparing;
    const states: StreamState[] = [];
    for (const s of this.streams.values()) if (s.ready && Number.isNaN(s.forecast)) states.push(s);
    if (states.length === 0) return Promise.resolve();
    const rows = new Int32Array(states.length).map((_, i) => i);
    const model = this.model;
    const run = this.forecast(states, rows, states.length).then(
      (forecasts) => {
        // A model swapped in meanwhile forecasts afresh.
        if (this.model === model) states.forEach((s, i) => (s.forecast = forecasts[i] as number));
      },
      () => undefined,
    );
    this.preparing = run.finally(() => (this.preparing = undefined));
    return this.preparing;
  }

  /** A score in [0, 1] for each point, in the order given; never NaN. */
  async score(points: readonly ScorePoint[]): Promise<Float64Array> {
    if (this.preparing) await this.preparing;
    const n = points.length;
    const scores = new Float64Array(n);
    const states: StreamState[] = new Array<StreamState>(n);
    // Round r holds each stream's (r+1)-th point of this batch; nearly always there is only round 0.
    const round = new Int32Array(n);
    const batch = ++this.batches;
    let rounds = 1;
    for (let i = 0; i < n; i++) {
      const state = this.state((points[i] as ScorePoint).stream);
      state.round = state.batch === batch ? state.round + 1 : 0;
      state.batch = batch;
      round[i] = state.round;
      states[i] = state;
      if (state.round >= rounds) rounds = state.round + 1;
    }
    const ready = new Int32Array(n);
    for (let r = 0; r < rounds; r++) {
      let count = 0;
      for (let i = 0; i < n; i++) {
        const state = states[i] as StreamState;
        if (round[i] === r && state.ready && Number.isNaN(state.forecast)) ready[count++] = i;
      }
      const forecasts = count > 0 ? await this.forecast(states, ready, count) : undefined;
      let next = 0;
      for (let i = 0; i < n; i++) {
        if (round[i] !== r) continue;
        const state = states[i] as StreamState;
        let forecast = 0;
        if (state.ready) forecast = Number.isNaN(state.forecast) && forecasts ? (forecasts[next++] as number) : state.forecast;
        const s = state.score((points[i] as ScorePoint).value, Number.isFinite(forecast) ? forecast : 0);
        scores[i] = Number.isNaN(s) ? 0 : s;
      }
    }
    return scores;
  }

  /** Forgets a stream (removed device), so state does not grow without bound. */
  forget(stream: string): void {
    this.streams.delete(stream);
  }

  private async forecast(states: readonly StreamState[], ready: Int32Array, count: number): Promise<Float32Array> {
    const w = this.params.window;
    if (this.inputs.length < count * w) this.inputs = new Float32Array(count * w * 2);
    for (let row = 0; row < count; row++) (states[ready[row] as number] as StreamState).writeInput(this.inputs, row * w);
    return this.model.forecast(this.inputs.subarray(0, count * w), count);
  }

  private state(stream: string): StreamState {
    let s = this.streams.get(stream);
    if (!s) {
      s = new StreamState(this.params);
      this.streams.set(stream, s);
    }
    return s;
  }
}
