/**
 * GPIO latency on the emulated header, p50/p99 over many edges:
 *  - edge → reading delivered to the sink (debounce 0 and the default 50 ms),
 *  - edge → relay output changed by a rule. There is no rules engine yet, so the "rule" is the sink
 *    itself calling driver.write() when the contact reading arrives: the figure is the driver's share.
 * Baseline from the same run: edge → the emulated line's own watch callback (the backend's floor).
 * Run: npx tsx test/bench/gpio-latency.ts [--edges 500]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../appliance/log.js';
import { EmulatedGpioChip } from '../../drivers/gpio/emulator/emulated-gpio.js';
import { GpioDriver } from '../../drivers/gpio/gpio-driver.js';
import type { DriverSink, Reading } from '../../drivers/types.js';
import { fmt, note, numberFlag, printTable } from './bench-kit.js';

const EDGES = numberFlag('edges', 500);
const dir = mkdtempSync(join(tmpdir(), 'outpost-gpio-bench-'));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Toggles the input EDGES times, each time waiting for `done` to resolve with the moment it was seen. */
async function measure(chip: EmulatedGpioChip, pin: number, arm: () => Promise<number>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < EDGES; i += 1) {
    const seen = arm();
    const at = now();
    chip.drive(pin, (i % 2 === 0 ? 1 : 0) as 0 | 1);
    samples.push((await seen) - at);
  }
  return samples;
}

async function baseline(): Promise<number[]> {
  const chip = new EmulatedGpioChip();
  const line = chip.open(17, 'in', 'both');
  let resolve: (t: number) => void = () => undefined;
  line.watch(() => resolve(now()));
  return measure(chip, 17, () => new Promise<number>((r) => (resolve = r)));
}

async function throughDriver(debounceMs: number, rule: boolean): Promise<number[]> {
  const chip = new EmulatedGpioChip();
  let resolve: (t: number) => void = () => undefined;
  const driver: GpioDriver = new GpioDriver({
    config: {
      inputs: [{ name: 'door', pin: 17, metric: 'contact', activeLow: false, debounceMs }],
      counters: [],
      outputs: [{ name: 'relay', pin: 22, safeState: 0 }],
    },
    backend: async () => chip,
    totalsPath: join(dir, 'totals.json'),
    log: silentLogger(),
  });
  chip.onOutputChange((pin) => pin === 22 && rule && resolve(now()));
  const sink: DriverSink = {
    readings(batch: Reading[]) {
      const contact = batch.find((r) => r.metric === 'contact');
      if (!contact) return;
      if (!rule) return resolve(now());
      driver.write({ device: 'gpio:22', output: 'state', value: contact.value }).catch((error: unknown) => note(`write failed: ${String(error)}`));
    },
    deviceHealth: () => undefined,
  };
  await driver.start(sink, new AbortController().signal);
  const samples = await measure(chip, 17, () => new Promise<number>((r) => (resolve = r)));
  await driver.stop();
  return samples;
}

const rows: [string, number[]][] = [
  ['baseline: edge → emulated line watch callback', await baseline()],
  ['edge → contact reading at the sink (debounce 0)', await throughDriver(0, false)],
  ['edge → relay changed by a sink-side rule (debounce 0)', await throughDriver(0, true)],
  ['edge → relay changed by a sink-side rule (debounce 50 ms)', await throughDriver(50, true)],
];
printTable(
  `GPIO latency over ${fmt(EDGES)} edges (ms)`,
  ['path', 'p50', 'p99'],
  rows.map(([label, samples]) => [label, fmt(percentile(samples, 50), 3), fmt(percentile(samples, 99), 3)]),
);
note('No rules engine exists yet: the rule is a sink callback calling driver.write(); a real rule adds its own dispatch time.');
rmSync(dir, { recursive: true, force: true });
