/**
 * Latency from a reading entering the pipeline (the tick that takes it from the intake) to its anomaly
 * alert driving a rule's output, and to the alert being committed and queued upstream, with 1,000
 * streams scored in every tick. Each tick one stream (a new one each time, at positions spread evenly
 * over the tick's batch) jumps out of its range. The output write is an in-process function: a real bus
 * adds its own round trip (Modbus TCP on loopback: about a millisecond) after this point. Baselines in
 * the same run: the model forecasting each stream inside the tick rather than ahead of it (as before
 * forecasting ahead); the detector scoring the whole tick in one part, in the tick, with the rules acting
 * after windowing (as before parts); and the same tick loop without the detector, where a threshold rule
 * on the same jump drives the output.
 *
 * Between ticks the bench idles `--gap-ms` (3 ms): the appliance ticks once a second, and forecasting
 * ahead happens in that idle time; `--gap-ms 0` starts each tick on top of the previous one's forecasts.
 *
 *   node --import tsx test/bench/detect-latency.ts [--streams 1000] [--incidents 200 (at most --streams)] [--runs 3] [--gap-ms 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Reading } from '../../drivers/types.js';
import { Detection } from '../../appliance/detect/detection.js';
import { DEFAULT_ALERT_POLICY } from '../../appliance/detect/anomaly-alerts.js';
import { silentLogger } from '../../appliance/log.js';
import type { Rule } from '../../appliance/rules/config-schema.js';
import { RuleEngine } from '../../appliance/rules/rule-engine.js';
import { Store } from '../../appliance/store/store.js';
import { benchTickLoop } from './bench-tick-loop.js';
import { fmt, median, note, numberFlag, printTable } from './bench-kit.js';

const streams = numberFlag('streams', 1000);
const incidents = numberFlag('incidents', 200);
const runs = numberFlag('runs', 3);
const WARM_TICKS = 600;
const GAP_MS = numberFlag('gap-ms', 3);
const relay = { device: 'modbus:tcp/10.0.0.1:502/9', output: 'relay1', value: true };

function batch(t: number, jump: number): Reading[] {
  return Array.from({ length: streams }, (_, s) => ({
    device: `modbus:tcp/10.0.0.${s % 250}:502/${s}`,
    metric: 'power',
    unit: 'W',
    value: (s === jump ? 5000 : 0) + 100 * (1 + (s % 7)) + 10 * Math.sin(t / 30 + s) + ((t * 7919 + s * 104729) % 13) / 13,
    ts: t * 1000,
    quality: 'good' as const,
  }));
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

type Path = 'parts' | 'parts-in-tick' | 'whole-tick' | 'no-detector';

async function run(path: Path): Promise<{ toOutput: number[]; toCommit: number[] }> {
  const withModel = path !== 'no-detector';
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-detect-'));
  const log = silentLogger();
  const store = new Store({ path: join(dir, 'outpost.db'), log });
  await store.start();
  let wroteAt = 0;
  const rules: Rule[] = [withModel ? { name: 'odd', when: { kind: 'anomaly' }, then: relay } : { name: 'high', when: { kind: 'threshold', above: 4000 }, then: relay }];
  const engine = new RuleEngine({ rules, log, write: async () => void (wroteAt = performance.now()) });
  const detection = new Detection({
    log,
    model: 'forecaster-mlp',
    policy: DEFAULT_ALERT_POLICY,
    ...(path === 'whole-tick' ? { partSize: streams } : { rules: engine }),
    ...(path === 'parts' ? {} : { forecastAhead: false }),
  });
  if (withModel) await detection.start();
  let now = 0;
  const { loop, intake } = benchTickLoop({ store, tickMs: 1000, now: () => now, detect: detection, rules: engine });
  const toOutput: number[] = [];
  const toCommit: number[] = [];
  for (let t = 0; t < WARM_TICKS + incidents; t++) {
    const incident = t >= WARM_TICKS;
    const readings = batch(t, incident ? Math.floor(((t - WARM_TICKS) * streams) / incidents) : -1);
    now = t * 1000 + 500;
    wroteAt = 0;
    // The appliance ticks once a second; the bench leaves a little of that idle time between ticks, where
    // the next tick's forecasts are made ahead, instead of starting the next tick on top of them.
    await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    const started = performance.now();
    intake.readings(readings);
    await loop.tick();
    const done = performance.now();
    if (!incident) continue;
    if (wroteAt > 0) toOutput.push(wroteAt - started);
    toCommit.push(done - started);
  }
  await engine.settled();
  await detection.stop();
  await store.stop();
  rmSync(dir, { recursive: true, force: true });
  return { toOutput, toCommit };
}

const LABELS: Record<Path, string> = {
  parts: 'anomaly alert → rule, forecast ahead, in parts',
  'parts-in-tick': 'baseline: forecast in the tick, in parts',
  'whole-tick': 'baseline: whole tick, rules after windows',
  'no-detector': 'baseline: threshold rule, no detector',
};
const PATHS: Path[] = ['parts', 'parts-in-tick', 'whole-tick', 'no-detector'];
type Result = Awaited<ReturnType<typeof run>>;
const results = new Map<Path, Result[]>(PATHS.map((p) => [p, []]));
// Interleaved, so a busy spell on the machine lands on every path alike.
for (let i = 0; i < runs; i++) for (const path of PATHS) results.get(path)?.push(await run(path));
const rows = PATHS.map((path) => {
  const mine = results.get(path) ?? [];
  const med = (pick: (r: Result) => number[], p: number) => median(mine.map((r) => percentile(pick(r), p)));
  return [
    LABELS[path],
    `${fmt(median(mine.map((r) => r.toOutput.length)))}/${fmt(incidents)}`,
    fmt(med((r) => r.toOutput, 0.5), 2),
    fmt(med((r) => r.toOutput, 0.99), 2),
    fmt(med((r) => r.toCommit, 0.5), 2),
    fmt(med((r) => r.toCommit, 0.99), 2),
  ];
});
note(`${streams} streams per tick, ${incidents} incidents per run after ${WARM_TICKS} warm-up ticks, ${GAP_MS} ms idle between ticks, median over ${runs} runs of each percentile; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
printTable('Reading → output latency (ms); target p99 ≤ 5 ms to the output', ['path', 'fired', 'output p50', 'output p99', 'committed p50', 'committed p99'], rows);
