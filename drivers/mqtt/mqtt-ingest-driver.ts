import { hostname } from 'node:os';
import { connect, type MqttClient } from 'mqtt';
import type { Logger } from '../../appliance/log.js';
import type { MqttIngestDeviceConfig, RateLimitConfig } from '../ip-common/config-schema.js';
import { IngestGate } from '../ip-common/ingest-gate.js';
import { parseMappedJson } from '../ip-common/json-mapping.js';
import { parseOutpostRaw, rawReadings } from '../ip-common/outpost-raw.js';
import { parseOutpostSummaries, summaryReadings } from '../ip-common/outpost-summary.js';
import type { ParseResult } from '../ip-common/measurement.js';
import { parseReadingList } from '../ip-common/payload-formats.js';
import { parseSenmlJson } from '../ip-common/senml.js';
import { parseShellyNotification } from '../ip-common/shelly-gen2.js';
import { parseTasmotaSensor } from '../ip-common/tasmota.js';
import type { DeviceInfo, Driver, DriverHealth, DriverSink } from '../types.js';
import { SeqCheckpoint } from './seq-checkpoint.js';
import { topicMatches } from './topic-filter.js';

const RECONNECT_MS = 1_000;

export interface MqttIngestDeps {
  url: string;
  username?: string;
  password?: string;
  clientId?: string;
  devices: readonly MqttIngestDeviceConfig[];
  rateLimit: RateLimitConfig;
  log: Logger;
  /** Where the highest seq taken from each gateway is kept across restarts; in memory only without it. */
  seqFile?: string;
}

/**
 * Devices that publish to an MQTT broker (one on the LAN, or the appliance's own Mosquitto): SenML,
 * Tasmota `tele/<topic>/SENSOR`, Shelly Gen2 `<id>/events/rpc`, or JSON with a mapping. Subscribes at
 * QoS 1 with a persistent session, so the broker holds what devices publish while the appliance restarts.
 * The broker's accounts and ACLs are the per-device credentials; this side trusts the topic.
 */
export class MqttIngestDriver implements Driver {
  readonly protocol = 'mqtt' as const;
  private client: MqttClient | undefined;
  private gate: IngestGate | undefined;
  private brokerError: string | undefined;
  /** Highest outbox seq taken from each gateway: its outbox replays in order, at least once. */
  private lastSeq: SeqCheckpoint | undefined;
  /** Streams (`<gateway>\0<device>\0<metric>`) that arrive raw: their summaries would count them twice. */
  private readonly rawFed = new Set<string>();

  constructor(private readonly deps: MqttIngestDeps) {}

  async start(sink: DriverSink, signal: AbortSignal): Promise<void> {
    if (this.client) return;
    const log = this.deps.log.child({ driver: 'mqtt-ingest' });
    const gate = new IngestGate({ protocol: 'mqtt', devices: this.deps.devices, rateLimit: this.deps.rateLimit, log });
    gate.open(sink);
    this.gate = gate;
    this.lastSeq = new SeqCheckpoint({ path: this.deps.seqFile, log });
    this.lastSeq.load();
    const client = connect(this.deps.url, {
      clientId: this.deps.clientId ?? `outpost-ingest-${hostname()}`.slice(0, 64),
      clean: false,
      reconnectPeriod: RECONNECT_MS,
      ...(this.deps.username ? { username: this.deps.username, password: this.deps.password } : {}),
    });
    this.client = client;
    const filters = [...new Set(this.deps.devices.map((d) => d.topic))];
    client.on('connect', () => {
      this.brokerError = undefined;
      // A resumed session still holds the subscriptions; subscribing again is harmless and covers a lost one.
      client.subscribe(filters, { qos: 1 }, (error) => error && log.error({ err: error }, 'subscribing to device topics failed'));
      log.info({ url: this.deps.url, topics: filters.length }, 'mqtt ingest connected');
    });
    client.on('error', (error) => {
      this.brokerError = error.message;
      log.warn({ err: error, url: this.deps.url }, 'mqtt ingest broker error');
    });
    client.on('close', () => {
      this.brokerError ??= 'disconnected from the broker';
    });
    client.on('message', (topic, payload) => this.receive(topic, payload));
    signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.gate?.close();
    this.gate = undefined;
    if (client) await client.endAsync();
    this.lastSeq?.flush();
  }

  devices(): DeviceInfo[] {
    return this.gate?.devices() ?? [];
  }

  health(): DriverHealth {
    if (!this.gate) return { state: 'stopped', devices: { ok: 0, degraded: 0, offline: 0 } };
    const gate = this.gate.health();
    const connected = this.client?.connected === true;
    const health = {
      ...gate,
      state: connected ? gate.state : ('offline' as const),
      ...(connected ? {} : { reason: `broker ${this.deps.url}: ${this.brokerError ?? 'connecting'}` }),
      counters: this.gate.stats(),
    };
    return health;
  }

  private receive(topic: string, payload: Buffer): void {
    const gate = this.gate;
    if (!gate) return;
    for (const device of this.deps.devices) {
      if (!topicMatches(device.topic, topic)) continue;
      try {
        if (device.format === 'outpost-summary') this.admitTier(gate, device.name, topic, payload);
        else gate.admit(device.name, () => parse(device, payload, Date.now()));
      } catch {
        // Already counted against the device and logged by the gate; one bad message must not stop the rest.
      }
    }
  }

  /**
   * A gateway Outpost's summaries and raw readings; its status, alerts and other messages are not readings
   * and are passed over. Anything seen before (a QoS 1 redelivery, a replay after an outage) is dropped by
   * seq, so each counts once; a summary of a stream that also arrives raw is dropped too.
   */
  private admitTier(gate: IngestGate, name: string, topic: string, payload: Buffer): void {
    const kind = topic.split('/')[2];
    if (kind !== 'summary' && kind !== 'raw') return;
    const lastSeq = this.lastSeq;
    if (!lastSeq) return;
    let top = lastSeq.get(name);
    const stream = (device: string, metric: string): string => `${name}\u0000${device}\u0000${metric}`;
    gate.admit(name, () => {
      const seen = top;
      if (kind === 'raw') {
        const raw = parseOutpostRaw(payload);
        if (raw.seq <= seen) return { measurements: [], ignored: [] };
        top = raw.seq;
        for (const r of raw.readings) this.rawFed.add(stream(raw.device, r.metric));
        return rawReadings(raw);
      }
      const entries = parseOutpostSummaries(payload).filter((entry) => entry.seq > seen);
      top = Math.max(seen, ...entries.map((entry) => entry.seq));
      const fresh = entries.filter((entry) => !this.rawFed.has(stream(entry.device, entry.metric)));
      return fresh.length === 0 ? { measurements: [], ignored: [] } : summaryReadings(fresh);
    });
    lastSeq.set(name, top);
  }
}

function parse(device: MqttIngestDeviceConfig, payload: Buffer, nowMs: number): ParseResult {
  switch (device.format) {
    case 'senml':
      return parseSenmlJson(payload, nowMs);
    case 'tasmota':
      return parseTasmotaSensor(payload);
    case 'shelly':
      return parseShellyNotification(payload);
    case 'json':
      return device.mapping ? parseMappedJson(payload, device.mapping) : parseReadingList(payload);
    case 'outpost-summary':
      return summaryReadings(parseOutpostSummaries(payload));
  }
}
