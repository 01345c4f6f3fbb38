import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, type TestPki } from '../../test/support/mosquitto-pki.js';
import { silentLogger } from '../log.js';
import { createBundle } from './bundle-create.js';
import { BundleDownload } from './bundle-download.js';
import { generateKeys, loadPrivateKey } from './keys.js';
import { pendingBundle } from './pending-bundle.js';

let pki: TestPki;
let dir: string;
let server: Server;
let bundle: Buffer;
let sha256: string;
/** Bytes after which the server drops the next full response, as a flaky link would. */
let dropAfter: number | undefined;
const ranges: (string | undefined)[] = [];

beforeAll(async () => {
  pki = await createTestPki();
  dir = mkdtempSync(join(tmpdir(), 'outpost-download-'));
  const release = join(dir, 'release');
  mkdirSync(join(release, 'dist/appliance'), { recursive: true });
  mkdirSync(join(release, 'models'), { recursive: true });
  writeFileSync(join(release, 'package.json'), JSON.stringify({ name: 'outpost', version: '2.0.0' }));
  writeFileSync(join(release, 'dist/appliance/cli.js'), '');
  writeFileSync(join(release, 'models/anomaly.onnx'), randomBytes(300_000));
  const keys = generateKeys(join(dir, 'var/keys'));
  createBundle({ from: release, out: join(dir, 'served.bundle'), key: loadPrivateKey(keys.privateKey) });
  bundle = readFileSync(join(dir, 'served.bundle'));
  sha256 = createHash('sha256').update(bundle).digest('hex');
  server = createServer({ cert: readFileSync(pki.serverCertFile), key: readFileSync(pki.serverKeyFile) }, (request, response) => {
    ranges.push(request.headers.range);
    const from = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1] ?? 0);
    response.writeHead(from > 0 ? 206 : 200, { 'content-length': bundle.length - from });
    if (from === 0 && dropAfter !== undefined) {
      response.write(bundle.subarray(0, dropAfter), () => response.destroy());
      dropAfter = undefined;
      return;
    }
    response.end(bundle.subarray(from));
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterAll(async () => {
  server?.close();
  await pki?.remove();
  rmSync(dir, { recursive: true, force: true });
});

function downloader(ca: string): BundleDownload {
  return new BundleDownload({ dataDir: join(dir, 'var'), version: '1.0.0', log: silentLogger(), ca: readFileSync(ca), timeoutMs: 5000 });
}

function url(): string {
  const address = server.address();
  return `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/outpost-2.0.0.bundle`;
}

describe('update offered over the downlink', () => {
  it('refuses plain http and a server whose certificate the box does not trust', async () => {
    const offer = { version: '2.0.0', url: url(), sha256 };
    await expect(downloader(pki.caFile).accept({ ...offer, url: 'http://127.0.0.1/x.bundle' })).rejects.toMatchObject({ code: 'OTA_URL' });
    await expect(downloader(pki.otherCaFile).accept(offer)).rejects.toMatchObject({ code: 'OTA_DOWNLOAD', message: expect.stringMatching(/certificate/) });
    expect(existsSync(pendingBundle(join(dir, 'var')))).toBe(false);
  });

  it('resumes a download the link dropped, from where it broke off, then queues the verified bundle', async () => {
    ranges.length = 0;
    dropAfter = 120_000;
    const offer = { version: '2.0.0', url: url(), sha256 };
    await expect(downloader(pki.caFile).accept(offer)).rejects.toMatchObject({ code: 'OTA_DOWNLOAD', message: expect.stringMatching(/broke off/) });
    const done = await downloader(pki.caFile).accept(offer);
    // What reached the disk before the drop, give or take a TLS record: the second request starts there.
    const at = Number(/^2\.0\.0 downloaded \(resumed at (\d+) bytes\) and queued for the update agent$/.exec(done)?.[1]);
    expect(at).toBeGreaterThan(50_000);
    expect(at).toBeLessThanOrEqual(120_000);
    expect(ranges).toEqual([undefined, `bytes=${at}-`]);
    expect(readFileSync(pendingBundle(join(dir, 'var')))).toEqual(bundle);
    rmSync(pendingBundle(join(dir, 'var')));
  });

  it('refuses a download whose sha256 is not the offered one, keeping nothing', async () => {
    const offer = { version: '2.0.0', url: url(), sha256: '0'.repeat(64) };
    await expect(downloader(pki.caFile).accept(offer)).rejects.toMatchObject({ code: 'OTA_HASH' });
    expect(existsSync(pendingBundle(join(dir, 'var')))).toBe(false);
    expect(existsSync(join(dir, 'var/updates/download.partial'))).toBe(false);
  });
});
