import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { EmulatedDevice } from '../../drivers/zigbee/emulator/emulated-device.js';
import { ZnpEmulator } from '../../drivers/zigbee/emulator/znp-emulator.js';
import { ZigbeeDriver, type ZigbeeDriverDeps } from '../../drivers/zigbee/zigbee-driver.js';
import { RecordingSink } from '../support/recording-sink.js';
import { until } from '../support/until.js';

export interface ZigbeeHarness {
  emulator: ZnpEmulator;
  driver: ZigbeeDriver;
  sink: RecordingSink;
  /** Every log line the driver wrote, as JSON text. */
  logged: string[];
  /** Opens pairing, lets the device join, and waits until it is interviewed and listed. */
  pair(device: EmulatedDevice): Promise<void>;
  stop(): Promise<void>;
}

/** The real driver (herdsman and converters) on a fresh ZNP emulator and data dir, with its log captured. */
export async function startZigbeeHarness(options: Partial<Omit<ZigbeeDriverDeps, 'port' | 'dataDir' | 'log'>> = {}): Promise<ZigbeeHarness> {
  const emulator = new ZnpEmulator();
  await emulator.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-zb-'));
  const logged: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logged.push(line) });
  const sink = new RecordingSink();
  const driver = new ZigbeeDriver({ port: emulator.path, dataDir, log, ...options });
  await driver.start(sink, new AbortController().signal);
  return {
    emulator,
    driver,
    sink,
    logged,
    pair: async (device) => {
      if ((driver.permitJoinEnd() ?? 0) < Date.now() + 5000) await driver.permitJoin(60);
      if (!emulator.coordinator.network.join(device)) throw new Error(`${device.ieeeAddress} was refused`);
      await until(`${device.ieeeAddress} paired`, () => driver.devices().some((d) => d.id === `zigbee:${device.ieeeAddress}`), 15_000);
    },
    stop: async () => {
      await driver.stop();
      await emulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
