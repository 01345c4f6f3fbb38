import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import type { DeviceId, DeviceInfo } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import { sensorComponent } from './home-assistant-sensor.js';
import { summaryTopic, topicSegment } from './summary-message.js';

export interface DiscoveryStream {
  device: DeviceId;
  metric: string;
  unit: string;
}

export interface HomeAssistantDiscoveryDeps {
  nodeId: string;
  /** Home Assistant's discovery prefix, `homeassistant` unless changed there. */
  prefix: string;
  version: string;
  log: Logger;
  /** Remembers which devices were announced, so one removed while Outpost was down is still withdrawn. */
  statePath: string;
  /** The configured devices; undefined until the drivers are up (nothing is withdrawn before then). */
  devices: () => readonly DeviceInfo[] | undefined;
  /** Every device×metric the store has seen, with its unit. */
  streams: () => readonly DiscoveryStream[];
  /** How often new streams and removed devices are looked for, at most (default 10 s). */
  intervalMs?: number;
  now?: () => number;
}

/**
 * Home Assistant MQTT discovery, device-based: one retained `<prefix>/device/<id>/config` per device
 * with a sensor per metric (device class, unit, state class) whose state is the JSON summary topic, and
 * the node's status topic as availability. A device gone from the config gets an empty retained config,
 * which makes Home Assistant remove it.
 */
export class HomeAssistantDiscovery {
  private client: MqttClient | undefined;
  private lastSync = Number.NEGATIVE_INFINITY;
  /** The config last published per device in this session, to publish only what changed. */
  private readonly sent = new Map<DeviceId, string>();

  constructor(private readonly deps: HomeAssistantDiscoveryDeps) {}

  /** Hooks into the JSON uplink's client: everything is announced again on each connect (clean sessions). */
  readonly attach = (client: MqttClient): void => {
    this.client = client;
    client.on('connect', () => {
      this.sent.clear();
      this.sync();
    });
  };

  /**
   * The store committed a tick: look again, at most once per interval, and at every commit until the first
   * device is announced (so a fresh box shows up in Home Assistant with its first window).
   */
  notify(): void {
    const now = (this.deps.now ?? Date.now)();
    if (this.sent.size > 0 && now - this.lastSync < (this.deps.intervalMs ?? 10_000)) return;
    this.lastSync = now;
    this.sync();
  }

  /** Announces new devices and metrics and withdraws removed devices; a no-op while disconnected. */
  sync(): void {
    const client = this.client;
    if (!client?.connected) return;
    try {
      const devices = this.deps.devices();
      const byDevice = new Map<DeviceId, DiscoveryStream[]>();
      for (const s of this.deps.streams()) byDevice.set(s.device, [...(byDevice.get(s.device) ?? []), s]);
      const announced = this.remembered();
      for (const [device, streams] of byDevice) {
        if (devices && !devices.some((d) => d.id === device)) continue;
        const config = JSON.stringify(this.discovery(device, streams, devices?.find((d) => d.id === device)));
        if (this.sent.get(device) === config) continue;
        client.publish(this.configTopic(device), config, { qos: 1, retain: true });
        this.sent.set(device, config);
        announced.add(device);
      }
      for (const device of devices ? [...announced] : []) {
        if (devices?.some((d) => d.id === device)) continue;
        client.publish(this.configTopic(device), '', { qos: 1, retain: true });
        this.sent.delete(device);
        announced.delete(device);
        this.deps.log.info({ device }, 'home assistant: device removed');
      }
      this.remember(announced);
    } catch (err) {
      this.deps.log.warn({ err }, 'home assistant discovery failed; will retry');
    }
  }

  configTopic(device: DeviceId): string {
    return `${this.deps.prefix}/device/${this.objectId(device)}/config`;
  }

  private discovery(device: DeviceId, streams: readonly DiscoveryStream[], info: DeviceInfo | undefined): Record<string, unknown> {
    const id = this.objectId(device);
    const cmps = Object.fromEntries(
      streams.map((s) => {
        const key = s.metric.replace(/[^A-Za-z0-9_]/g, '_');
        return [key, sensorComponent(`${id}_${key}`, s.metric, s.unit, summaryTopic(this.deps.nodeId, device, s.metric))];
      }),
    );
    return {
      dev: { ids: [id], name: info?.name ?? device, ...(info ? { mdl: info.model } : {}), mf: 'Outpost' },
      o: { name: 'outpost', sw: this.deps.version },
      availability_topic: `outpost/${topicSegment(this.deps.nodeId)}/status`,
      availability_template: '{{ value_json.state }}',
      payload_available: 'online',
      payload_not_available: 'offline',
      qos: 1,
      cmps,
    };
  }

  /** Readable and unique: the id made safe for a topic level, plus a short hash of the original. */
  private objectId(device: DeviceId): string {
    const hash = createHash('sha256').update(device).digest('hex').slice(0, 8);
    return `outpost_${this.deps.nodeId}_${device.replace(/[^A-Za-z0-9_-]/g, '_')}_${hash}`;
  }

  private remembered(): Set<DeviceId> {
    try {
      return new Set(JSON.parse(readFileSync(this.deps.statePath, 'utf8')) as DeviceId[]);
    } catch {
      return new Set();
    }
  }

  private remember(devices: Set<DeviceId>): void {
    const text = JSON.stringify([...devices].sort());
    if (text !== JSON.stringify([...this.remembered()].sort())) writeFileSync(this.deps.statePath, text);
  }
}
