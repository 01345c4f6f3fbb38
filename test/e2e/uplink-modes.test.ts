import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../appliance/config/load.js';
import { silentLogger } from '../../appliance/log.js';
import { Appliance } from '../../appliance/main.js';
import type { SummaryPayload } from '../../appliance/uplink/summary-message.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { recordSparkplug, sparkplugViolations, type SparkplugRecorder } from '../support/mosquitto-sparkplug.js';
import { recordTopic, type RecordingSubscriber } from '../support/mosquitto-subscriber.js';
import { until } from '../support/until.js';

interface Discovery {
  dev: { ids: string[]; name: string };
  availability_topic: string;
  cmps: Record<string, { p: string; device_class?: string; unit_of_measurement?: string; state_class: string; state_topic: string; value_template: string }>;
}

describe('the appliance with a JSON uplink (Home Assistant discovery on) and a Sparkplug uplink at once', () => {
  let broker: Mosquitto;
  let dir: string;
  let appliance: Appliance;
  let json: RecordingSubscriber;
  let discovery: RecordingSubscriber;
  let plant: SparkplugRecorder;

  beforeAll(async () => {
    broker = await startMosquitto();
    dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-modes-'));
    json = await recordTopic(broker.url, 'outpost/line-9/summary/#');
    discovery = await recordTopic(broker.url, 'homeassistant/device/+/config');
    plant = await recordSparkplug(broker.url, 'plant');
    const config = parseConfig(
      {
        nodeId: 'line-9',
        dataDir: dir,
        scenario: 'factory',
        http: { port: 0 },
        pipeline: { windowSeconds: 1 },
        mqtt: { url: broker.url, homeAssistant: { enabled: true } },
        uplinks: [{ name: 'plant', mode: 'sparkplug', url: broker.url, sparkplug: { groupId: 'plant', edgeNodeId: 'line-9' } }],
      },
      'test',
    );
    appliance = new Appliance({ config, log: silentLogger(), version: '0.0.0-test' });
    await appliance.start();
  }, 30_000);

  afterAll(async () => {
    await appliance?.stop();
    await Promise.all([json?.close(), discovery?.close(), plant?.sub.close()]);
    await broker?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends every window from the one outbox both as JSON and as Sparkplug DDATA, births first', async () => {
    await until('windows of several devices on both uplinks', () => {
      const devices = new Set((json.json() as SummaryPayload[]).map((s) => s.device));
      return devices.size >= 3 && plant.ofType('DDATA').length >= 10;
    }, 20_000);
    const spb = plant.decoded();
    expect(sparkplugViolations(spb)).toEqual([]);
    expect(spb[0]?.type).toBe('NBIRTH');
    // Every device with JSON summaries appears as a Sparkplug device too.
    const jsonDevices = new Set((json.json() as SummaryPayload[]).map((s) => encodeURIComponent(s.device).replace(/%3A/g, ':')));
    const born = new Set(plant.ofType('DBIRTH').map((m) => m.device));
    const ddataDevices = new Set(plant.ofType('DDATA').map((m) => m.device));
    for (const device of ddataDevices) expect(born.has(device)).toBe(true);
    expect([...ddataDevices].some((d) => jsonDevices.has(d ?? ''))).toBe(true);
  });

  it('announces each device to Home Assistant with device classes, units and state classes, available through the status topic', async () => {
    await until('discovery of a power meter', () => discovery.messages.some((m) => m.payload.includes('"power"')), 20_000);
    const configs = discovery.messages.map((m) => JSON.parse(m.payload.toString()) as Discovery);
    expect(discovery.messages.every((m) => m.topic.startsWith('homeassistant/device/outpost_line-9_'))).toBe(true);
    const all = configs.flatMap((c) => Object.values(c.cmps));
    expect(all.find((c) => c.device_class === 'power')).toMatchObject({ p: 'sensor', unit_of_measurement: 'W', state_class: 'measurement', value_template: '{{ value_json.mean }}' });
    const energy = all.find((c) => c.device_class === 'energy');
    if (energy) expect(energy).toMatchObject({ unit_of_measurement: 'kWh', state_class: 'total_increasing', value_template: '{{ value_json.last }}' });
    expect(configs[0]?.availability_topic).toBe('outpost/line-9/status');
    // The state topic is the JSON summary topic, which carries the templated field.
    const stateTopics = new Set(json.messages.map((m) => m.topic));
    expect(all.some((c) => stateTopics.has(c.state_topic))).toBe(true);
  });
});
