import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../appliance/log.js';
import { EmulatedGpioChip } from '../../drivers/gpio/emulator/emulated-gpio.js';
import { GpioWorld } from '../../drivers/gpio/emulator/gpio-world.js';
import { scenarioGpio } from '../../drivers/gpio/emulator/scenario-lines.js';
import { GpioDriver } from '../../drivers/gpio/gpio-driver.js';
import { driverContract } from '../support/driver-contract.js';

/** The factory's header lines (door contacts, S0 meter, door alarm relay) on the emulated chip. */
driverContract('gpio: emulated header (factory doors, S0 meter, relay)', async () => {
  const chip = new EmulatedGpioChip();
  const scenario = scenarioGpio('factory');
  const world = new GpioWorld({ chip, scenario });
  world.start();
  const dir = mkdtempSync(join(tmpdir(), 'outpost-gpio-contract-'));
  const { inputs, counters, outputs } = scenario.config;
  return {
    driver: new GpioDriver({ config: scenario.config, backend: async () => chip, totalsPath: join(dir, 'totals.json'), log: silentLogger() }),
    expectedDevices: [...inputs, ...counters, ...outputs].map((line) => `gpio:${line.pin}`),
    write: { command: { device: 'gpio:22', output: 'state', value: 1 }, observed: async () => chip.level(22) },
    teardown: async () => {
      world.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
