import { silentLogger } from '../../appliance/log.js';
import { BleDriver } from '../../drivers/ble/ble-driver.js';
import { adoptionFor, BleWorld } from '../../drivers/ble/emulator/ble-world.js';
import { EmulatedBinding } from '../../drivers/ble/emulator/emulated-binding.js';
import { scenarioTags } from '../../drivers/ble/emulator/scenario-tags.js';
import { createNoble } from '../../drivers/ble/noble-factory.js';
import { driverContract } from '../support/driver-contract.js';

/** The real noble over the emulated binding, with the factory's tags: one of every supported format. */
driverContract('ble: noble with the emulated binding (factory tags, every format, one encrypted)', async () => {
  const binding = new EmulatedBinding();
  const tags = scenarioTags('factory').tags.map((t) => ({ ...t, intervalMs: 100 }));
  const world = new BleWorld({ binding, tags, worldNow: () => Date.now() });
  world.start();
  const adopted = adoptionFor(tags);
  return {
    driver: new BleDriver({
      config: { adopted, offlineAfterSeconds: 30, watchdogSeconds: 30 },
      noble: () => createNoble(binding),
      log: silentLogger(),
    }),
    expectedDevices: adopted.map((a) => `ble:${a.address}`),
    teardown: async () => world.stop(),
  };
});
