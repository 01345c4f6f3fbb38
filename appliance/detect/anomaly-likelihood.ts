/**
 * Numenta's anomaly likelihood, kept in constant memory per stream: how improbable the recent average of
 * raw scores is, given the distribution of those averages so far. A noisy stream has high raw scores all
 * the time and a high mean, so only a change in its behaviour stands out; that is what lifts a plain
 * forecaster on NAB. The distribution is an exponentially weighted mean and variance rather than
 * Numenta's 8,640-sample history, so a thousand streams cost kilobytes, not megabytes.
 */

export interface LikelihoodParams {
  /** Rows averaged into the short-term score (Numenta: 10). */
  averageRows: number;
  /** Rows before the distribution is trusted; scores are 0 until then. */
  learningRows: number;
  /** Weight of each new average in the long-run mean and variance (≈ 1 / memory in rows). */
  decay: number;
}

/** Numenta's floors: without them a stream that was perfectly predictable alarms at the first wobble. */
const MIN_MEAN = 0.03;
const MIN_VARIANCE = 0.0003;

export class AnomalyLikelihood {
  private readonly recent: Float64Array;
  private filled = 0;
  private next = 0;
  private sum = 0;
  private mean = 0;
  private variance = 0;
  private seen = 0;

  constructor(private readonly params: LikelihoodParams) {
    this.recent = new Float64Array(params.averageRows);
  }

  /** The likelihood in [0, 1] that the stream is behaving unlike its past, given the newest raw score. */
  update(raw: number): number {
    const old = this.recent[this.next] as number;
    this.sum += raw - (this.filled === this.recent.length ? old : 0);
    this.recent[this.next] = raw;
    this.next = (this.next + 1) % this.recent.length;
    if (this.filled < this.recent.length) this.filled++;
    const average = this.sum / this.filled;
    this.seen++;
    const likelihood = this.seen > this.params.learningRows ? 1 - tailProbability(average, this.mean, this.variance) : 0.5;
    // Learn after judging, so the row being judged is not part of the distribution it is judged against.
    const alpha = Math.max(this.params.decay, 1 / this.seen);
    const delta = average - this.mean;
    this.mean += alpha * delta;
    this.variance = (1 - alpha) * (this.variance + alpha * delta * delta);
    return likelihood;
  }
}

/** Two-sided Gaussian tail: an average far below the usual is as unusual as one far above (as Numenta). */
function tailProbability(x: number, mean: number, variance: number): number {
  const m = Math.max(mean, MIN_MEAN);
  const z = Math.abs(x - m) / Math.sqrt(Math.max(variance, MIN_VARIANCE));
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Numerical Recipes' erfc (fractional error < 1.2e-7), enough for a probability that is then log-scaled. */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Numenta's log scaling: spreads 0.99…0.9999999999 over [0, 1] so one threshold can separate them. */
export function logLikelihood(likelihood: number): number {
  return Math.min(1, Math.max(0, Math.log(1.0000000001 - likelihood) / Math.log(1 - 0.9999999999)));
}
