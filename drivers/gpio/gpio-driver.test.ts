import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../appliance/log.js';
import { until } from '../../test/support/until.js';
import type { GpioConfig } from './config-schema.js';
import { EmulatedGpioChip } from './emulator/emulated-gpio.js';
import { GpioDriver } from './gpio-driver.js';
import { RecordingSink } from '../../test/support/recording-sink.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function rig(config: Partial<GpioConfig>, chip = new EmulatedGpioChip(), dir = mkdtempSync(join(tmpdir(), 'outpost-gpio-'))) {
  dirs.push(dir);
  const driver = new GpioDriver({
    config: { inputs: [], counters: [], outputs: [], ...config },
    backend: async () => chip,
    totalsPath: join(dir, 'gpio-pulse-totals.json'),
    totalsFlushMs: 50,
    log: silentLogger(),
  });
  return { driver, chip, dir, sink: new RecordingSink(), controller: new AbortController() };
}

describe('GPIO driver over emulated lines', () => {
  it('gives one event per real change of a bouncing contact', async () => {
    const { driver, chip, sink, controller } = rig({ inputs: [{ name: 'door', pin: 17, metric: 'contact', activeLow: false, debounceMs: 30 }] });
    await driver.start(sink, controller.signal);
    expect(sink.of('gpio:17', 'contact')).toEqual([0]);
    for (const level of [1, 0, 1, 0, 1] as const) chip.drive(17, level); // the contact bounces as it opens
    await until('the opening reported', () => sink.of('gpio:17', 'contact').length === 2);
    for (const level of [0, 1, 0] as const) chip.drive(17, level); // and bounces as it closes
    await until('the closing reported', () => sink.of('gpio:17', 'contact').length === 3);
    await new Promise((resolve) => setTimeout(resolve, 100)); // nothing more is coming: no edge pending
    expect(sink.of('gpio:17', 'contact')).toEqual([0, 1, 0]);
    await driver.stop();
  });

  it('counts pulses with the bounce locked out, and the total survives a restart', async () => {
    const counter = { name: 'water', pin: 5, edge: 'falling' as const, debounceMs: 20, intervalMs: 100 };
    const first = rig({ counters: [counter] });
    await first.driver.start(first.sink, first.controller.signal);
    for (let i = 0; i < 3; i += 1) {
      first.chip.drive(5, 1);
      first.chip.drive(5, 0);
      first.chip.drive(5, 1); // bounce inside the lock-out
      first.chip.drive(5, 0);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await until('a report of 3 pulses', () => first.sink.of('gpio:5', 'count').includes(3));
    expect(Math.max(...first.sink.of('gpio:5', 'rate'))).toBeGreaterThan(0);
    await first.driver.stop();

    const second = rig({ counters: [counter] }, new EmulatedGpioChip(), first.dir);
    await second.driver.start(second.sink, second.controller.signal);
    expect(second.sink.of('gpio:5', 'count')[0]).toBe(3);
    await second.driver.stop();
  });

  it('drives outputs to their safe state at start and at stop, and to what write asks between', async () => {
    const { driver, chip, sink, controller } = rig({ outputs: [{ name: 'relay', pin: 22, safeState: 1 }] });
    await driver.start(sink, controller.signal);
    expect(chip.level(22)).toBe(1);
    await driver.write({ device: 'gpio:22', output: 'state', value: false });
    expect(chip.level(22)).toBe(0);
    expect(sink.of('gpio:22', 'state')).toEqual([1, 0]);
    await driver.stop();
    expect(chip.level(22)).toBe(1);
    expect(chip.isExported(22)).toBe(false);
  });

  it('refuses a pin claimed twice, naming it, before touching any line', async () => {
    const { driver, chip, sink, controller } = rig({
      inputs: [{ name: 'door', pin: 17, metric: 'contact', activeLow: false, debounceMs: 10 }],
      outputs: [{ name: 'relay', pin: 17, safeState: 0 }],
    });
    await expect(driver.start(sink, controller.signal)).rejects.toThrow(/GPIO 17 is claimed twice: by "door" and by "relay"/);
    expect(chip.isExported(17)).toBe(false);
  });

  it('reports a line the backend cannot open as that device offline, not a crash', async () => {
    const chip = new EmulatedGpioChip();
    chip.open(12, 'in', 'none'); // another program holds the line
    const { driver, sink, controller } = rig({ inputs: [{ name: 'button', pin: 12, metric: 'contact', activeLow: false, debounceMs: 10 }] }, chip);
    await driver.start(sink, controller.signal);
    expect(driver.devices()[0]?.health).toMatchObject({ state: 'offline', reason: 'GPIO 12 is already exported' });
    expect(driver.health().state).toBe('offline');
    await driver.stop();
  });
});
