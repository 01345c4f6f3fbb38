import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessAppliance, type InProcessAppliance } from '../support/in-process-appliance.js';
import { until } from '../support/until.js';

/**
 * `outpost run --scenario city --scale 2` in-process: both copies of the district's BLE air-quality tags
 * and GPIO street-light relays reach the store and the device list, as the Modbus devices do.
 */
let box: InProcessAppliance;
const api = <T>(path: string) => box.api<T>(path);

beforeAll(async () => {
  box = await startInProcessAppliance({ scenario: 'city', scenarioScale: 2, pipeline: { tickMs: 100, windowSeconds: 1 }, detect: { enabled: false } });
}, 30_000);

afterAll(async () => {
  await box.stop();
  rmSync(box.dataDir, { recursive: true, force: true });
});

type Latest = { device: string; metric: string; value: number }[];

describe('the city scenario at scale 2', () => {
  it('stores PM2.5 and CO2 from the air-quality tags of both copies', async () => {
    for (const tag of ['ble:c4:7c:8d:00:01:01', 'ble:c4:7c:8d:00:01:02', 'ble:c4:7c:8d:01:01:01', 'ble:c4:7c:8d:01:01:02']) {
      const rows = await until(`air quality stored for ${tag}`, async () => {
        const latest = await api<Latest>(`/api/readings/latest?device=${encodeURIComponent(tag)}`);
        return latest.some((r) => r.metric === 'pm25') && latest.some((r) => r.metric === 'co2') && latest;
      }, 15_000);
      expect(rows.find((r) => r.metric === 'pm25')?.value).toBeGreaterThanOrEqual(0);
    }
  });

  it('pairs the Zigbee street lights and air-quality sensors of both copies, and stores their readings', async () => {
    const zigbee = box.appliance.scenario!.zigbee.devices;
    expect(zigbee.length).toBe(10);
    const id = (name: string) => `zigbee:${zigbee.find((d) => d.name === name)!.device.ieeeAddress}`;
    for (const [device, metric] of [
      [id('air quality, ring road (Zigbee), site 2'), 'pm25'],
      [id('air quality, market square (Zigbee)'), 'temperature'],
      [id('street light, Main St 1'), 'state'],
      [id('street-light plug, park, site 2'), 'voltage'],
    ] as const) {
      await until(`${metric} stored for ${device}`, async () => (await api<Latest>(`/api/readings/latest?device=${encodeURIComponent(device)}`)).some((r) => r.metric === metric), 40_000);
    }
  }, 45_000);

  it('lists the street-light relays of both copies on their own pins, lit at their safe state', async () => {
    const devices = await until('the relays listed', async () => {
      const list = await api<{ id: string; name: string; outputs?: string[] }[]>('/api/devices');
      return list.filter((d) => d.name.startsWith('street lights')).length === 4 && list;
    });
    const relays = devices.filter((d) => d.name.startsWith('street lights'));
    expect(new Set(relays.map((d) => d.id)).size).toBe(4);
    expect(relays.map((d) => d.name)).toContain('street lights, park, site 2');
    const chip = box.appliance.scenario!.gpio.chip;
    for (const relay of relays) expect(chip.level(Number(relay.id.slice('gpio:'.length)))).toBe(1);
  });
});
