import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existingSetupCode } from '../../appliance/auth/setup-code.js';
import { parseConfig } from '../../appliance/config/load.js';
import { silentLogger } from '../../appliance/log.js';
import { Appliance } from '../../appliance/main.js';
import { until } from '../support/until.js';
import { adminHeaders } from '../support/web-admin.js';

/**
 * `outpost run --scenario city --scale 2` in-process: both copies of the district's BLE air-quality tags
 * and GPIO street-light relays reach the store and the device list, as the Modbus devices do.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'outpost-city-scaled-'));
let appliance: Appliance;
let base: string;
let admin: Record<string, string> | undefined;

async function api<T>(path: string): Promise<T> {
  admin ??= await adminHeaders(base, async () => until('the setup code', () => existingSetupCode(dataDir)));
  return (await (await fetch(`${base}${path}`, { headers: admin })).json()) as T;
}

beforeAll(async () => {
  const config = parseConfig(
    { dataDir, http: { port: 0 }, scenario: 'city', scenarioScale: 2, pipeline: { tickMs: 100, windowSeconds: 1 }, detect: { enabled: false } },
    'test',
  );
  appliance = new Appliance({ config, log: silentLogger(), version: 'test' });
  await appliance.start();
  base = `http://127.0.0.1:${appliance.httpAddress?.port}`;
}, 30_000);

afterAll(async () => {
  await appliance.stop();
  rmSync(dataDir, { recursive: true, force: true });
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

  it('lists the street-light relays of both copies on their own pins, lit at their safe state', async () => {
    const devices = await until('the relays listed', async () => {
      const list = await api<{ id: string; name: string; outputs?: string[] }[]>('/api/devices');
      return list.filter((d) => d.name.startsWith('street lights')).length === 4 && list;
    });
    const relays = devices.filter((d) => d.name.startsWith('street lights'));
    expect(new Set(relays.map((d) => d.id)).size).toBe(4);
    expect(relays.map((d) => d.name)).toContain('street lights, park, site 2');
    const chip = appliance.scenario!.gpio.chip;
    for (const relay of relays) expect(chip.level(Number(relay.id.slice('gpio:'.length)))).toBe(1);
  });
});
