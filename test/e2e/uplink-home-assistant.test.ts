import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceInfo } from '../../drivers/types.js';
import { silentLogger } from '../../appliance/log.js';
import { HomeAssistantDiscovery, type DiscoveryStream } from '../../appliance/uplink/home-assistant-discovery.js';
import { MemoryOutbox } from '../../appliance/uplink/memory-outbox.js';
import { MqttUplink } from '../../appliance/uplink/mqtt-uplink.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { recordTopic } from '../support/mosquitto-subscriber.js';
import { until } from '../support/until.js';

const device = (id: string, name: string): DeviceInfo => ({ id, protocol: 'modbus', name, model: 'xy-md02', outputs: [], health: { state: 'ok' } });

describe('Home Assistant discovery against a real Mosquitto', () => {
  let broker: Mosquitto;
  let dir: string;
  beforeAll(async () => {
    broker = await startMosquitto();
    dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-ha-'));
  });
  afterAll(async () => {
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes retained device configs with the right classes and units, and removes a device that left the config, even across a restart', async () => {
    let devices: DeviceInfo[] | undefined;
    const streams: DiscoveryStream[] = [
      { device: 'modbus:rtu/dev/ttyUSB0/3', metric: 'temperature', unit: '°C' },
      { device: 'modbus:rtu/dev/ttyUSB0/3', metric: 'humidity', unit: '%' },
      { device: 'modbus:tcp/10.0.0.5:502/1', metric: 'energy', unit: 'kWh' },
      { device: 'modbus:tcp/10.0.0.5:502/1', metric: 'voltage.l2', unit: 'V' },
    ];
    const run = async () => {
      const discovery = new HomeAssistantDiscovery({ nodeId: 'hall', prefix: 'homeassistant', version: '1', log: silentLogger(), statePath: path.join(dir, 'ha.json'), devices: () => devices, streams: () => streams });
      const up = new MqttUplink({ url: broker.url, nodeId: 'hall', outbox: new MemoryOutbox(), log: silentLogger(), version: '1', attach: [discovery.attach] });
      await up.start();
      await until('connected', () => up.status().state === 'connected');
      return { discovery, up };
    };
    const first = await run();
    const sub = await recordTopic(broker.url, 'homeassistant/device/+/config');
    await until('two retained device configs', () => sub.messages.length === 2);
    expect(sub.messages.every((m) => m.retain)).toBe(true);
    const climate = sub.messages.find((m) => m.payload.includes('ttyUSB0'));
    const config = JSON.parse(climate!.payload.toString()) as { dev: { ids: string[] }; cmps: Record<string, Record<string, string>>; availability_topic: string };
    expect(config.cmps.temperature).toMatchObject({ p: 'sensor', device_class: 'temperature', unit_of_measurement: '°C', state_class: 'measurement', state_topic: 'outpost/hall/summary/modbus:rtu%2Fdev%2FttyUSB0%2F3/temperature' });
    expect(config.cmps.humidity).toMatchObject({ device_class: 'humidity', unit_of_measurement: '%' });
    expect(config.availability_topic).toBe('outpost/hall/status');
    const meter = JSON.parse(sub.messages.find((m) => m.payload.includes('10.0.0.5'))!.payload.toString()) as typeof config;
    expect(meter.cmps.energy).toMatchObject({ device_class: 'energy', unit_of_measurement: 'kWh', state_class: 'total_increasing', value_template: '{{ value_json.last }}' });
    expect(meter.cmps.voltage_l2).toMatchObject({ device_class: 'voltage', unit_of_measurement: 'V' });
    await first.up.stop();

    // The meter is taken out of the config while Outpost is down; at the next start it is withdrawn.
    devices = [device('modbus:rtu/dev/ttyUSB0/3', 'hall climate')];
    streams.splice(2);
    const second = await run();
    second.discovery.notify();
    await until('an empty retained config for the removed meter', () => sub.messages.some((m) => m.payload.length === 0));
    const removal = sub.messages.find((m) => m.payload.length === 0)!;
    expect(removal.topic).toBe(sub.messages.find((m) => m.payload.includes('10.0.0.5'))!.topic);
    const later = await recordTopic(broker.url, 'homeassistant/device/+/config');
    await until('the retained climate config', () => later.messages.length === 1);
    expect(later.messages[0]?.payload.toString()).toContain('hall climate');
    await Promise.all([sub.close(), later.close(), second.up.stop()]);
  });
});
