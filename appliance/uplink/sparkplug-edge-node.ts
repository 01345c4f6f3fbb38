import { connect, type MqttClient } from 'mqtt';
import type { Command, DeviceInfo } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import { describeConnectionError, jitteredBackoff, redactedUrl } from './broker-security.js';
import type { BdSeqFile } from './bd-seq-file.js';
import type { UplinkClientOptions, UplinkStatus } from './mqtt-uplink.js';
import { OutboxDrain } from './outbox-drain.js';
import type { OutboxRow, OutboxSource } from './outbox-source.js';
import { rowContent } from './outbox-row-content.js';
import { SparkplugCatalog } from './sparkplug-catalog.js';
import { SparkplugCommands } from './sparkplug-commands.js';
import { PrimaryHostState } from './sparkplug-host-state.js';
import { rowMessages } from './sparkplug-row-messages.js';
import * as msg from './sparkplug-messages.js';

export interface SparkplugEdgeNodeDeps extends msg.EdgeNodeId {
  url: string;
  outbox: OutboxSource;
  log: Logger;
  version: string;
  bdSeq: BdSeqFile;
  /** Devices the node declares at birth with their outputs (DCMD targets). */
  devices: () => readonly DeviceInfo[];
  /** Where DCMD output writes go; the command router in `appliance/downlink`. */
  write: (command: Command) => Promise<void>;
  /** Hold births and data while this Sparkplug host application is not ONLINE (its STATE topic). */
  primaryHostId?: string;
  clientOptions?: UplinkClientOptions;
  reconnect?: { minMs: number; maxMs: number };
  /**
   * QoS of births and data, 0 by default as Sparkplug 3.0 asks: a row leaves the outbox once its DDATA is
   * written to the socket (README, "Sparkplug B"); 1: on PUBACK. Births share it, as brokers keep order only
   * within one QoS. NDEATH is always QoS 1.
   */
  dataQos?: 0 | 1;
  /** Called with each session's client before it connects: the downlink hooks in here. */
  attach?: readonly ((client: MqttClient) => void)[];
  now?: () => number;
}

/**
 * A Sparkplug B 3.0 edge node over its own MQTT session. Each connection is a new session: it takes a
 * new bdSeq (persisted), sets NDEATH with that bdSeq as its QoS 1 will, and sends NBIRTH then a DBIRTH per
 * device before any data, with seq running 0–255 across them. mqtt.js would re-send unacknowledged
 * publishes on reconnect *before* the new NBIRTH, which Sparkplug forbids; so a dropped session ends its
 * client (the drain takes those rows back and sends them again as data of the next session).
 */
export class SparkplugEdgeNode {
  private client: MqttClient | undefined;
  private drain: OutboxDrain | undefined;
  private readonly catalog = new SparkplugCatalog();
  private readonly dead = new Set<string>();
  private state: UplinkStatus['state'] = 'stopped';
  private lastError: string | undefined;
  private lastErrorCode: string | undefined;
  private seq = 0;
  /** This session has sent its births and the primary host (if any) is online. */
  private born = false;
  private sessionBdSeq = 0;
  private unspentBdSeq: number | undefined;
  private hostOnline = true;
  private hostState: PrimaryHostState | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private delayMs = 0;
  private published = 0;
  /** Of the drains of earlier sessions; the current drain's is newer when it has one. */
  private lastPublishAt: number | undefined;
  private running = false;

