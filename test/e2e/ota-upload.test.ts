import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { pendingBundle } from '../../appliance/ota/pending-bundle.js';
import { TestBox } from '../support/ota-box.js';
import { until } from '../support/until.js';

interface Snapshot {
  running: string;
  upload?: { state: string; bytes: number; code?: string; reason?: string; version?: string };
  update?: { step: string; version?: string; progress?: { bytes: number; total: number } };
  history: { version: string; outcome: string }[];
}

/** Process starts dominate; on a shared 2-core machine under load one case can take tens of seconds. */
const SLOW = 120_000;

const boxes: TestBox[] = [];
afterEach(async () => {
  for (const box of boxes.splice(0)) await box.close();
});

/** Collects the `update` events of `/api/updates/events` until the server ends the stream. */
function subscribe(url: string, headers: Record<string, string>): Snapshot[] {
  const events: Snapshot[] = [];
  void (async () => {
    const response = await fetch(url, { headers });
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      const blocks = buffered.split('\n\n');
      buffered = blocks.pop() ?? '';
      for (const block of blocks) {
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (block.startsWith('event: update') && data) events.push(JSON.parse(data) as Snapshot);
      }
    }
  })().catch(() => {});
  return events;
}

describe('update uploaded on the setup page', () => {
  it('refuses a tampered upload at once, and queues a good one whose progress the page can follow to commit', async () => {
    const box = await TestBox.start();
    boxes.push(box);
    const base = box.systemd.healthUrl.replace('/api/health', '');
    const admin = await box.admin();
    const upload = (body: Buffer) => fetch(`${base}/api/updates`, { method: 'POST', headers: { ...admin, 'content-type': 'application/octet-stream' }, body });

    const good = box.bundle('good', { version: '1.1.0' });
    const tampered = readFileSync(good.path);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    const refused = await upload(tampered);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: 'OTA_HASH', message: expect.stringMatching(/^bundle refused: .* does not match its sha256/) } });
    expect(existsSync(pendingBundle(box.data))).toBe(false);

    const events = subscribe(`${base}/api/updates/events`, admin);
    await until('the first event', () => events.length > 0);
    const accepted = await upload(readFileSync(good.path));
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ version: '1.1.0', state: 'queued' });
    expect(existsSync(pendingBundle(box.data))).toBe(true);

    // The path unit starts the agent on the pending bundle; cut it after unpacking so the page sees that step.
    const cut = await box.agent('apply', { bundle: pendingBundle(box.data), killAt: 'switch' });
    expect(cut.signal).toBe('SIGKILL');
    const size = readFileSync(pendingBundle(box.data)).length;
    const switching = await until('the switch step on the event stream', () => events.find((e) => e.update?.step === 'switch'));
    expect(switching.update).toMatchObject({ version: '1.1.0', progress: { bytes: good.manifest.files.reduce((n, f) => n + f.size, 0) } });
    expect(events.some((e) => e.upload?.state === 'queued' && e.upload.bytes === size)).toBe(true);

    const resumed = await box.agent('apply', { bundle: pendingBundle(box.data) });
    expect(resumed.record).toMatchObject({ version: '1.1.0', outcome: 'committed' });
    expect(existsSync(pendingBundle(box.data))).toBe(false);
    await box.serving('1.1.0');
    const after = await fetch(`${base}/api/updates`, { headers: await box.admin() });
    expect(await after.json()).toMatchObject({ running: '1.1.0', history: [{ version: '1.1.0', outcome: 'committed' }] });
  }, SLOW);
});
