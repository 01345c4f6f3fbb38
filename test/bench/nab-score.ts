/**
 * The Numenta Anomaly Benchmark's scoring, as its README states it: windows, the scaled sigmoid, one
 * threshold per profile chosen to maximise the corpus total, normalisation between the null detector
 * (never fires) and the perfect one (fires at the start of every window).
 */

export interface Profile {
  name: string;
  tp: number;
  fp: number;
  fn: number;
}

export const PROFILES: readonly Profile[] = [
  { name: 'standard', tp: 1.0, fp: 0.11, fn: 1.0 },
  { name: 'reward_low_FP_rate', tp: 1.0, fp: 0.22, fn: 1.0 },
  { name: 'reward_low_FN_rate', tp: 1.0, fp: 0.11, fn: 2.0 },
];

/** One file: a timestamp and a score per row, windows as inclusive [start, end] timestamps. */
export interface ScoredFile {
  ts: readonly number[];
  scores: readonly number[];
  windows: readonly (readonly [number, number])[];
}

/** The weight of a detection at a relative position: +0.987 one window-length before the end, 0 at the end, → −1 far after. */
export function scaledSigmoid(position: number): number {
  if (position > 3) return -1;
  return 2 / (1 + Math.exp(5 * position)) - 1;
}

/** Rows the detector may learn from without being scored: 15 % of the file, at most 750 rows. */
export function probationRows(length: number): number {
  return Math.min(Math.floor(0.15 * length), 0.15 * 5000);
}

/** Per row: the window it lies in (−1 outside, −2 probation) and its unweighted sigmoid value. */
interface RowWeight {
  window: number;
  value: number;
}

function rowWeights(file: ScoredFile): RowWeight[] {
  const n = file.ts.length;
  const probation = probationRows(n);
  const bounds = file.windows.map(([start, end]) => {
    let first = -1;
    let last = -1;
    for (let i = 0; i < n; i++) {
      const t = file.ts[i] as number;
      if (t >= start && t <= end) {
        if (first < 0) first = i;
        last = i;
      }
    }
    return { first, last, width: last - first + 1 };
  }).filter((b) => b.first >= 0);
  const out: RowWeight[] = [];
  let prev: { last: number; width: number } | undefined;
  let w = 0;
  for (let i = 0; i < n; i++) {
    while (w < bounds.length && (bounds[w] as { last: number }).last < i) {
      prev = bounds[w];
      w++;
    }
    const cur = bounds[w];
    let row: RowWeight;
    if (cur && i >= cur.first && i <= cur.last) {
      row = { window: w, value: scaledSigmoid(-(cur.last - i + 1) / cur.width) };
    } else if (prev) {
      row = { window: -1, value: scaledSigmoid(Math.abs(prev.last - i) / Math.max(1, prev.width - 1)) };
    } else {
      row = { window: -1, value: -1 };
    }
    out.push(i < probation ? { window: -2, value: 0 } : row);
  }
  return out;
}

export interface ProfileResult {
  profile: string;
  threshold: number;
  raw: number;
  normalised: number;
  tp: number;
  fp: number;
  fn: number;
}

/**
 * The corpus total for every threshold, computed in one pass over all rows sorted by score (highest
 * first): lowering the threshold past a row adds it as a detection. Returns the best threshold's result.
 */
export function scoreCorpus(files: readonly ScoredFile[], profile: Profile): ProfileResult {
  const maxTp = scaledSigmoid(-1);
  interface Point { score: number; file: number; window: number; value: number }
  const points: Point[] = [];
  let windows = 0;
  files.forEach((file, f) => {
    windows += file.windows.length;
    rowWeights(file).forEach((row, i) => {
      if (row.window !== -2) points.push({ score: file.scores[i] as number, file: f, window: row.window, value: row.value });
    });
  });
  points.sort((a, b) => b.score - a.score);
  const best = new Map<string, number>();
  let tpSum = 0;
  let fpSum = 0;
  let fpCount = 0;
  const nullScore = 0 - profile.fn * windows;
  let result: ProfileResult = { profile: profile.name, threshold: Infinity, raw: nullScore, normalised: 0, tp: 0, fp: 0, fn: windows };
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as Point;
    if (p.window < 0) {
      fpSum += p.value * profile.fp;
      fpCount++;
    } else {
      const key = `${p.file}:${p.window}`;
      const weighted = (p.value * profile.tp) / maxTp;
      const had = best.get(key);
      if (had === undefined || weighted > had) {
        tpSum += weighted - (had ?? 0);
        best.set(key, weighted);
      }
    }
    const next = points[i + 1];
    if (next && next.score === p.score) continue;
    const raw = tpSum + fpSum - profile.fn * (windows - best.size);
    if (raw > result.raw) result = { profile: profile.name, threshold: p.score, raw, normalised: 0, tp: best.size, fp: fpCount, fn: windows - best.size };
  }
  const perfect = profile.tp * windows;
  result.normalised = perfect === nullScore ? 0 : (100 * (result.raw - nullScore)) / (perfect - nullScore);
  return result;
}