  constructor(private readonly deps: SparkplugEdgeNodeDeps) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const host = this.deps.primaryHostId;
    // Kept across sessions: a STATE older than one seen in an earlier session is stale too.
    this.hostState ??= host === undefined ? undefined : new PrimaryHostState({ host, log: this.deps.log });
    this.connectSession();
  }

  /** New outbox rows; also declares devices (and outputs) that appeared since the births. */
  notify(): void {
    const client = this.client;
    if (client?.connected && this.born) {
      const now = this.now();
      for (const device of this.deps.devices()) {
        if (this.catalog.addDevice(device.id, device.outputs)) this.publishDbirth(client, device.id, now);
      }
    }
    this.drain?.notify();
  }

  /** NBIRTH and every DBIRTH again, seq from 0 with the same bdSeq (Node Control/Rebirth, downlink rebirth). */
  rebirth(): void {
    if (this.client?.connected && this.hostOnline) this.birth(this.client);
  }

  status(): UplinkStatus {
    const lastPublishAt = this.drain?.lastPublishAt ?? this.lastPublishAt;
    return {
      state: this.state,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      ...(this.lastErrorCode === undefined ? {} : { lastErrorCode: this.lastErrorCode }),
      published: this.published + (this.drain?.published ?? 0),
      ...(lastPublishAt === undefined ? {} : { lastPublishAt }),
      broker: redactedUrl(this.deps.url),
    };
  }

  /** Announces NDEATH itself (the will is for sockets that die), then disconnects cleanly. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.retryTimer);
    const { client, drain } = this;
    this.client = undefined;
    this.drain = undefined;
    this.state = 'stopped';
    if (!client || !drain) return;
    drain.pause();
    if (client.connected) {
      const death = msg.ndeathPayload(this.sessionBdSeq, this.now());
      await withTimeout(new Promise<void>((resolve) => client.publish(this.topic('NDEATH'), death, { qos: 1 }, () => resolve())));
    }
    await withTimeout(new Promise<void>((resolve) => client.end(false, {}, () => resolve())));
    client.end(true);
    drain.close();
    this.published += drain.published;
    this.lastPublishAt = drain.lastPublishAt ?? this.lastPublishAt;
    this.deps.log.info({ broker: redactedUrl(this.deps.url) }, 'sparkplug edge node stopped');
  }

  private connectSession(): void {
    if (!this.running) return;
    // A bdSeq is spent only by a session the broker accepted: failed attempts during an outage reuse it
    // (no host saw it) rather than writing the file every few seconds.
    const bdSeq = this.unspentBdSeq ?? this.deps.bdSeq.take();
    this.unspentBdSeq = bdSeq;
    this.sessionBdSeq = bdSeq;
    this.born = false;
    this.hostOnline = this.deps.primaryHostId === undefined;
    const client = connect(this.deps.url, {
      ...this.deps.clientOptions,
      clientId: `outpost-${this.deps.groupId}-${this.deps.edgeNodeId}`,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      keepalive: 30,
      queueQoSZero: false,
      will: { topic: this.topic('NDEATH'), payload: msg.ndeathPayload(bdSeq, this.now()), qos: 1, retain: false },
    });
    const drain = new OutboxDrain({ outbox: this.deps.outbox, log: this.deps.log, publish: (row, done) => this.publishRow(client, row, done) });
    const commands = new SparkplugCommands({ id: this.deps, catalog: this.catalog, log: this.deps.log, write: this.deps.write, rebirth: () => this.rebirth() });
    this.client = client;
    this.drain = drain;
    this.state = 'connecting';
    for (const attach of this.deps.attach ?? []) attach(client);

    client.on('connect', () => {
      this.delayMs = 0;
      this.unspentBdSeq = undefined;
      this.state = 'connected';
      this.lastError = undefined;
      this.lastErrorCode = undefined;
      this.deps.log.info({ broker: redactedUrl(this.deps.url), bdSeq }, 'sparkplug edge node connected');
      const filters = [this.topic('NCMD'), `${this.topic('DCMD')}/+`];
      if (this.deps.primaryHostId) filters.push(`spBv1.0/STATE/${this.deps.primaryHostId}`);
      client.subscribe(filters, { qos: 1 }, (err) => {
        if (err) this.deps.log.warn({ err: err.message }, 'sparkplug edge node cannot subscribe to commands');
        if (this.hostOnline && this.client === client) this.birth(client);
      });
    });
    client.on('message', (topic, payload) => {
      if (topic.startsWith('spBv1.0/STATE/')) this.hostChanged(client, payload);
      else if (topic.startsWith(`spBv1.0/${this.deps.groupId}/`)) commands.handle(topic, payload);
    });
    client.on('error', (err: Error & { code?: unknown }) => {
      const { code, message } = describeConnectionError(err);
      if (message !== this.lastError) {
        this.deps.log.warn({ broker: redactedUrl(this.deps.url), code, err: message }, 'sparkplug edge node cannot reach its broker; retrying');
      }
      this.lastError = message;
      this.lastErrorCode = code;
    });
    client.on('close', () => {
      if (this.client !== client) return;
      if (this.state === 'connected') this.lastError = 'connection lost';
      this.state = 'connecting';
      this.client = undefined;
      this.drain = undefined;
      // Fails what mqtt.js still holds, so those rows go out again as data of the next session.
      drain.pause();
      client.end(true);
      drain.close();
      this.published += drain.published;
      this.lastPublishAt = drain.lastPublishAt ?? this.lastPublishAt;
      this.delayMs = jitteredBackoff(this.delayMs, this.deps.reconnect ?? { minMs: 1_000, maxMs: 30_000 });
      this.retryTimer = setTimeout(() => this.connectSession(), this.delayMs);
    });
  }

  private birth(client: MqttClient): void {
    this.drain?.pause();
    this.seq = 0;
    this.dead.clear();
    const now = this.now();
    for (const device of this.deps.devices()) this.catalog.addDevice(device.id, device.outputs);
    client.publish(this.topic('NBIRTH'), msg.nbirthPayload(this.sessionBdSeq, this.nextSeq(), this.deps.version, now), { qos: this.qos });
    for (const device of this.catalog.knownDevices()) this.publishDbirth(client, device, now);
    this.born = true;
    this.drain?.resume();
  }

  private publishDbirth(client: MqttClient, device: string, now: number): void {
    client.publish(this.topic('DBIRTH', device), msg.dbirthPayload(this.catalog, device, this.nextSeq(), now), { qos: this.qos });
  }

  private publishRow(client: MqttClient, row: OutboxRow, done: (err?: Error) => void): void {
    const content = rowContent(row);
    if (!content) {
      // Acknowledged so it cannot block the outbox; JSON uplinks have their own copy. Raw tier rows: quietly.
      const raw = row.topic.split('/')[2] === 'raw';
      this.deps.log[raw ? 'debug' : 'error']({ seq: row.seq, topic: row.topic }, 'sparkplug edge node skipped an outbox row it cannot read');
      done();
      return;
    }
    const session = { catalog: this.catalog, dead: this.dead, nextSeq: () => this.nextSeq() };
    for (const out of rowMessages(session, content, this.now())) {
      // The row is settled by its DDATA's acknowledgement; births and deaths around it ride along in order.
      const settle = out.type === 'DDATA' ? (err?: Error) => done(err) : undefined;
      client.publish(this.topic(out.type, out.device), out.payload, { qos: this.qos }, settle);
    }
  }

  private hostChanged(client: MqttClient, payload: Buffer): void {
    const online = this.hostState?.receive(payload);
    if (online === undefined || online === this.hostOnline) return;
    this.hostOnline = online;
    this.deps.log.info({ host: this.deps.primaryHostId, online }, 'sparkplug primary host state changed');
    // Offline: hold everything in the outbox. Online again: a fresh birth, then the backlog.
    this.born = false;
    if (online) this.birth(client);
    else this.drain?.pause();
  }

  private get qos(): 0 | 1 {
    return this.deps.dataQos ?? 0;
  }

  private nextSeq(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) % 256;
    return seq;
  }

  private topic(type: msg.SparkplugMessageType, device?: string): string {
    return msg.sparkplugTopic(this.deps, type, device);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}

const STOP_TIMEOUT_MS = 2_000;

function withTimeout(promise: Promise<void>): Promise<void> {
  return Promise.race([promise, new Promise<void>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref())]);
}
