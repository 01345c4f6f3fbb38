import { AnomalyLikelihood, logLikelihood, type LikelihoodParams } from './anomaly-likelihood.js';

export interface StreamParams extends LikelihoodParams {
  /** Past values the model sees; must equal the model's input width. */
  window: number;
  /** Forecast errors (in window standard deviations) that map to a raw score of ≈ 0.63. */
  errorScale: number;
  /** Margin, as a share of the range seen so far, beyond which a value is out of range (Numenta: 0.05). */
  rangeTolerance: number;
  /** A score at or above this starts a cool-down: one incident, one detection. */
  fireLevel: number;
  /** Rows after a detection during which scores are capped below `fireLevel`. */
  cooldownRows: number;
}

/**
 * What the detector remembers about one stream: its last `window` values, the range it has shown, and
 * the likelihood of its recent forecast errors. It learns only from values it has already scored.
 */
export class StreamState {
  /** The detector's bookkeeping: the last batch this stream was in, and its point's round within it. */
  batch = 0;
  round = 0;
  private readonly history: Float64Array;
  private count = 0;
  private min = Infinity;
  private max = -Infinity;
  /** Long-run spread, the floor for a window's own: a window that happens to be flat must not turn a wobble into an alarm. */
  private spread = 0;
  private readonly likelihood: AnomalyLikelihood;
  private centre = 0;
  private scale = 1;
  private cooldown = 0;
  private typicalError = 0;

  constructor(private readonly params: StreamParams) {
    this.history = new Float64Array(params.window);
    this.likelihood = new AnomalyLikelihood(params);
  }

  /** Whether the model has a full window to forecast from. */
  get ready(): boolean {
    return this.count >= this.params.window;
  }

  /** Writes the normalised window (oldest first) at `offset` and remembers the normalisation for `score`. */
  writeInput(into: Float32Array, offset: number): void {
    const n = this.params.window;
    const start = this.count % n;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += this.history[i] as number;
    mean /= n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += ((this.history[i] as number) - mean) ** 2;
    const std = Math.sqrt(squares / n);
    this.centre = mean;
    this.scale = Math.max(std, 0.1 * this.spread, 1e-6 * Math.abs(mean), 1e-9);
    for (let i = 0; i < n; i++) into[offset + i] = ((this.history[(start + i) % n] as number) - mean) / this.scale;
  }

  /**
   * Scores `value` against the model's `forecast` (normalised; ignored until `ready`), then learns it.
   * A non-finite value scores 0 and is not learned: the pipeline reports it, and it must not poison the state.
   */
  score(value: number, forecast: number): number {
    if (!Number.isFinite(value)) return 0;
    let result = 0;
    if (this.ready) {
      const absolute = Math.abs(value - (this.centre + forecast * this.scale));
      const error = absolute / Math.max(this.typicalError, 1e-9);
      this.typicalError += (absolute - this.typicalError) / Math.min(this.count - this.params.window + 1, 1000);
      const raw = 1 - Math.exp(-Math.min(error, 1e6) / this.params.errorScale);
      result = logLikelihood(this.likelihood.update(raw));
      const tolerance = (this.max - this.min) * this.params.rangeTolerance;
      if (this.count > this.params.learningRows && (value > this.max + tolerance || value < this.min - tolerance)) result = 1;
      if (this.cooldown > 0) {
        this.cooldown--;
        result = Math.min(result, this.params.fireLevel * 0.5);
      } else if (result >= this.params.fireLevel) this.cooldown = this.params.cooldownRows;
    }
    this.learn(value);
    return result;
  }

  private learn(value: number): void {
    const n = this.params.window;
    const previous = this.count > 0 ? (this.history[(this.count - 1) % n] as number) : value;
    this.history[this.count % n] = value;
    this.count++;
    const step = Math.abs(value - previous);
    this.spread += (step - this.spread) / Math.min(this.count, 1000);
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
}
