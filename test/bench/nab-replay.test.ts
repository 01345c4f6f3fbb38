import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scoreRows, type CsvRow } from '../../appliance/detect/detect-csv.js';
import { Detector } from '../../appliance/detect/detector.js';
import { loadModel } from '../../appliance/detect/model-loader.js';
import type { NabFile } from './nab-data.js';
import { recordForecasts, replayScores } from './nab-replay.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'nab-replay-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** A noisy daily-ish wave with a level shift, a spike and a gap: enough to fire and cool down. */
function synthetic(): NabFile {
  let x = 7;
  const noise = () => ((x = (x * 48271) % 2147483647) / 2147483647 - 0.5) * 0.6;
  const rows: CsvRow[] = Array.from({ length: 900 }, (_, i) => {
    const value = i === 700 ? Number.NaN : 20 + 3 * Math.sin(i / 30) + noise() + (i >= 600 ? 6 : 0) + (i === 800 ? 25 : 0);
    return { timestamp: String(i), value, text: String(value) };
  });
  return { name: 'synthetic/wave.csv', rows, ts: rows.map((_, i) => i * 300_000), windows: [] };
}

describe('NAB replay', () => {
  it('scores a file exactly as outpost detect does, for parameters other than the ones it was recorded with', async () => {
    const file = synthetic();
    const params = { averageRows: 7, fireLevel: 0.3, cooldownRows: 50 };
    const recorded = await recordForecasts([file], cacheDir);
    const model = await loadModel();
    try {
      const direct = await scoreRows(file.rows, new Detector({ model, params }));
      const [replayed] = await replayScores(recorded, params);
      expect(replayed?.scores).toEqual(direct);
      expect(Math.max(...direct)).toBeGreaterThanOrEqual(0.3);
    } finally {
      await model.close();
    }
  });
});
