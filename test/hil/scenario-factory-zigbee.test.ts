import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessAppliance, type InProcessAppliance } from '../support/in-process-appliance.js';
import { until } from '../support/until.js';

/**
 * `outpost run --scenario factory` in-process: the scenario's Zigbee devices sit behind its emulated
 * Z-Stack coordinator, the driver opens pairing at start, they join, are interviewed through the real
 * herdsman and converters, and their readings reach the store like any other device's.
 */
let box: InProcessAppliance;
type Latest = { device: string; metric: string; value: number; unit: string }[];
const latest = (device: string) => box.api<Latest>(`/api/readings/latest?device=${encodeURIComponent(device)}`);
const stored = (device: string, metric: string) =>
  until(`${metric} stored for ${device}`, async () => (await latest(device)).find((r) => r.metric === metric), 30_000);

beforeAll(async () => {
  box = await startInProcessAppliance({ scenario: 'factory', pipeline: { tickMs: 100, windowSeconds: 1 }, detect: { enabled: false } });
}, 30_000);

afterAll(async () => {
  await box.stop();
  rmSync(box.dataDir, { recursive: true, force: true });
});

describe('Zigbee devices of the factory scenario', () => {
  it('pair by themselves and are listed with their models', async () => {
    const zigbee = box.appliance.scenario!.zigbee.devices;
    const listed = await until('every scenario device listed', async () => {
      const list = await box.api<{ id: string; model: string }[]>('/api/devices');
      const ours = list.filter((d) => d.id.startsWith('zigbee:'));
      return ours.length === zigbee.length && ours;
    }, 40_000);
    expect(new Set(listed.map((d) => d.model))).toEqual(new Set(['SNZB-04', 'SNZB-02', 'SNZB-03P', 'SP 120']));
  }, 45_000);

  it('store door contact, ambient temperature and humidity, presence and machine power with their units', async () => {
    const [dock, , hall, , presence, grinder] = box.appliance.scenario!.zigbee.devices.map((d) => `zigbee:${d.device.ieeeAddress}`);
    expect((await stored(dock!, 'contact')).value).toBeOneOf([0, 1]);
    const temperature = await stored(hall!, 'temperature');
    expect(temperature.unit).toBe('°C');
    expect(temperature.value).toBeGreaterThan(15);
    expect((await stored(hall!, 'humidity')).unit).toBe('%');
    expect((await stored(presence!, 'occupancy')).value).toBeOneOf([0, 1]);
    expect((await stored(grinder!, 'power')).unit).toBe('W');
    expect((await stored(grinder!, 'voltage')).value).toBeGreaterThan(220);
  }, 45_000);
});
