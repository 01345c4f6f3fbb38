import { describe, expect, it } from 'vitest';
import { PROFILES, probationRows, scaledSigmoid, scoreCorpus, type ScoredFile } from './nab-score.js';

const [standard, lowFp, lowFn] = PROFILES as [(typeof PROFILES)[0], (typeof PROFILES)[0], (typeof PROFILES)[0]];

/** Ten rows at ts 0..9 (probation: row 0), one window over rows 5 and 6. */
function file(scores: Record<number, number>): ScoredFile {
  const ts = Array.from({ length: 10 }, (_, i) => i);
  return { ts, scores: ts.map((i) => scores[i] ?? 0), windows: [[5, 6]] };
}

describe('NAB scoring', () => {
  it('weights by the scaled sigmoid: 2/(1+e^(5x)) − 1, −1 beyond 3 window lengths', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.986614, 6);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(2)).toBeCloseTo(-0.9999092, 7);
    expect(scaledSigmoid(3.01)).toBe(-1);
    expect(probationRows(10)).toBe(1);
    expect(probationRows(20_000)).toBe(750);
  });

  it('a detection on the first row of every window is the perfect detector: 100', () => {
    const r = scoreCorpus([file({ 5: 1 })], standard);
    expect(r).toMatchObject({ threshold: 1, raw: 1, tp: 1, fp: 0, fn: 0 });
    expect(r.normalised).toBeCloseTo(100, 9);
  });

  it('a detection on the last row of a 2-row window earns sigmoid(−1/2)/sigmoid(−1) = 0.85979', () => {
    const r = scoreCorpus([file({ 6: 1 })], standard);
    expect(r.raw).toBeCloseTo(0.848284 / 0.986614, 5);
    // (0.85979 − (−1)) / (1 − (−1))
    expect(r.normalised).toBeCloseTo(92.99, 2);
  });

  it('only the first detection in a window counts', () => {
    expect(scoreCorpus([file({ 5: 1, 6: 1 })], standard).raw).toBeCloseTo(1, 9);
  });

  it('prefers never firing to a false positive before any window, which costs the whole fp weight', () => {
    const quiet: ScoredFile = { ts: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], scores: [0, 0, 1, 0, 0, 0, 0, 0, 0, 0], windows: [[5, 6]] };
    // Threshold 1 costs 0.11 more than never firing; threshold 0 fires on every row, window included.
    const r = scoreCorpus([{ ...quiet, windows: [] }, quiet], standard);
    expect(r.threshold).toBe(0);
    const never = scoreCorpus([{ ...quiet, windows: [], scores: quiet.scores.map(() => 0) }], standard);
    expect(never).toMatchObject({ threshold: Infinity, raw: 0, fp: 0 });
  });

  it('picks the threshold that maximises the total: a late false positive is worth taking for the window', () => {
    // Row 8 is 2 rows past a window of width 2: position 2/(2−1) = 2, weight −0.99991 × fp.
    const scores = { 8: 1, 5: 0.5 };
    const r = scoreCorpus([file(scores)], standard);
    expect(r.threshold).toBe(0.5);
    expect(r.raw).toBeCloseTo(1 - 0.11 * 0.9999092, 6);
    expect(r.normalised).toBeCloseTo((100 * (r.raw + 1)) / 2, 9);
    expect(scoreCorpus([file(scores)], lowFp).raw).toBeCloseTo(1 - 0.22 * 0.9999092, 6);
    // reward_low_FN_rate: null is −2, so (0.89001 + 2) / 3
    expect(scoreCorpus([file(scores)], lowFn).normalised).toBeCloseTo(96.333, 2);
  });

  it('ignores detections in the probationary period', () => {
    expect(scoreCorpus([file({ 0: 1, 5: 1 })], standard)).toEqual(scoreCorpus([file({ 5: 1 })], standard));
  });

  it('sums files before choosing one threshold for the corpus', () => {
    const r = scoreCorpus([file({ 5: 1 }), file({ 3: 1, 6: 0.2 })], standard);
    // threshold 1: 1 − 0.11 (row 3 is before any window) − 1 (second window missed) = −0.11; 0.2 adds 0.85979
    expect(r.threshold).toBe(0.2);
    expect(r.raw).toBeCloseTo(1 - 0.11 + 0.848284 / 0.986614, 5);
  });
});
