import { join } from 'node:path';
import type { Logger } from '../../appliance/log.js';
import type { GpioConfig } from './config-schema.js';
import type { RunningGpio } from './emulator/start-gpio.js';
import { GpioDriver } from './gpio-driver.js';
import { openOnoffBackend } from './onoff-backend.js';

/**
 * The GPIO driver when lines are configured. A running scenario puts every line on its emulated chip
 * (a laptop demo has no header); otherwise onoff drives the real one, loaded only then.
 */
export function createGpioDriver(config: GpioConfig, dataDir: string, emulated: RunningGpio | undefined, log: Logger): GpioDriver | undefined {
  const lines = {
    inputs: [...config.inputs, ...(emulated?.config.inputs ?? [])],
    counters: [...config.counters, ...(emulated?.config.counters ?? [])],
    outputs: [...config.outputs, ...(emulated?.config.outputs ?? [])],
  };
  if (lines.inputs.length + lines.counters.length + lines.outputs.length === 0) return undefined;
  return new GpioDriver({
    config: lines,
    backend: async () => emulated?.chip ?? (await openOnoffBackend(config.sysfsRoot)),
    totalsPath: join(dataDir, 'gpio-pulse-totals.json'),
    log,
  });
}
