import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Command, DeviceInfo, Driver } from '../../drivers/types.js';
import { parseConfig } from '../../appliance/config/load.js';
import { attachDownlink } from '../../appliance/downlink/attach-downlink.js';
import { CommandRouter } from '../../appliance/downlink/command-router.js';
import { ConfigChange } from '../../appliance/downlink/config-change.js';
import type { DownlinkReply } from '../../appliance/downlink/downlink-messages.js';
import { DownlinkRouter, notAvailable } from '../../appliance/downlink/downlink-router.js';
import { MemoryOutbox } from '../../appliance/uplink/memory-outbox.js';
import { MqttUplink } from '../../appliance/uplink/mqtt-uplink.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { until } from '../support/until.js';

const RELAY: DeviceInfo = { id: 'gpio:22', protocol: 'gpio', name: 'pump', model: 'relay', outputs: ['relay'], health: { state: 'ok' } };

/** A driver with one relay, recording what it is told to write. */
function relayDriver(writes: Command[]): Driver {
  return {
    protocol: 'gpio',
    start: async () => {},
    stop: async () => {},
    devices: () => [RELAY],
    health: () => ({ state: 'ok', devices: { ok: 1, degraded: 0, offline: 0 } }),
    write: async (command) => void writes.push(command),
  };
}

describe('downlink over the uplink connection, against a real Mosquitto', () => {
  let broker: Mosquitto;
  let dir: string;
  let cloud: MqttClient;
  let up: MqttUplink;
  const writes: Command[] = [];
  const replies: DownlinkReply[] = [];
  const births: unknown[] = [];
  const logLines: string[] = [];

  beforeAll(async () => {
    broker = await startMosquitto();
    dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-downlink-'));
    const log = pino({ level: 'info' }, { write: (line: string) => logLines.push(line) });
    const config = parseConfig({ nodeId: 'line-7', dataDir: dir }, 'test');
    const commands = new CommandRouter({ drivers: () => [relayDriver(writes)] });
    const change = new ConfigChange({ path: path.join(dir, 'config.json'), config });
    const router = new DownlinkRouter({
      nodeId: 'line-7',
      log,
      handlers: {
        config: (m) => change.apply(m),
        command: (c) => commands.write(c),
        rebirth: () => up.rebirth(),
        model: notAvailable('model packages'),
        update: notAvailable('update bundles'),
      },
    });
    up = new MqttUplink({ url: broker.url, nodeId: 'line-7', outbox: new MemoryOutbox(), log, version: '1', attach: [(c) => attachDownlink(c, router, log)] });
    cloud = await connectAsync(broker.url);
    cloud.on('message', (topic, payload) => (topic.endsWith('/status') ? births : replies).push(JSON.parse(payload.toString()) as never));
    await cloud.subscribeAsync(['outpost/line-7/downlink-reply', 'outpost/line-7/status'], { qos: 1 });
    await up.start();
    await until('the uplink online', () => births.length === 1);
  });
  afterEach(() => {
    replies.length = 0;
  });
  afterAll(async () => {
    await up.stop();
    await cloud.endAsync();
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function send(kind: string, body: unknown): Promise<DownlinkReply> {
    const count = replies.length;
    await cloud.publishAsync(`outpost/line-7/downlink/${kind}`, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });
    await until(`the reply to ${kind}`, () => replies.length > count);
    return replies[count]!;
  }

  it('writes an output command through the command router, and refuses an unknown output with the reason', async () => {
    expect(await send('command', { id: 'c1', device: 'gpio:22', output: 'relay', value: true })).toEqual({ v: 1, id: 'c1', kind: 'command', ok: true, result: 'written' });
    expect(writes).toEqual([{ device: 'gpio:22', output: 'relay', value: true }]);
    expect(await send('command', { id: 'c2', device: 'gpio:22', output: 'valve', value: 1 })).toMatchObject({
      id: 'c2',
      ok: false,
      error: { code: 'OUTPUT_UNKNOWN', message: 'device gpio:22 has no output "valve" (it has: relay)' },
    });
    expect(await send('command', { id: 'c3', device: 'zigbee:0x1', output: 'relay', value: 1 })).toMatchObject({ ok: false, error: { code: 'DEVICE_UNKNOWN' } });
  });

  it('validates a config change against the schema: applied and saved 0600, or refused naming the field', async () => {
    expect(await send('config', { id: 'k1', config: { pipeline: { windowSeconds: 5 } } })).toMatchObject({ id: 'k1', ok: true, result: expect.stringContaining('restart') });
    const saved = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as { pipeline: { windowSeconds: number; tickMs: number } };
    expect(saved.pipeline).toMatchObject({ windowSeconds: 5, tickMs: 1000 });
    expect(statSync(path.join(dir, 'config.json')).mode & 0o777).toBe(0o600);
    const refused = await send('config', { id: 'k2', config: { pipeline: { windowSeconds: -1 } } });
    expect(refused).toMatchObject({ id: 'k2', ok: false, error: { code: 'CONFIG_INVALID', message: expect.stringContaining('/pipeline/windowSeconds') } });
    expect(JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'))).toEqual(saved);
  });

  it('rebirths on request, and routes model and update packages to handlers that refuse until installed', async () => {
    expect(await send('rebirth', { id: 'r1' })).toMatchObject({ ok: true, result: 'rebirth sent' });
    await until('a second birth', () => births.length === 2);
    const sha256 = 'a'.repeat(64);
    expect(await send('model', { id: 'm1', name: 'spindle-ae', version: '3', url: 'models/spindle.onnx', sha256 })).toMatchObject({
      ok: false,
      error: { code: 'DOWNLINK_NOT_AVAILABLE' },
    });
    expect(await send('update', { id: 'u1', version: '0.2.0', url: 'x.bundle', sha256, signature: 'sig' })).toMatchObject({ ok: false, error: { code: 'DOWNLINK_NOT_AVAILABLE' } });
  });

  it('answers malformed and unknown messages with an error upstream and a log line, and keeps serving', async () => {
    expect(await send('command', '{"id":"x1",')).toMatchObject({ id: null, ok: false, error: { code: 'DOWNLINK_MALFORMED', message: expect.stringContaining('not JSON') } });
    expect(await send('command', { id: 'x2', device: 'gpio:22', output: 'relay', value: 'on' })).toMatchObject({
      id: 'x2',
      ok: false,
      error: { code: 'DOWNLINK_MALFORMED', message: expect.stringContaining('/value') },
    });
    expect(await send('reboot', { id: 'x3' })).toMatchObject({ id: 'x3', ok: false, error: { code: 'DOWNLINK_UNKNOWN_KIND' } });
    expect(logLines.filter((l) => l.includes('downlink message refused')).length).toBeGreaterThanOrEqual(3);
    expect(await send('rebirth', { id: 'x4' })).toMatchObject({ ok: true });
    expect(up.status().state).toBe('connected');
  });
});
