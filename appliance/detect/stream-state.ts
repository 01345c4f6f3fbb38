import { AnomalyLikelihood, logLikelihood, type LikelihoodParams } from './anomaly-likelihood.js';

export interface StreamParams extends LikelihoodParams {
  /** The model's input width: `recent` values, then `blocks` means of `blockSize` values each. */
  window: number;
  recent: number;
  /** Block means reach back `blocks × blockSize` values, so the model sees a day where the window sees minutes. */
  blocks: number;
  blockSize: number;
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
  /**
   * The model's forecast of the next value, made ahead (Detector.prepare) from the input written last;
   * NaN when none is ready. Learning a value makes it stale.
   */
  forecast = Number.NaN;
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
  /**
   * Once the history is full: each block's sum, slid by one value per reading rather than re-added
   * (re-adding 512 values per reading was most of the detector's own time), and a bound on the rounding
   * error each sum has gathered since it was last added up from scratch.
   */
  private readonly blockSums: Float64Array;
  private readonly blockErrors: Float64Array;
  /** Scratch for writeInput, shared by every stream of this width: streams are written one at a time, and 1,000 copies would only cost memory. */
  private readonly recentValues: Float64Array;

  constructor(private readonly params: StreamParams) {
    this.history = new Float64Array(Math.max(params.recent, params.blocks * params.blockSize));
    this.likelihood = new AnomalyLikelihood(params);
    this.blockSums = new Float64Array(params.blocks);
    this.blockErrors = new Float64Array(params.blocks);
    this.recentValues = scratch(params.recent);
  }

  /** Whether the model has a full window to forecast from. */
  get ready(): boolean {
    return this.count >= this.params.recent;
  }

  /**
   * Writes the normalised input at `offset` — the recent values oldest first, then the block means oldest
   * first, both centred on the recent mean and divided by its scale — and remembers that normalisation.
   * Before the history is full, the oldest value stands in for what came before it.
   */
  writeInput(into: Float32Array, offset: number): void {
    const { recent, blocks, blockSize } = this.params;
    const full = this.count >= this.history.length;
    // Copied out once, oldest first: three passes of ring arithmetic per value were the next biggest cost.
    const values = this.recentValues;
    if (full) {
      const h = this.history;
      const n = h.length;
      let p = (this.count - recent) % n;
      for (let i = 0; i < recent; i++) {
        values[i] = h[p] as number;
        if (++p === n) p = 0;
      }
    } else {
      for (let i = 0; i < recent; i++) values[i] = this.back(recent - i);
    }
    let mean = 0;
    for (let i = recent - 1; i >= 0; i--) mean += values[i] as number;
    mean /= recent;
    let squares = 0;
    for (let i = recent - 1; i >= 0; i--) squares += ((values[i] as number) - mean) ** 2;
    const scale = Math.max(Math.sqrt(squares / recent), 0.1 * this.spread, 1e-6 * Math.abs(mean), 1e-9);
    this.centre = mean;
    this.scale = scale;
    for (let i = 0; i < recent; i++) into[offset + i] = clamp(((values[i] as number) - mean) / scale);
    const span = blocks * blockSize;
    // A slid sum whose error could reach 1e-8 of the scale (or is unknown: NaN) is added up afresh; Float32 keeps far less.
    const tolerance = (1e-8 * blockSize * scale) / Number.EPSILON;
    for (let b = 0; b < blocks; b++) {
      let sum: number;
      if (!full) {
        sum = 0;
        for (let k = 0; k < blockSize; k++) sum += this.back(span - b * blockSize - k);
      } else {
        if (!((this.blockErrors[b] as number) <= tolerance)) this.sumBlock(b);
        sum = this.blockSums[b] as number;
      }
      into[offset + recent + b] = clamp((sum / blockSize - mean) / scale);
    }
  }

  /** Adds up block `b` of the full history from scratch, oldest value first. */
  private sumBlock(b: number): void {
    const { blocks, blockSize } = this.params;
    const h = this.history;
    const n = h.length;
    let p = (this.count - (blocks - b) * blockSize) % n;
    let sum = 0;
    for (let k = 0; k < blockSize; k++) {
      sum += h[p] as number;
      if (++p === n) p = 0;
    }
    this.blockSums[b] = sum;
    this.blockErrors[b] = 0;
  }

  /**
   * Before `value` is stored in a full history: every block moves on by one, losing its oldest value to
   * the block before it and gaining the next block's oldest (the last block gains `value`).
   */
  private slideBlocks(value: number): void {
    const { blocks, blockSize } = this.params;
    const h = this.history;
    const n = h.length;
    let p = (this.count - blocks * blockSize) % n;
    let leaving = h[p] as number;
    for (let b = 0; b < blocks; b++) {
      p += blockSize;
      if (p >= n) p -= n;
      const entering = b === blocks - 1 ? value : (h[p] as number);
      const step = entering - leaving;
      const sum = (this.blockSums[b] as number) + step;
      this.blockSums[b] = sum;
      // Each of the two operations rounds by at most an epsilon of its result: a huge value passing through
      // leaves a huge bound, so its block is added up afresh instead of keeping the cancellation's residue.
      this.blockErrors[b] = (this.blockErrors[b] as number) + Math.abs(sum) + Math.abs(step);
      leaving = entering;
    }
  }

  /** The value `i` readings ago (1 = the newest, at most the history's length), or the oldest one kept. */
  private back(i: number): number {
    const c = this.count;
    const n = this.history.length;
    return this.history[c >= n ? (c - i + n) % n : c > i ? c - i : 0] as number;
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
      this.typicalError += (absolute - this.typicalError) / Math.min(this.count - this.params.recent + 1, 1000);
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
    this.forecast = Number.NaN;
    const n = this.history.length;
    const previous = this.count > 0 ? (this.history[(this.count - 1) % n] as number) : value;
    if (this.count >= n) this.slideBlocks(value);
    this.history[this.count % n] = value;
    this.count++;
    if (this.count === n) for (let b = 0; b < this.params.blocks; b++) this.sumBlock(b);
    const step = Math.abs(value - previous);
    this.spread += (step - this.spread) / Math.min(this.count, 1000);
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
}

/** As the training clips its inputs: a far-off block mean must not push the model outside what it learned. */
function clamp(x: number): number {
  return x > 20 ? 20 : x < -20 ? -20 : x;
}

/** One scratch array per width, for the life of the process. */
const scratches = new Map<number, Float64Array>();
function scratch(length: number): Float64Array {
  let s = scratches.get(length);
  if (!s) scratches.set(length, (s = new Float64Array(length)));
  return s;
}
