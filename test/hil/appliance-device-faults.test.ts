import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../appliance/log.js';
import { ModbusEmulator, type TcpGatewayEndpoint } from '../../drivers/modbus/emulator/modbus-emulator.js';
import { xyMd02 } from '../../drivers/modbus/profiles/xy-md02.js';
import { startInProcessAppliance, type InProcessAppliance } from '../support/in-process-appliance.js';
import { until } from '../support/until.js';

const emulator = new ModbusEmulator({ log: silentLogger() });
let gateway: TcpGatewayEndpoint;
let box: InProcessAppliance;
const read = (metric: string) => (metric === 'temperature' ? 4.5 : 80);
const deviceId = (unit: number) => `modbus:tcp/127.0.0.1:${gateway.port}/${unit}`;
const api = <T>(path: string) => box.api<T>(path);

beforeAll(async () => {
  await emulator.start();
  gateway = await emulator.addTcpGateway({ devices: [1, 2].map((unitId) => ({ unitId, profile: xyMd02, read })) });
  const sensor = (unitId: number) => ({
    name: `freezer ${unitId}`,
    transport: { type: 'tcp', host: '127.0.0.1', port: gateway.port },
    unitId,
    profile: 'xy-md02',
    intervalMs: 100,
    timeoutMs: 150,
    retries: 0,
    offlineAfter: 2,
  });
  box = await startInProcessAppliance({ pipeline: { tickMs: 100, windowSeconds: 1 }, modbus: { devices: [sensor(1), sensor(2)] } });
});

afterAll(async () => {
  await box.stop();
  await emulator.stop();
});

describe('a misbehaving device inside the running appliance', () => {
  it('an out-of-range value is dropped, counted and logged with the device and reason; the other device keeps flowing', async () => {
    gateway.setFault(1, { kind: 'value', metric: 'temperature', value: 9999 });
    const line = await until('a dropped-reading log line', () => box.logs.find((l) => l.msg === 'reading dropped' && l.device === deviceId(1)));
    expect(line).toMatchObject({ reason: 'range', level: 40 });
    const stats = await until('drop counted', async () => {
      const s = await api<{ counters: Record<string, number> }>('/api/stats');
      return (s.counters['drop.range'] ?? 0) > 0 && s;
    });
    expect(stats.counters['drop.range']).toBeGreaterThan(0);
    const latest = await api<{ device: string; metric: string; value: number }[]>(`/api/readings/latest?device=${encodeURIComponent(deviceId(2))}`);
    expect(latest.find((r) => r.metric === 'temperature')?.value).toBeCloseTo(4.5, 5);
    gateway.setFault(1, null);
  });

  it('a device that stops answering raises one offline alert naming the reason, cleared when it returns', async () => {
    gateway.setFault(2, { kind: 'timeout' });
    type AlertRow = { device: string; kind: string; state: string; message: string };
    const raised = await until('offline alert', async () =>
      (await api<AlertRow[]>('/api/alerts')).find((a) => a.device === deviceId(2) && a.state === 'raised'),
    );
    expect(raised).toMatchObject({ kind: 'offline', message: expect.stringMatching(/freezer 2 is offline: .*no answer/) });
    const devices = await api<{ id: string; health: { state: string } }[]>('/api/devices');
    expect(devices.find((d) => d.id === deviceId(2))?.health.state).toBe('offline');
    expect(devices.find((d) => d.id === deviceId(1))?.health.state).toBe('ok');
    expect((await api<AlertRow[]>('/api/alerts?open=true')).map((a) => a.device)).toContain(deviceId(2));

    gateway.setFault(2, null);
    await until('alert cleared', async () => (await api<AlertRow[]>('/api/alerts')).some((a) => a.device === deviceId(2) && a.state === 'cleared'), 15_000);
    const offlineAlerts = (await api<AlertRow[]>('/api/alerts')).filter((a) => a.device === deviceId(2) && a.state === 'raised');
    expect(offlineAlerts).toHaveLength(1);
    expect((await api<AlertRow[]>('/api/alerts?open=true')).map((a) => a.device)).not.toContain(deviceId(2));
  });
});
