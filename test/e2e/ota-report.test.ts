import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpdateOutcomeMessage } from '../../appliance/ota/update-outcomes.js';
import { TestBox } from '../support/ota-box.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { recordTopic, type RecordingSubscriber } from '../support/mosquitto-subscriber.js';
import { until } from '../support/until.js';

/** Process starts dominate; on a shared 2-core machine under load one case can take tens of seconds. */
const SLOW = 120_000;
const NODE = 'ota-box';

let broker: Mosquitto;
let box: TestBox;
let upstream: RecordingSubscriber;
beforeAll(async () => {
  broker = await startMosquitto();
  upstream = await recordTopic(broker.url, `outpost/${NODE}/update`);
  box = await TestBox.start({ version: '1.0.0', appArgs: ['--mqtt', broker.url, '--node-id', NODE] });
}, SLOW);
afterAll(async () => {
  await box?.close();
  await upstream?.close();
  await broker?.stop();
});

const outcomes = () => upstream.json() as UpdateOutcomeMessage[];
const arrived = (count: number) => until(`${count} update outcomes upstream`, () => outcomes().length >= count, 30_000);

/**
 * The agent's outcomes reach the broker as JSON on `outpost/<node>/update`, through the outbox: after a
 * commit (reported by the new version), a refusal (by the running one) and a rollback (by the old one,
 * back in service); a refusal during a broker outage is held and sent once the broker is back.
 */
describe('update outcomes are reported upstream', () => {
  it('publishes a commit with its versions and per-step timings', async () => {
    const run = await box.agent('apply', { bundle: box.bundle('good', { version: '1.1.0' }).path });
    expect(run.record, run.stderr).toMatchObject({ outcome: 'committed' });
    await arrived(1);
    const [committed] = outcomes();
    expect(committed).toMatchObject({ node: NODE, from: '1.0.0', version: '1.1.0', outcome: 'committed', at: run.record?.at });
    expect(Object.keys(committed?.timings ?? {})).toEqual(['verify', 'unpack', 'backup', 'switch', 'restart', 'health', 'commit']);
    expect(committed?.durationMs).toBeGreaterThan(0);
  }, SLOW);

  it('holds a refusal made while the broker is down in the outbox and sends it when the broker is back', async () => {
    await broker.stop();
    const run = await box.agent('apply', { bundle: box.bundle('needs-newer', { version: '1.2.0', minVersion: '1.1.5' }).path });
    expect(run.stderr).toMatch(/OTA_TOO_OLD/);
    const depth = async () => ((await (await fetch(box.systemd.healthUrl)).json()) as { services: { store: { outbox: { depth: number } } } }).services.store.outbox.depth;
    await until('the refusal in the outbox', async () => (await depth()) >= 1, 30_000);
    expect(outcomes()).toHaveLength(1);
    await broker.restart();
    await arrived(2);
    expect(outcomes()[1]).toMatchObject({ from: '1.1.0', version: '1.2.0', outcome: 'refused', code: 'OTA_TOO_OLD', reason: expect.stringMatching(/1\.1\.5 or later/) });
  }, SLOW);

  it('publishes a rollback, with its reason, from the old version once it serves again; each outcome once', async () => {
    const run = await box.agent('apply', { bundle: box.bundle('broken-model', { version: '1.3.0', variant: { brokenModel: true } }).path, deadlineSeconds: 20 });
    expect(run.record, run.stderr).toMatchObject({ outcome: 'rolled-back' });
    await arrived(3);
    expect(outcomes()[2]).toMatchObject({ from: '1.1.0', version: '1.3.0', outcome: 'rolled-back', reason: expect.stringMatching(/detector degraded/) });
    // The restarts in between re-read the history: nothing went up twice.
    expect(outcomes().map((o) => `${o.version} ${o.outcome}`)).toEqual(['1.1.0 committed', '1.2.0 refused', '1.3.0 rolled-back']);
    expect(new Set(outcomes().map((o) => o.seq)).size).toBe(3);
  }, SLOW);
});
