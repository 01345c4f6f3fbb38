/**
 * Writes the simulated world's clean streams (factory and city, seed 1, no anomalies) as `stream,value`
 * rows sampled once a minute for three days: the synthetic half of the forecaster's training data.
 * Usage: `npx tsx models/export-sim-series.ts > sim-series.csv`.
 */
import { buildScenario, type ScenarioName } from '../drivers/sim/scenario.js';

const START_MS = Date.UTC(2026, 0, 5);
const STEP_MS = 60_000;
const ROWS = 3 * 1440;

const lines: string[] = ['stream,value'];
for (const name of ['factory', 'city'] as ScenarioName[]) {
  const scenario = buildScenario(name, { seed: 1, startMs: START_MS, days: 0 });
  for (const device of scenario.devices) {
    for (const metric of new Set(device.profile.points.map((p) => p.metric))) {
      const stream = `${name}/${device.name}/${metric}`;
      for (let i = 0; i < ROWS; i++) {
        const value = device.read(metric, START_MS + i * STEP_MS);
        if (Number.isFinite(value)) lines.push(`${stream},${value}`);
      }
    }
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
