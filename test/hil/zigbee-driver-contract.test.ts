import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../appliance/log.js';
import { temperatureHumiditySensor } from '../../drivers/zigbee/emulator/device-catalog.js';
import { ZnpEmulator } from '../../drivers/zigbee/emulator/znp-emulator.js';
import { ZigbeeDriver } from '../../drivers/zigbee/zigbee-driver.js';
import { driverContract } from '../support/driver-contract.js';
import { RecordingSink } from '../support/recording-sink.js';
import { until } from '../support/until.js';

driverContract('zigbee (zigbee-herdsman on the ZNP emulator)', async () => {
  const emulator = new ZnpEmulator();
  await emulator.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-zb-contract-'));
  const sensor = temperatureHumiditySensor('0x00124b0011223344');
  const log = silentLogger();

  // Pair once, then hand the suite a fresh driver on the same data dir: it must resume the network and
  // know the sensor without re-pairing.
  const pairing = new ZigbeeDriver({ port: emulator.path, dataDir, log });
  await pairing.start(new RecordingSink(), new AbortController().signal);
  await pairing.permitJoin(30);
  emulator.coordinator.network.join(sensor);
  await until('sensor paired', () => pairing.devices().length === 1);
  await pairing.stop();

  let temperature = 2000;
  const world = setInterval(() => {
    temperature += 5;
    emulator.coordinator.network.deliver(sensor, [sensor.set(1, 1026, 0, temperature)]);
  }, 200);
  return {
    driver: new ZigbeeDriver({ port: emulator.path, dataDir, log }),
    expectedDevices: ['zigbee:0x00124b0011223344'],
    teardown: async () => {
      clearInterval(world);
      await emulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
