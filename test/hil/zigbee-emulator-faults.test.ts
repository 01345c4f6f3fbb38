import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, smartPlug, temperatureHumiditySensor } from '../../drivers/zigbee/emulator/device-catalog.js';
import { until } from '../support/until.js';
import { startZigbeeHarness, type ZigbeeHarness } from './zigbee-harness.js';

/** Faults on the coordinator's side of the wire, switched on in the emulator mid-run: the driver logs, drops and goes on. */
describe('zigbee driver under coordinator frame faults', () => {
  let h: ZigbeeHarness;
  const sensor = temperatureHumiditySensor('0x00124b0000cc0001');
  const plug = smartPlug('0x00124b0000cc0002');
  const sensorId = `zigbee:${sensor.ieeeAddress}`;
  const report = (centi: number): void => h.emulator.coordinator.network.deliver(sensor, [sensor.set(1, Cluster.TEMPERATURE, 0, centi)]);
  const temperatures = (): number[] => h.sink.of(sensorId, 'temperature');
  const dropped = (): string[] => h.logged.filter((l) => l.includes('ZIGBEE_FRAME_DROPPED'));

  beforeAll(async () => {
    h = await startZigbeeHarness();
    await h.pair(sensor);
    await h.pair(plug);
  }, 40_000);

  afterAll(async () => h.stop());

  it('frames with a broken FCS are logged and lost; the next report gets through', async () => {
    const before = dropped().length;
    h.emulator.corruptFrames(2, 'fcs');
    report(2001);
    report(2002);
    await until('two drops logged', () => dropped().length >= before + 2);
    report(2003);
    await until('report after the bad frames', () => temperatures().includes(20.03));
    expect(temperatures()).not.toContain(20.01);
    expect(temperatures()).not.toContain(20.02);
    expect(dropped().at(-1)).toMatch(/checksum/i);
  });

  it('a frame with a command Z-Stack never sends is logged as dropped, not as a herdsman failure; readings go on', async () => {
    const before = dropped().length;
    h.emulator.corruptFrames(1, 'unknown-command');
    report(2101);
    await until('drop logged', () => dropped().length > before);
    report(2102);
    await until('report after the unknown command', () => temperatures().includes(21.02));
    expect(temperatures()).not.toContain(21.01);
    expect(h.logged.some((l) => l.includes('ZIGBEE_HERDSMAN_ERROR'))).toBe(false);
    expect(h.driver.health().state).toBe('ok');
  });

  it('with every coordinator frame delayed, a plug write still completes and its state report arrives, late', async () => {
    h.emulator.delayFrames(400);
    const started = Date.now();
    try {
      await h.driver.write({ device: `zigbee:${plug.ieeeAddress}`, output: 'state', value: true });
      await until('plug state on', () => h.sink.of(`zigbee:${plug.ieeeAddress}`, 'state').includes(1));
    } finally {
      h.emulator.delayFrames(0);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    report(2201);
    await until('report after the delay ends', () => temperatures().includes(22.01));
    expect(h.driver.health().state).toBe('ok');
  });
});
