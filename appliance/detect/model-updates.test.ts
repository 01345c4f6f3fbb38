import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../drivers/types.js';
import { DownlinkRouter } from '../downlink/downlink-router.js';
import { silentLogger } from '../log.js';
import { DEFAULT_ALERT_POLICY } from './anomaly-alerts.js';
import { Detection } from './detection.js';
import { modelsDir } from './model-manifest.js';
import { encodeModelPackage, signModelManifest } from './model-package.js';
import { ModelUpdates } from './model-updates.js';

const keys = generateKeyPairSync('ed25519');
const onnx = readFileSync(join(modelsDir(), 'forecaster-mlp.onnx'));
const manifest = JSON.parse(readFileSync(join(modelsDir(), 'forecaster-mlp.json'), 'utf8')) as Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'outpost-model-updates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function packageBytes(version: string, key = keys.privateKey): Buffer {
  const m = Buffer.from(JSON.stringify({ ...manifest, version }));
  return encodeModelPackage({ manifest: m, signature: signModelManifest(m, key), onnx });
}
const offer = (bytes: Buffer, version: string) => ({ name: 'forecaster-mlp', version, url: 'memory:', sha256: createHash('sha256').update(bytes).digest('hex') });
const reading = (i: number): Reading => ({ device: 'd', metric: 'power', value: 100 + Math.sin(i), unit: 'W', ts: i, quality: 'good' });

async function detection(): Promise<Detection> {
  const d = new Detection({ log: silentLogger(), model: 'forecaster-mlp', installedDir: dir, policy: DEFAULT_ALERT_POLICY });
  await d.start();
  return d;
}

describe('ModelUpdates', () => {
  it('refuses an offer whose bytes differ, a package without a trusted key or with a bad signature, and keeps scoring with the old model', async () => {
    const running = await detection();
    let served = packageBytes('9.0.0', generateKeyPairSync('ed25519').privateKey);
    const updates = new ModelUpdates({ detection: running, publicKey: () => keys.publicKey, dir, log: silentLogger(), fetchBytes: async () => served });
    await expect(updates.accept({ ...offer(served, '9.0.0'), sha256: 'f'.repeat(64) })).rejects.toMatchObject({ code: 'MODEL_HASH' });
    await expect(updates.accept(offer(served, '9.0.0'))).rejects.toMatchObject({ code: 'MODEL_SIGNATURE' });
    served = Buffer.from('{"format":"zip"}');
    await expect(updates.accept(offer(served, '9.0.0'))).rejects.toMatchObject({ code: 'MODEL_PACKAGE' });
    const keyless = new ModelUpdates({ detection: running, publicKey: () => undefined, dir, log: silentLogger() });
    await expect(keyless.install(packageBytes('9.0.0'))).rejects.toMatchObject({ code: 'MODEL_NO_KEY' });
    expect(running.model?.version).toBe(manifest['version']);
    expect((await running.score([reading(1)])).scores?.length).toBe(1);
    await running.stop();
  });

  it('installs a signed package in the running detector and loads it again at the next start; a damaged copy falls back to the built-in model', async () => {
    const running = await detection();
    const bytes = packageBytes('9.0.0');
    const updates = new ModelUpdates({ detection: running, publicKey: () => keys.publicKey, dir, log: silentLogger(), fetchBytes: async () => bytes });
    expect(await updates.accept(offer(bytes, '9.0.0'))).toBe('model forecaster-mlp@9.0.0 installed');
    expect(running.model?.version).toBe('9.0.0');
    await running.stop();
    const restarted = await detection();
    expect(restarted.model?.version).toBe('9.0.0');
    await restarted.stop();
    writeFileSync(join(dir, 'forecaster-mlp.onnx'), onnx.subarray(0, 100));
    const fallback = await detection();
    expect(fallback.model?.version).toBe(manifest['version']);
    await fallback.stop();
  });
});

describe('model rollback over the downlink', () => {
  it('answers a model-rollback message with the model it returned to, or with why it could not', async () => {
    const rollbackDir = mkdtempSync(join(tmpdir(), 'outpost-model-rollback-'));
    const running = new Detection({ log: silentLogger(), model: 'forecaster-mlp', installedDir: rollbackDir, policy: DEFAULT_ALERT_POLICY });
    await running.start();
    const updates = new ModelUpdates({ detection: running, publicKey: () => keys.publicKey, dir: rollbackDir, log: silentLogger() });
    const fail = async () => {
      throw new Error('not in this test');
    };
    const router = new DownlinkRouter({
      nodeId: 'n1',
      log: silentLogger(),
      handlers: { config: fail, command: fail, rebirth: () => undefined, update: { accept: fail }, model: { accept: fail, rollback: () => updates.rollback() } },
    });
    const send = (id: string) => router.handle('outpost/n1/downlink/model-rollback', Buffer.from(JSON.stringify({ id })));
    expect(await send('r1')).toMatchObject({ id: 'r1', ok: false, error: { code: 'MODEL_NO_PREVIOUS' } });
    await updates.install(packageBytes('9.0.0'));
    expect(await send('r2')).toMatchObject({ id: 'r2', ok: true, result: `rolled back to forecaster-mlp@${manifest['version']}` });
    expect(running.model?.version).toBe(manifest['version']);
    await running.stop();
    rmSync(rollbackDir, { recursive: true, force: true });
  });
});

describe('Detection of running totals', () => {
  it('scores an energy meter by its rate: steady consumption stays quiet, a meter that stops moving raises one alert', async () => {
    const d = new Detection({ log: silentLogger(), model: 'forecaster-mlp', policy: { ...DEFAULT_ALERT_POLICY, clearAfter: 1000 } });
    await d.start();
    let kwh = 1000;
    const alerts: string[] = [];
    for (let i = 0; i < 700; i++) {
      // 2 kW with a wobble, read every 10 s; from reading 500 on the meter is stuck.
      if (i < 500) kwh += (2 + 0.2 * Math.sin(i / 9)) / 360;
      const r: Reading = { device: 'modbus:tcp/m/1', metric: 'energy', value: kwh, unit: 'kWh', ts: i * 10_000, quality: 'good' };
      alerts.push(...(await d.score([r])).alerts.map((a) => `${a.state}@${i}`));
    }
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatch(/^raised@50\d$/);
    await d.stop();
  });
});
