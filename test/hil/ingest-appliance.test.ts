import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessAppliance, type InProcessAppliance } from '../support/in-process-appliance.js';
import { until } from '../support/until.js';

const run = promisify(execFile);
const BOILER = { name: 'boiler', token: 'boiler-token-0123456789' };
let box: InProcessAppliance;
const api = <T>(path: string) => box.api<T>(path);

function postSenml(token: string, body: string): Promise<{ stdout: string }> {
  return run('curl', ['-sS', '-w', ' %{http_code}', '-H', `Authorization: Bearer ${token}`, '-H', 'Content-Type: application/senml+json', '--data-binary', body, `${box.base}/ingest/boiler`]);
}

beforeAll(async () => {
  box = await startInProcessAppliance({ pipeline: { tickMs: 100, windowSeconds: 1 }, ipIngest: { http: { devices: [BOILER] } } });
});

afterAll(async () => {
  await box.stop();
});

describe('an HTTP device posting to the running appliance', () => {
  it('stores what curl posts with the device token, with no UI session, and lists the device', async () => {
    const { stdout } = await postSenml(BOILER.token, '[{"bn":"boiler:","n":"temperature","u":"Cel","v":64.5},{"n":"pressure","u":"Pa","v":101325}]');
    expect(stdout).toBe('{"accepted":2,"ignored":[]} 200');
    type Latest = { device: string; metric: string; value: number; unit: string }[];
    const latest = await until('the readings stored', async () => {
      const rows = await api<Latest>('/api/readings/latest?device=http%3Aboiler');
      return rows.length === 2 && rows;
    });
    expect(latest.map((r) => [r.metric, r.value, r.unit]).sort()).toEqual([['pressure', 1013.25, 'hPa'], ['temperature', 64.5, '°C']]);
    const devices = await api<{ id: string; protocol: string; health: { state: string } }[]>('/api/devices');
    expect(devices.find((d) => d.id === 'http:boiler')).toMatchObject({ protocol: 'http', health: { state: 'ok' } });
  });

  it('refuses a wrong token and garbage with a logged code, and loses nothing already stored', async () => {
    expect((await postSenml('a-session-is-not-a-token', '[]')).stdout).toMatch(/"code":"TOKEN_INVALID".* 403$/);
    expect((await postSenml(BOILER.token, '<xml/>')).stdout).toMatch(/"code":"PAYLOAD_NOT_JSON".* 400$/);
    await until('both refusals logged', () => ['TOKEN_INVALID', 'PAYLOAD_NOT_JSON'].every((code) => box.logs.some((l) => l.code === code && l.device === 'http:boiler')));
    const latest = await api<{ metric: string; value: number }[]>('/api/readings/latest?device=http%3Aboiler');
    expect(latest.find((r) => r.metric === 'temperature')?.value).toBe(64.5);
  });
});
