import { describe, expect, it } from 'vitest';
import { scenarioZigbeeDevices } from './scenario-devices.js';

describe('scenario Zigbee devices', () => {
  it('give the factory door contacts, ambient sensors, presence and machine plugs; the city street lights and air quality', () => {
    const models = (name: 'factory' | 'city') => scenarioZigbeeDevices(name).map((d) => d.device.attribute(1, 0, 0x0005)?.value);
    expect(models('factory')).toEqual(['DS01', 'DS01', 'TH01', 'TH01', 'SNZB-03P', 'SP 120', 'SP 120']);
    expect(models('city')).toEqual(['AE 262', 'AE 262', 'SP 120', 'VINDSTYRKA', 'VINDSTYRKA']);
  });

  it('give every copy of a site addresses and names of its own', () => {
    const all = [1, 2, 3].flatMap((copy) => scenarioZigbeeDevices('city', copy));
    expect(new Set(all.map((d) => d.device.ieeeAddress)).size).toBe(all.length);
    expect(all.map((d) => d.name)).toContain('air quality, ring road (Zigbee), site 3');
  });

  it('report what the world gives at an instant: a plug meters nothing while switched off', () => {
    const plug = scenarioZigbeeDevices('factory').find((d) => d.name === 'air dryer plug')!;
    const noon = Date.UTC(2026, 0, 5, 12);
    expect(plug.report(noon).length).toBe(4);
    expect(Number(plug.device.attribute(1, 0x0b04, 0x050b)?.value)).toBeGreaterThan(500);
    plug.device.attribute(1, 0x0006, 0)!.value = 0;
    plug.report(noon + 60_000);
    expect(plug.device.attribute(1, 0x0b04, 0x050b)?.value).toBe(0);
  });
});
