import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startMosquitto } from '../support/mosquitto.js';
import { recordTopic } from '../support/mosquitto-subscriber.js';
import { OutpostProcess } from '../support/outpost-process.js';
import { until } from '../support/until.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('saved config changes take effect without restarting the process', () => {
  it('saves the change, replies, restarts the services in-process with it, and keeps the stored data', async () => {
    const mosquitto = await startMosquitto();
    cleanups.push(() => mosquitto.stop());
    const dir = mkdtempSync(join(tmpdir(), 'outpost-config-apply-'));
    const configPath = join(dir, 'config.json');
    writeFileSync(configPath, JSON.stringify({ nodeId: 'line-7', dataDir: dir, mqtt: { url: mosquitto.url }, pipeline: { windowSeconds: 1 } }));
    const cloud = await recordTopic(mosquitto.url, 'outpost/#');
    cleanups.push(() => cloud.close());
    const box = new OutpostProcess(['--config', configPath, '--scenario', 'factory']);
    cleanups.push(() => box.stop());
    await box.start();
    await box.waitHealthy();
    const summariesBefore = await until('summaries stored under line-7', async () => {
      const rows = (await box.api<unknown[]>('/api/summaries?limit=100000')).body;
      return rows.length > 0 ? rows.length : undefined;
    }, 30_000);

    const control = await connectAsync(mosquitto.url);
    cleanups.push(() => control.endAsync());
    await control.publishAsync('outpost/line-7/downlink/config', JSON.stringify({ id: 'c1', config: { nodeId: 'line-8' } }), { qos: 1 });

    const reply = await until('the reply to the change', () =>
      cloud.messages.find((m) => m.topic === 'outpost/line-7/downlink-reply' && m.payload.toString().includes('"c1"')),
    );
    expect(JSON.parse(reply.payload.toString())).toMatchObject({ id: 'c1', ok: true, result: expect.stringContaining('applied') });
    await box.waitForLog('the restart', (l) => l.msg === 'restarting the services with the saved config');
    await until('line-8 online', () => cloud.messages.find((m) => m.topic === 'outpost/line-8/status' && m.payload.toString().includes('online')), 30_000);
    expect(cloud.messages.some((m) => m.topic === 'outpost/line-7/status' && m.payload.toString().includes('offline'))).toBe(true);
    expect(JSON.parse(readFileSync(configPath, 'utf8'))).toMatchObject({ nodeId: 'line-8' });

    // The same process now answers as line-8, with everything stored before the restart still there.
    await box.waitHealthy();
    const after = (await box.api<unknown[]>('/api/summaries?limit=100000')).body;
    expect(after.length).toBeGreaterThanOrEqual(summariesBefore);
    await control.publishAsync('outpost/line-8/downlink/rebirth', JSON.stringify({ id: 'r1' }), { qos: 1 });
    await until('line-8 answers its downlink', () => cloud.messages.find((m) => m.topic === 'outpost/line-8/downlink-reply' && m.payload.toString().includes('"r1"')));
  }, 90_000);

  it('the page applies saved settings at once, and its session survives the restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-page-apply-'));
    const box = new OutpostProcess(['--data', dir]);
    cleanups.push(() => box.stop());
    await box.start();
    await box.waitHealthy();
    const settings = async () => (await box.api<{ nodeId: string }>('/api/settings')).body;
    const { timeZone } = Intl.DateTimeFormat().resolvedOptions();
    expect((await box.api('/api/settings', 'PUT', { siteName: 'Hall 3', nodeName: 'press-2', timeZone })).status).toBe(200);
    expect((await settings()).nodeId, 'saved, not yet applied').not.toBe('press-2');

    expect((await box.api('/api/system/apply', 'POST')).status).toBe(202);
    await box.waitForLog('the restart', (l) => l.msg === 'restarting the services with the saved config');
    await box.waitForLog('the services back with the new node name', (l) => l.msg === 'outpost ready' && l.nodeId === 'press-2', 30_000);
    const headers = await box.adminHeaders();
    const response = await fetch(`${box.httpUrl}/api/settings`, { headers });
    expect(response.status, 'the session from before the restart').toBe(200);
    expect(((await response.json()) as { nodeId: string }).nodeId).toBe('press-2');
  }, 60_000);
});
