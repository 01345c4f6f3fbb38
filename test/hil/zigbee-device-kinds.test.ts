import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { airQualitySensor, Cluster, contactSensor, dimmableLight, occupancySensor } from '../../drivers/zigbee/emulator/device-catalog.js';
import { ZclType } from '../../drivers/zigbee/emulator/zcl-frame.js';
import { until } from '../support/until.js';
import { startZigbeeHarness, type ZigbeeHarness } from './zigbee-harness.js';

/** Each emulated device kind pairs through herdsman's interview, is matched by the converters, and its reports become readings. */
describe('zigbee device kinds', () => {
  let h: ZigbeeHarness;
  const motion = occupancySensor('0x00124b0000bb0001');
  const door = contactSensor('0x00124b0000bb0002');
  const air = airQualitySensor('0x00124b0000bb0003');
  const lamp = dimmableLight('0x00124b0000bb0004', { on: false, level: 254 });
  const id = (d: { ieeeAddress: string }): string => `zigbee:${d.ieeeAddress}`;
  const reading = (d: { ieeeAddress: string }, metric: string, value: number) =>
    until(`${metric} ${value} from ${d.ieeeAddress}`, () => h.sink.received.find((r) => r.device === id(d) && r.metric === metric && Math.abs(r.value - value) < 1e-6));

  beforeAll(async () => {
    h = await startZigbeeHarness();
    for (const device of [motion, door, air, lamp]) await h.pair(device);
  }, 60_000);

  afterAll(async () => {
    await h.stop();
  });

  it('matches each to its converter definition, with the outputs it can be written', () => {
    const byId = new Map(h.driver.devices().map((d) => [d.id, d]));
    expect(byId.get(id(motion))).toMatchObject({ model: 'SNZB-03P', outputs: [] });
    expect(byId.get(id(door))).toMatchObject({ model: 'SNZB-04', outputs: [] });
    expect(byId.get(id(air))).toMatchObject({ model: 'E2112', outputs: [] });
    expect(byId.get(id(lamp))).toMatchObject({ model: 'AE 262', outputs: ['state', 'brightness'] });
  });

  it('occupancy: msOccupancySensing reports become 1 and 0', async () => {
    await until('occupancy reporting configured', () => motion.reporting.has(`1/${Cluster.OCCUPANCY}/0`));
    h.emulator.coordinator.network.deliver(motion, [motion.set(1, Cluster.OCCUPANCY, 0, 1)]);
    expect((await reading(motion, 'occupancy', 1)).unit).toBe('');
    h.emulator.coordinator.network.deliver(motion, [motion.set(1, Cluster.OCCUPANCY, 0, 0)]);
    await reading(motion, 'occupancy', 0);
  });

  it('door contact: the IAS zone is enrolled during the interview, and zone status changes become contact 0 (open) and 1 (closed)', async () => {
    expect(door.attribute(1, Cluster.IAS_ZONE, 0x0000)?.value).toBe(1);
    expect(door.attribute(1, Cluster.IAS_ZONE, 0x0010)?.value).toBe(h.emulator.coordinator.ieeeAddress);
    h.emulator.coordinator.network.deliver(door, [door.set(1, Cluster.IAS_ZONE, 0x0002, 0x0001)]);
    await reading(door, 'contact', 0);
    h.emulator.coordinator.network.deliver(door, [door.set(1, Cluster.IAS_ZONE, 0x0002, 0x0000)]);
    await reading(door, 'contact', 1);
  });

  it('air quality: PM2.5 in µg/m³, temperature and humidity; the VOC index, with no canonical metric, is logged once', async () => {
    await until('pm2.5 reporting configured', () => air.reporting.has(`1/${Cluster.PM25}/0`));
    for (let i = 0; i < 2; i++) {
      h.emulator.coordinator.network.deliver(air, [air.set(1, Cluster.PM25, 0, 35.5 + i), air.set(1, Cluster.TEMPERATURE, 0, 1725), air.set(1, 0xfc7e, 0, 140)]);
    }
    expect((await reading(air, 'pm25', 36.5)).unit).toBe('µg/m³');
    expect((await reading(air, 'temperature', 17.25)).unit).toBe('°C');
    expect(h.logged.filter((l) => l.includes('voc_index') && l.includes('ZIGBEE_UNMAPPED'))).toHaveLength(1);
  });

  it('dimmable light: a brightness write through toZigbee reaches the lamp and its state comes back', async () => {
    await h.driver.write({ device: id(lamp), output: 'brightness', value: 100 });
    expect(lamp.attribute(1, Cluster.LEVEL, 0)?.value).toBe(100);
    expect(lamp.attribute(1, Cluster.ON_OFF, 0)?.value).toBe(1);
    await reading(lamp, 'state', 1);
    await until('brightness 100 in the paired list', () => h.driver.pairedDevices().find((d) => d.id === id(lamp) && d.values['brightness'] === 100));
    await h.driver.write({ device: id(lamp), output: 'state', value: false });
    expect(lamp.attribute(1, Cluster.ON_OFF, 0)?.value).toBe(0);
    await reading(lamp, 'state', 0);
  });

  it('a report of an attribute the converter does not know is logged once and readings go on', async () => {
    const temperature = air.spec.attributes['1/1026'] ?? {};
    temperature[0x4242] = { type: ZclType.UINT16, value: 7 };
    for (let i = 0; i < 3; i++) h.emulator.coordinator.network.deliver(air, [air.set(1, Cluster.TEMPERATURE, 0x4242, 7 + i)]);
    h.emulator.coordinator.network.deliver(air, [air.set(1, Cluster.TEMPERATURE, 0, 1999)]);
    await reading(air, 'temperature', 19.99);
    expect(h.logged.filter((l) => l.includes('not understood by the converter'))).toHaveLength(1);
    expect(h.driver.health().state).toBe('ok');
  });
});
