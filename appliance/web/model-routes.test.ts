import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../drivers/types.js';
import { DEFAULT_ALERT_POLICY } from '../detect/anomaly-alerts.js';
import { Detection } from '../detect/detection.js';
import { modelsDir, type ModelManifest } from '../detect/model-manifest.js';
import { encodeModelPackage, signModelManifest } from '../detect/model-package.js';
import { ModelUpdates } from '../detect/model-updates.js';
import { silentLogger } from '../log.js';
import { asClient, setUpAdmin, testWeb, type Client, type TestWeb } from './testing.js';

const keys = generateKeyPairSync('ed25519');
const onnx = readFileSync(join(modelsDir(), 'forecaster-mlp.onnx'));
const builtIn = JSON.parse(readFileSync(join(modelsDir(), 'forecaster-mlp.json'), 'utf8')) as ModelManifest;
const modelDir = mkdtempSync(join(tmpdir(), 'outpost-model-routes-'));

function packageBytes(change: (m: ModelManifest) => ModelManifest = (m) => m, bytes = onnx, key = keys.privateKey): Buffer {
  const manifest = Buffer.from(JSON.stringify(change({ ...builtIn, version: '9.0.0' })));
  return encodeModelPackage({ manifest, signature: signModelManifest(manifest, key), onnx: bytes });
}

/** Detection and its updates as the appliance builds them, over one data folder that outlives a "restart". */
async function startDetection(): Promise<{ detection: Detection; updates: ModelUpdates }> {
  const log = silentLogger();
  const detection = new Detection({ log, model: 'forecaster-mlp', installedDir: modelDir, policy: DEFAULT_ALERT_POLICY });
  await detection.start();
  return { detection, updates: new ModelUpdates({ detection, publicKey: () => keys.publicKey, dir: modelDir, log }) };
}

let running: Awaited<ReturnType<typeof startDetection>>;
let web: TestWeb;
let admin: Client;
beforeAll(async () => {
  running = await startDetection();
  web = await testWeb({ models: () => running.updates });
  admin = await setUpAdmin(web);
});
afterAll(async () => {
  await web.close();
  await running.detection.stop();
  rmSync(modelDir, { recursive: true, force: true });
});

const upload = (payload: Buffer, headers = asClient(admin)) =>
  web.app.inject({ method: 'POST', url: '/api/models', headers: { ...headers, 'content-type': 'application/octet-stream' }, payload });
const rollback = () => web.app.inject({ method: 'POST', url: '/api/models/rollback', headers: asClient(admin) });
const status = async () => (await web.app.inject({ method: 'GET', url: '/api/models', headers: asClient(admin) })).json<{ running: unknown; previous: unknown }>();
const reading = (i: number): Reading => ({ device: 'd', metric: 'power', value: 100 + Math.sin(i), unit: 'W', ts: i, quality: 'good' });

describe('model routes', () => {
  it('take a package only from the admin session with its CSRF token', async () => {
    expect((await upload(packageBytes(), {})).json()).toMatchObject({ error: { code: 'AUTH_REQUIRED' } });
    expect((await upload(packageBytes(), { cookie: admin.cookie })).json()).toMatchObject({ error: { code: 'CSRF_MISSING' } });
    expect(await status()).toEqual({ running: { name: 'forecaster-mlp', version: builtIn.version }, previous: null });
  });

  it('refuse a truncated upload, a truncated or swapped model, a bad signature and a wrong input shape, each with its reason, and the old model keeps scoring', async () => {
    const good = packageBytes();
    const truncatedOnnx = onnx.subarray(0, onnx.length >> 1);
    const narrow = (m: ModelManifest): ModelManifest => ({ ...m, inputs: [{ ...m.inputs[0], shape: ['batch', 16] }], sample: { ...m.sample, input: m.sample.input.slice(0, 16) } });
    const cases: [string, Buffer, RegExp][] = [
      ['MODEL_PACKAGE', good.subarray(0, good.length - 100), /not JSON/],
      ['MODEL_HASH', packageBytes(undefined, truncatedOnnx), /has sha256 [0-9a-f]{64} \(\d+ bytes\), the manifest says/],
      ['MODEL_HASH', packageBytes((m) => ({ ...m, sha256: '0'.repeat(64) })), /the manifest says 0{64}/],
      ['MODEL_SIGNATURE', packageBytes(undefined, onnx, generateKeyPairSync('ed25519').privateKey), /signature does not verify/],
      ['MODEL_SHAPE', packageBytes(narrow), /takes 64 values, not 16/],
    ];
    for (const [code, bytes, reason] of cases) {
      const r = await upload(bytes);
      expect(r.statusCode, code).toBe(400);
      const { error } = r.json<{ error: { code: string; message: string } }>();
      expect(error.code).toBe(code);
      expect(error.message).toMatch(reason);
      expect(error.message).toMatch(/the running model stays$/);
    }
    expect((await status()).running).toEqual({ name: 'forecaster-mlp', version: builtIn.version });
    expect((await running.detection.score([reading(1)])).scores).toHaveLength(1);
  });

  it('install a signed package, roll back to the previous model and forward again, and keep that choice across a restart', async () => {
    expect((await rollback()).json()).toMatchObject({ error: { code: 'MODEL_NO_PREVIOUS' } });
    const installed = await upload(packageBytes());
    expect(installed.json()).toEqual({
      result: 'model forecaster-mlp@9.0.0 installed',
      running: { name: 'forecaster-mlp', version: '9.0.0' },
      previous: { name: 'forecaster-mlp', version: builtIn.version },
    });
    const back = await rollback();
    expect(back.json()).toMatchObject({ result: `rolled back to forecaster-mlp@${builtIn.version}`, previous: { version: '9.0.0' } });
    expect((await running.detection.score([reading(2)])).scores).toHaveLength(1);

    await running.detection.stop();
    running = await startDetection();
    expect(await status()).toEqual({ running: { name: 'forecaster-mlp', version: builtIn.version }, previous: { name: 'forecaster-mlp', version: '9.0.0' } });
    expect((await rollback()).json()).toMatchObject({ result: 'rolled back to forecaster-mlp@9.0.0' });
  });
});
