import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY } from './anomaly-alerts.js';
import { Detector, type Forecaster } from './detector.js';
import { loadModel, type OnnxForecaster } from './model-loader.js';

let model: OnnxForecaster;
beforeAll(async () => {
  model = await loadModel();
});
afterAll(async () => {
  await model.close();
});

async function scoreSeries(values: readonly number[], detector = new Detector({ model })): Promise<number[]> {
  const out: number[] = [];
  for (const value of values) out.push(...(await detector.score([{ stream: 's', value }])));
  return out;
}

/** A daily-ish wave with seeded noise: what a machine temperature looks like. */
function wave(n: number, seed = 1): number[] {
  let x = seed;
  const noise = () => ((x = (x * 48271) % 2147483647) / 2147483647 - 0.5) * 0.4;
  return Array.from({ length: n }, (_, i) => 50 + 5 * Math.sin(i / 20) + noise());
}

/** Quiet means under the score the appliance raises an alert at by default. */
const RAISE = DEFAULT_ALERT_POLICY.raiseScore;

describe('Detector', () => {
  it('gives a defined score in [0, 1] for NaN, infinities and absurd values, and keeps scoring after them', async () => {
    const values = [...wave(400), Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300, -1e300, ...wave(50, 2)];
    const scores = await scoreSeries(values);
    for (const s of scores) expect(s >= 0 && s <= 1).toBe(true);
    expect(scores.slice(400, 403)).toEqual([0, 0, 0]);
    expect(scores[403]).toBe(1);
  });

  it('stays quiet on a constant stream and flags the first step away from it', async () => {
    const scores = await scoreSeries([...Array(600).fill(21.5), 23]);
    expect(Math.max(...scores.slice(0, 600))).toBeLessThan(RAISE);
    expect(scores[600]).toBe(1);
  });

  it('raises its score to an alert on a level shift in a noisy wave, then settles once the new level is learned', async () => {
    const before = wave(800);
    const after = wave(600, 7).map((v) => v + 12);
    const scores = await scoreSeries([...before, ...after]);
    expect(Math.max(...scores.slice(400, 800))).toBeLessThan(RAISE);
    expect(Math.max(...scores.slice(800, 810))).toBeGreaterThanOrEqual(RAISE);
    expect(Math.max(...scores.slice(1300))).toBeLessThan(RAISE);
  });

  it('scores a batch of many streams exactly as it scores each stream alone, in order within a stream', async () => {
    const streams = [wave(360, 1), wave(360, 2).map((v) => v * 3), wave(360, 3).map((v, i) => (i === 330 ? v + 40 : v))];
    const alone = await Promise.all(streams.map((s) => scoreSeries(s)));
    const batched = new Detector({ model });
    const together: number[][] = [[], [], []];
    // Two rows per stream per batch: the second must see the first.
    for (let i = 0; i < 360; i += 2) {
      const points = streams.flatMap((s, k) => [{ stream: `k${k}`, value: s[i] as number }, { stream: `k${k}`, value: s[i + 1] as number }]);
      const scores = await batched.score(points);
      streams.forEach((_, k) => together[k]?.push(scores[2 * k] as number, scores[2 * k + 1] as number));
    }
    expect(together).toEqual(alone);
  });

  it('forecasts ahead between batches, so a batch waits on no model run and scores exactly as without it', async () => {
    const inBatch: number[] = [];
    const counted = (rows: number[]): Forecaster => ({
      window: model.window,
      layout: model.layout,
      forecast: (inputs, n) => (rows.push(n), model.forecast(inputs, n)),
    });
    const ahead: number[] = [];
    const detector = new Detector({ model: counted(ahead) });
    const streams = [wave(400, 1), wave(400, 4).map((v, i) => (i === 380 ? v + 40 : v))];
    const alone = await Promise.all(streams.map((s) => scoreSeries(s)));
    const together: number[][] = [[], []];
    for (let i = 0; i < 400; i++) {
      const before = ahead.length;
      const scores = await detector.score(streams.map((s, k) => ({ stream: `k${k}`, value: s[i] as number })));
      if (ahead.length !== before) inBatch.push(i);
      streams.forEach((_, k) => together[k]?.push(scores[k] as number));
      await detector.prepare();
    }
    expect(inBatch).toEqual([]);
    expect(ahead.length).toBe(400 - 31);
    expect(together).toEqual(alone);
    // A new model's forecasts are its own: the ones made ahead by the old model are dropped.
    const swapped: number[] = [];
    detector.swapModel(counted(swapped));
    await detector.score([{ stream: 'k0', value: 50 }]);
    expect(swapped).toEqual([1]);
  });

  it('leaves a stream whose run ahead failed to be forecast in its batch, with the same scores', async () => {
    let fail = false;
    const flaky: Forecaster = {
      window: model.window,
      layout: model.layout,
      forecast: (inputs, n) => (fail ? Promise.reject(new Error('model run failed')) : model.forecast(inputs, n)),
    };
    const detector = new Detector({ model: flaky });
    const values = wave(200);
    const scores: number[] = [];
    for (let i = 0; i < values.length; i++) {
      scores.push(...(await detector.score([{ stream: 's', value: values[i] as number }])));
      fail = i % 2 === 0;
      await detector.prepare();
      fail = false;
    }
    expect(scores).toEqual(await scoreSeries(values));
  });
});
