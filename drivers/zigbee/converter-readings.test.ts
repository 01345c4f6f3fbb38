import { describe, expect, it } from 'vitest';
import { normalise } from '../../appliance/pipeline/normalise.js';
import { readingsFromConverted } from './converter-readings.js';

describe('converter output to readings', () => {
  it('maps sensor, plug and contact keys to canonical metrics the pipeline accepts', () => {
    const { readings, unknown } = readingsFromConverted(
      'zigbee:0x01',
      { temperature: 23.45, humidity: 40.1, battery: 100, state: 'ON', power: 12.5, energy: 3.2, occupancy: true, contact: false, linkquality: 200 },
      1000,
    );
    expect(unknown).toEqual([]);
    expect(readings.map((r) => [r.metric, r.value, r.unit])).toEqual([
      ['temperature', 23.45, '°C'],
      ['humidity', 40.1, '%'],
      ['battery', 100, '%'],
      ['state', 1, ''],
      ['power', 12.5, 'W'],
      ['energy', 3.2, 'kWh'],
      ['occupancy', 1, ''],
      ['contact', 0, ''],
    ]);
    for (const r of readings) expect(normalise(r).ok).toBe(true);
  });

  it('names keys it cannot map instead of guessing, and skips values of the wrong shape', () => {
    const { readings, unknown } = readingsFromConverted('zigbee:0x01', { soil_moisture: 12, temperature: 'hot' }, 1000);
    expect(readings).toEqual([]);
    expect(unknown).toEqual(['soil_moisture']);
  });
});
