import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { silentLogger } from '../../appliance/log.js';
import { ZnpEmulator } from '../../drivers/zigbee/emulator/znp-emulator.js';
import { ZigbeeDriver } from '../../drivers/zigbee/zigbee-driver.js';
import { RecordingSink } from '../support/recording-sink.js';
import { until } from '../support/until.js';

const dataDir = mkdtempSync(join(tmpdir(), 'outpost-zb-absent-'));
let emulator: ZnpEmulator | undefined;
let driver: ZigbeeDriver | undefined;

afterAll(async () => {
  await driver?.stop();
  await emulator?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('starts without its coordinator, reports itself offline, and forms the network once the coordinator appears', async () => {
  const probe = new ZnpEmulator();
  await probe.start();
  const port = probe.port;
  await probe.stop();

  driver = new ZigbeeDriver({ port: `tcp://127.0.0.1:${port}`, dataDir, log: silentLogger(), backoff: { initialMs: 100, maxMs: 400 } });
  await driver.start(new RecordingSink(), new AbortController().signal);
  expect(driver.health()).toMatchObject({ state: 'offline', reason: expect.stringMatching(/coordinator start failed/) });
  await expect(driver.permitJoin(10)).rejects.toMatchObject({ code: 'ZIGBEE_COORDINATOR_OFFLINE' });

  emulator = new ZnpEmulator({ port });
  await emulator.start();
  await until('coordinator up', () => driver?.health().state === 'ok', 20_000);
  expect(emulator.coordinator.formedNetwork()).toBeDefined();
}, 30_000);
