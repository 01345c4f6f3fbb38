import { describe, expect, it } from 'vitest';
import { decodeAdvert } from '../decoders/decode-advert.js';
import { encodeAdvert } from './encode.js';
import { scenarioTags } from './scenario-tags.js';

describe('emulated tags speak the formats our decoders read', () => {
  it.each(['factory', 'city'] as const)('every %s tag round-trips through its own format', (scenario) => {
    const worldMs = Date.UTC(2026, 5, 1, 12);
    for (const tag of scenarioTags(scenario).tags) {
      const values = tag.values(worldMs);
      const key = tag.key ? Buffer.from(tag.key, 'hex') : undefined;
      const advert = encodeAdvert(tag.format, values, { address: tag.address, rssi: tag.rssi, sequence: 7, ...(key ? { key } : {}) });
      const result = decodeAdvert({ ...advert, serviceData: advert.serviceData ?? [] }, key);
      expect(result.ok, `${tag.name}: ${result.ok ? '' : result.error.message}`).toBe(true);
      if (!result.ok) continue;
      expect(result.value.format).toBe(tag.format);
      const get = (metric: string) => result.value.measurements.find((m) => m.metric === metric)?.value;
      // Each format's resolution: 0.1 °C (atc1441, Govee's packing) is the coarsest.
      expect(Math.abs((get('temperature') ?? Number.NaN) - values.temperature)).toBeLessThan(0.11);
      expect(Math.abs((get('humidity') ?? Number.NaN) - values.humidity)).toBeLessThan(0.6);
      if (values.pm25 !== undefined) expect(get('pm25')).toBe(Math.round(values.pm25));
    }
  });

  it('the factory has every supported format, one of them encrypted; the city has air quality', () => {
    const factory = scenarioTags('factory').tags;
    expect(new Set(factory.map((t) => t.format))).toEqual(new Set(['bthome', 'ruuvi-5', 'pvvx', 'atc1441', 'govee-h5075']));
    expect(factory.some((t) => t.key)).toBe(true);
    expect(scenarioTags('city').tags.every((t) => t.values(0).pm25 !== undefined && t.values(0).co2 !== undefined)).toBe(true);
  });

  it('gives every copy of the site its own addresses and names, with the same kinds of tags', () => {
    const two = scenarioTags('city', { scale: 2 }).tags;
    expect(two.map((t) => t.address)).toEqual(['c4:7c:8d:00:01:01', 'c4:7c:8d:00:01:02', 'c4:7c:8d:01:01:01', 'c4:7c:8d:01:01:02']);
    expect(two[3]?.name).toBe('air quality: ring road, site 2');
    const factory = scenarioTags('factory', { scale: 3 }).tags;
    expect(new Set(factory.map((t) => t.address)).size).toBe(15);
    // Each copy has its own noise, so copies are not identical streams.
    expect(factory[1]?.values(1_000_000).temperature).not.toBe(factory[6]?.values(1_000_000).temperature);
  });

  it('labels a nightly spike on the Ruuvi cold-store tag and carries it in the advertised values', () => {
    const startMs = Date.UTC(2026, 5, 1);
    const clean = scenarioTags('factory', { startMs, days: 0 }).tags;
    const { tags, anomalies } = scenarioTags('factory', { startMs, days: 3 });
    expect(anomalies.length).toBe(3);
    for (const label of anomalies) {
      expect(label).toMatchObject({ device: 'cold store 2 (Ruuvi)', metric: 'temperature', kind: 'spike', magnitude: 6 });
      const index = tags.findIndex((t) => t.name === label.device);
      const mid = (label.start + label.end) / 2;
      expect(tags[index]!.values(mid).temperature - clean[index]!.values(mid).temperature).toBeCloseTo(6, 6);
      expect(tags[index]!.values(label.end).temperature).toBe(clean[index]!.values(label.end).temperature);
    }
  });
});
