import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, smartPlug, temperatureHumiditySensor } from '../../drivers/zigbee/emulator/device-catalog.js';
import { until } from '../support/until.js';
import { startZigbeeHarness, type ZigbeeHarness } from './zigbee-harness.js';

/** Availability by device kind: a silent router is pinged and given up; a silent end device is given up after its own, longer limit. */
describe('zigbee availability', () => {
  let h: ZigbeeHarness;
  const sensor = temperatureHumiditySensor('0x00124b0000dd0001');
  const plug = smartPlug('0x00124b0000dd0002');
  const health = (d: { ieeeAddress: string }) => h.driver.devices().find((x) => x.id === `zigbee:${d.ieeeAddress}`)?.health;
  let reporting: NodeJS.Timeout | undefined;
  const keepReporting = (): void => {
    reporting = setInterval(() => h.emulator.coordinator.network.deliver(sensor, [sensor.set(1, Cluster.TEMPERATURE, 0, 2000)]), 300);
  };

  beforeAll(async () => {
    h = await startZigbeeHarness({ availability: { routerMs: 1500, endDeviceMs: 4000 } });
    await h.pair(sensor);
    await h.pair(plug);
    // Silenced mid-configure, the plug's queued requests would go through herdsman's slow recovery and hold up its pings.
    await until('plug configured', () => h.logged.some((l) => l.includes(plug.ieeeAddress) && l.includes('zigbee device configured')), 20_000);
  }, 40_000);

  afterAll(async () => {
    clearInterval(reporting);
    await h.stop();
  });

  it('a router that stops answering goes offline after the router limit, while a reporting end device stays ok', async () => {
    keepReporting();
    plug.silent = true;
    const offline = await until('plug offline', () => (health(plug)?.state === 'offline' ? health(plug) : undefined), 8000);
    expect(offline?.reason).toMatch(/router, did not answer a ping; limit 2 s/);
    expect(health(sensor)?.state).toBe('ok');
    expect(h.sink.reached(`zigbee:${plug.ieeeAddress}`, 'offline')).toBeDefined();
  });

  it('a router that answers again is back without reporting anything: the next ping finds it', async () => {
    plug.silent = false;
    await until('plug ok', () => health(plug)?.state === 'ok', 8000);
  });

  it('a silent end device is given up only after its own limit', async () => {
    clearInterval(reporting);
    const silentFrom = Date.now();
    await until('sensor offline', () => health(sensor)?.state === 'offline', 10_000);
    expect(Date.now() - silentFrom).toBeGreaterThanOrEqual(3500);
    expect(health(sensor)?.reason).toMatch(/end device; limit 4 s/);
    h.emulator.coordinator.network.deliver(sensor, [sensor.set(1, Cluster.TEMPERATURE, 0, 2100)]);
    await until('sensor ok again', () => health(sensor)?.state === 'ok');
  }, 15_000);
});
