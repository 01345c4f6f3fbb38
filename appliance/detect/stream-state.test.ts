import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from './detector.js';
import { StreamState } from './stream-state.js';

/** The shipped model's layout: 32 recent values, then 32 means of 16 values. */
const params = { ...DEFAULT_PARAMS, window: 64, recent: 32, blocks: 32, blockSize: 16 };

function input(state: StreamState): number[] {
  const into = new Float32Array(params.window);
  state.writeInput(into, 0);
  return Array.from(into);
}

describe('StreamState', () => {
  it('slides its block means over thousands of readings, a huge value among them, and still writes the means added up afresh', () => {
    let seed = 3;
    const noise = () => ((seed = (seed * 48271) % 2147483647) / 2147483647 - 0.5) * 0.4;
    const values = Array.from({ length: 25_000 }, (_, i) => (i === 600 ? 1e13 : 50 + 5 * Math.sin(i / 20) + noise()));
    const slid = new StreamState(params);
    for (const v of values) {
      if (slid.ready) input(slid);
      slid.score(v, 0);
    }
    // A stream that has seen only the last history's worth adds every block up from scratch.
    const fresh = new StreamState(params);
    for (const v of values.slice(-512)) fresh.score(v, 0);
    const expected = input(fresh);
    const actual = input(slid);
    // The spike's cancellation would leave about 5e-5 here had its block not been added up again.
    actual.forEach((x, i) => expect(x).toBeCloseTo(expected[i] as number, 6));
  });
});
