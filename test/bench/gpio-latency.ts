/**
 * Latency from an emulated GPIO edge (a door contact) to a relay output switched by a rule, p50/p99:
 *  - edge → contact reading at the driver's sink (debounce 0, then the default 50 ms),
 *  - edge → relay, the appliance's RuleEngine applied to the reading as it arrives (the driver's share),
 *  - edge → relay through the appliance's own path: Intake → TickLoop (pipeline, store commit) → RuleEngine,
 *    at a 100 ms tick; rules run once per tick, so up to one tick is added by design.
 * Baseline from the same run: edge → the emulated line's own watch callback (the backend's floor).
 * Run: npx tsx test/bench/gpio-latency.ts [--edges 500]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../appliance/log.js';
import { RuleEngine } from '../../appliance/rules/rule-engine.js';
import { Store } from '../../appliance/store/store.js';
import { EmulatedGpioChip } from '../../drivers/gpio/emulator/emulated-gpio.js';
import { GpioDriver } from '../../drivers/gpio/gpio-driver.js';
import type { DriverSink, Reading } from '../../drivers/types.js';
import { fmt, note, numberFlag, printTable } from './bench-kit.js';
import { benchTickLoop } from './bench-tick-loop.js';

const EDGES = numberFlag('edges', 500);
const TICK_MS = 100;
const dir = mkdtempSync(join(tmpdir(), 'outpost-gpio-bench-'));
const log = silentLogger();
const now = () => Number(process.hrtime.bigint()) / 1e6;
/** The rule a user would write: door open → fan relay on, closed → off. */
const DOOR_RULE = {
  name: 'door-fan',
  device: 'gpio:17',
  metric: 'contact',
  when: { kind: 'threshold' as const, above: 0.5 },
  then: { device: 'gpio:22', output: 'state', value: 1, clearValue: 0 },
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Toggles the door `edges` times; each time waits for `arm()`'s promise, which resolves when the effect is seen. */
async function measure(chip: EmulatedGpioChip, edges: number, arm: () => Promise<number>, jitterMs = 0): Promise<number[]> {
  const samples: number[] = [];
  let seed = 7;
  for (let i = 0; i < edges; i += 1) {
    // Edges at random phases of the tick, as a real door's are; the wait is outside the measured span.
    seed = (seed * 1103515245 + 12345) >>> 0;
    if (jitterMs > 0) await new Promise((resolve) => setTimeout(resolve, (seed / 2 ** 32) * jitterMs));
    const seen = arm();
    const at = now();
    chip.drive(17, (i % 2 === 0 ? 1 : 0) as 0 | 1);
    samples.push((await seen) - at);
  }
  return samples;
}

function door(chip: EmulatedGpioChip, debounceMs: number): GpioDriver {
  return new GpioDriver({
    config: { inputs: [{ name: 'door', pin: 17, metric: 'contact', activeLow: false, debounceMs }], counters: [], outputs: [{ name: 'fan', pin: 22, safeState: 0 }] },
    backend: async () => chip,
    totalsPath: join(dir, 'totals.json'),
    log,
  });
}

async function baseline(): Promise<number[]> {
  const chip = new EmulatedGpioChip();
  let resolve: (t: number) => void = () => undefined;
  chip.open(17, 'in', 'both').watch(() => resolve(now()));
  return measure(chip, EDGES, () => new Promise<number>((r) => (resolve = r)));
}

async function toSink(debounceMs: number): Promise<number[]> {
  const chip = new EmulatedGpioChip();
  let resolve: (t: number) => void = () => undefined;
  const driver = door(chip, debounceMs);
  const sink: DriverSink = { readings: (batch: Reading[]) => batch.some((r) => r.metric === 'contact') && resolve(now()), deviceHealth: () => undefined };
  await driver.start(sink, new AbortController().signal);
  const samples = await measure(chip, EDGES, () => new Promise<number>((r) => (resolve = r)));
  await driver.stop();
  return samples;
}

async function ruleAtSink(debounceMs: number): Promise<number[]> {
  const chip = new EmulatedGpioChip();
  let resolve: (t: number) => void = () => undefined;
  chip.onOutputChange((pin) => pin === 22 && resolve(now()));
  const driver = door(chip, debounceMs);
  const rules = new RuleEngine({ rules: [DOOR_RULE], write: (c) => driver.write(c), log });
  await driver.start({ readings: (batch) => void rules.apply(batch, []), deviceHealth: () => undefined }, new AbortController().signal);
  const samples = await measure(chip, EDGES, () => new Promise<number>((r) => (resolve = r)));
  await driver.stop();
  return samples;
}

async function ruleThroughTick(edges: number): Promise<number[]> {
  const chip = new EmulatedGpioChip();
  let resolve: (t: number) => void = () => undefined;
  chip.onOutputChange((pin) => pin === 22 && resolve(now()));
  const store = new Store({ path: join(dir, 'outpost.db'), log });
  await store.start();
  const driver = door(chip, 0);
  const rules = new RuleEngine({ rules: [DOOR_RULE], write: (c) => driver.write(c), log });
  const { loop: tick, intake } = benchTickLoop({ store, tickMs: TICK_MS, rules });
  await tick.start();
  await driver.start(intake, new AbortController().signal);
  const samples = await measure(chip, edges, () => new Promise<number>((r) => (resolve = r)), TICK_MS);
  await driver.stop();
  await tick.stop();
  await store.stop();
  return samples;
}

const tickEdges = Math.min(EDGES, 100);
const rows: [string, number[]][] = [
  ['baseline: edge → emulated line watch callback', await baseline()],
  ['edge → contact reading at the sink (debounce 0)', await toSink(0)],
  ['edge → contact reading at the sink (debounce 50 ms)', await toSink(50)],
  ['edge → relay by RuleEngine at the sink (debounce 0)', await ruleAtSink(0)],
  [`edge → relay by RuleEngine via TickLoop at ${TICK_MS} ms (${tickEdges} edges)`, await ruleThroughTick(tickEdges)],
];
printTable(
  `GPIO edge latency over ${fmt(EDGES)} edges (ms)`,
  ['path', 'p50', 'p99'],
  rows.map(([label, samples]) => [label, fmt(percentile(samples, 50), 3), fmt(percentile(samples, 99), 3)]),
);
note(`Through the tick loop the wait for the next tick (uniform over 0–${TICK_MS} ms) dominates; the appliance's default tick is 1000 ms.`);
rmSync(dir, { recursive: true, force: true });
