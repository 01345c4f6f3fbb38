/**
 * Scoring throughput and memory: 1,000 streams, one batch of one reading per stream per tick, one ONNX
 * `run` per batch, on one thread (the session is single-threaded). Baseline in the same run: the same
 * detector with the model replaced by "repeat the last value", i.e. the cost of everything but ONNX.
 * Memory is measured in a fresh process per set of session options — the appliance's, and the ones
 * before it (with the CPU arena) — after a full GC, so the figures are what stays resident.
 *
 *   node --import tsx test/bench/detect-throughput.ts [--runs 5] [--streams 1000] [--ticks 200]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Detector, type Forecaster, type ScorePoint } from '../../appliance/detect/detector.js';
import { loadModel, SESSION_OPTIONS } from '../../appliance/detect/model-loader.js';
import { fmt, median, mib, note, numberFlag, printTable, stringFlag } from './bench-kit.js';

const SESSIONS = {
  appliance: SESSION_OPTIONS,
  'previous (CPU arena, default execution mode)': { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' as const },
};
type Session = keyof typeof SESSIONS;
const session = stringFlag('session', '') as Session | '';
if (session === '') {
  for (const name of Object.keys(SESSIONS)) {
    const args = ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2), '--session', name];
    const child = spawnSync(process.execPath, args, { stdio: 'inherit' });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
  process.exit(0);
}
if (!(session in SESSIONS)) throw new Error(`--session must be one of: ${Object.keys(SESSIONS).join(', ')}`);
/** Resident memory, and the live JS heap and typed arrays in it, after a full GC (the child runs with --expose-gc). */
function rss(): { rss: number; heap: number; arrays: number } {
  globalThis.gc?.();
  const { rss, heapUsed, arrayBuffers } = process.memoryUsage();
  return { rss, heap: heapUsed, arrays: arrayBuffers };
}

const TARGET = 50_000;
const runs = numberFlag('runs', 5);
const streams = numberFlag('streams', 1000);
const ticks = numberFlag('ticks', 200);
/** Past the 512-value history and the likelihood's learning period, so every stream takes the steady path. */
const WARM_TICKS = 600;

const rssStart = rss();
const model = await loadModel({ session: SESSIONS[session] });
const rssModel = rss();

function lastValue(like: Forecaster): Forecaster {
  const { window } = like;
  const newest = (like.layout?.recent ?? window) - 1;
  return {
    window,
    ...(like.layout ? { layout: like.layout } : {}),
    async forecast(inputs, rows) {
      const out = new Float32Array(rows);
      for (let r = 0; r < rows; r++) out[r] = inputs[r * window + newest] as number;
      return out;
    },
  };
}

/** Tick t's batch: every stream's value, a noisy wave with its own phase and level. */
function batch(t: number): ScorePoint[] {
  const points: ScorePoint[] = new Array(streams);
  for (let s = 0; s < streams; s++) points[s] = { stream: `modbus:tcp/10.0.0.${s % 250}/${s}\u0000power`, value: 100 * (1 + (s % 7)) + 10 * Math.sin(t / 30 + s) + ((t * 7919 + s * 104729) % 13) / 13 };
  return points;
}

let rssStreams: ReturnType<typeof rss> | undefined;

/** `ahead`: as the appliance runs it, each tick's model run forecasting the next tick's values (Detector.prepare). */
async function run(forecaster: Forecaster, ahead = false): Promise<{ rate: number; detector: Detector }> {
  const detector = new Detector({ model: forecaster });
  const tick = async (b: ScorePoint[]) => {
    await detector.score(b);
    if (ahead) await detector.prepare();
  };
  for (let t = 0; t < WARM_TICKS; t++) await tick(batch(t));
  // Before this run's batches are built, so the figure is the model plus the streams' state.
  rssStreams ??= rss();
  const batches = Array.from({ length: ticks }, (_, i) => batch(WARM_TICKS + i));
  const started = performance.now();
  for (const b of batches) await tick(b);
  return { rate: (streams * ticks) / ((performance.now() - started) / 1000), detector };
}

const onnxRates: number[] = [];
const aheadRates: number[] = [];
const baseRates: number[] = [];
for (let i = 0; i < runs; i++) {
  const onnx = await run(model);
  onnxRates.push(onnx.rate);
  aheadRates.push((await run(model, true)).rate);
  baseRates.push((await run(lastValue(model))).rate);
}
await model.close();

note(`\nSession options: ${session} ${JSON.stringify(SESSIONS[session])}`);
note(`${streams} streams, ${ticks} ticks per run after ${WARM_TICKS} warm-up ticks, ${runs} runs; model ${model.manifest.name}@${model.manifest.version} (window ${model.window})`);
printTable('Scored points per second (median of runs)', ['detector', 'points/s', 'per tick (ms)', 'target'], [
  ['ONNX forecaster, one run per tick', fmt(median(onnxRates)), fmt((streams / median(onnxRates)) * 1000, 2), `≥ ${fmt(TARGET)}`],
  ['ONNX forecaster, forecast ahead (appliance)', fmt(median(aheadRates)), fmt((streams / median(aheadRates)) * 1000, 2), `≥ ${fmt(TARGET)}`],
  ['baseline: same detector, no model', fmt(median(baseRates)), fmt((streams / median(baseRates)) * 1000, 2), ''],
]);
const memory = (stage: string, m: ReturnType<typeof rss> | undefined) => [stage, mib(m?.rss ?? Number.NaN), mib(m?.heap ?? Number.NaN), mib(m?.arrays ?? Number.NaN)];
printTable('Resident memory (after a full GC)', ['stage', 'RSS', 'JS heap', 'typed arrays'], [
  memory('node + modules, before the model', rssStart),
  memory('model session loaded', rssModel),
  memory(`and ${streams} streams after ${WARM_TICKS} ticks`, rssStreams),
]);
