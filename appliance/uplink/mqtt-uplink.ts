import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { OutpostError } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import { BrokerFailover } from './broker-failover.js';
import { describeConnectionError, jitteredBackoff, redactedUrl } from './broker-security.js';
import { OutboxDrain, type CombineRows } from './outbox-drain.js';
import type { OutboxSource } from './outbox-source.js';
import { topicSegment } from './summary-message.js';

export interface UplinkClientOptions {
  username?: string;
  password?: string;
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
}

export type UplinkState = 'connected' | 'connecting' | 'disabled' | 'stopped';

export interface UplinkStatus {
  state: UplinkState;
  /** Why the last connection attempt failed or the session dropped; cleared on connect. */
  lastError?: string;
  /** The OutpostError code of `lastError`, e.g. `UPLINK_TLS_UNTRUSTED`, `UPLINK_AUTH_REFUSED`. */
  lastErrorCode?: string;
  /** Outbox rows the broker acknowledged since start. */
  published: number;
  /** When the broker last acknowledged a message (ms since epoch), for the page's "last publish". */
  lastPublishAt?: number;
  /** The broker URL without credentials; empty when disabled. */
  broker: string;
}

export interface MqttUplinkDeps {
  /** `mqtt://`, `mqtts://`, `ws://` or `wss://`; absent or empty disables the uplink. */
  url?: string;
  /** Further brokers (say, a gateway's other edge servers), tried in order when `url` is down; the uplink returns to `url` once it answers. */
  failoverUrls?: readonly string[];
  /** How often `url` is probed while the uplink is on a failover broker. */
  probeMs?: number;
  nodeId: string;
  outbox: OutboxSource;
  log: Logger;
  /** Release version, announced in the birth message. */
  version: string;
  clientOptions?: UplinkClientOptions;
  /** Delay before a reconnect: `minMs`, doubled after each failed attempt, at most `maxMs`. */
  reconnect?: { minMs: number; maxMs: number };
  maxInFlight?: number;
  /** How outbox rows become messages: JSON v2 combines a device's window into one; v1 sends each row as stored. */
  combine?: CombineRows;
  /** Called once with the client, before it connects: the downlink and Home Assistant discovery hook in here. */
  attach?: readonly ((client: MqttClient) => void)[];
}

const BROKER_PROTOCOLS = new Set(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:']);
/** How long a graceful stop waits for the broker before it just closes the socket. */
const STOP_TIMEOUT_MS = 2_000;

/**
 * The one MQTT session of the appliance. Birth: on every connect, a retained QoS 1
 * `outpost/<nodeId>/status` `{state:'online',version,ts}`; the last will (and a graceful stop) sets it
 * to `{state:'offline'}`. Outbox rows go out through an `OutboxDrain` (see there for who re-sends what).
 */
export class MqttUplink {
  private client: MqttClient | undefined;
  private drain: OutboxDrain | undefined;
  private state: UplinkState = 'stopped';
  private lastError: string | undefined;
  private lastErrorCode: string | undefined;
  /** The error last written to the log, so a retry loop logs a failure once, not once per attempt. */
  private loggedError: string | undefined;
  private stopping: Promise<void> | undefined;
  private failover: BrokerFailover | undefined;

  constructor(private readonly deps: MqttUplinkDeps) {}

  async start(): Promise<void> {
    if (this.client || this.state === 'disabled') return;
    if (!this.deps.url) {
      this.state = 'disabled';
      this.deps.log.info('uplink disabled: no broker configured; the outbox keeps every row until one is');
      return;
    }
    const urls = [this.deps.url, ...(this.deps.failoverUrls ?? [])];
    for (const url of urls) {
      if (!BROKER_PROTOCOLS.has(safeUrl(url)?.protocol ?? '')) {
        const broker = redactedUrl(url);
        throw new OutpostError('UPLINK_BAD_URL', `uplink broker URL ${broker} is not an mqtt(s):// or ws(s):// URL`, { broker });
      }
    }
    const options = definedOnly(this.deps.clientOptions ?? {});
    const failover =
      urls.length > 1 ? new BrokerFailover({ urls, nodeId: this.deps.nodeId, log: this.deps.log, clientOptions: options, probeMs: this.deps.probeMs }) : undefined;
    const servers = failover?.clientServers();
    const { minMs, maxMs } = this.deps.reconnect ?? { minMs: 1_000, maxMs: 30_000 };
    const statusTopic = `outpost/${topicSegment(this.deps.nodeId)}/status`;
    const client = connect(this.deps.url, {
      ...options,
      ...(servers ? { servers } : {}),
      clientId: `outpost-${this.deps.nodeId}`,
      clean: true,
      reconnectPeriod: minMs,
      // A broker that refuses our credentials may accept them later (an operator fixes its ACL).
      reconnectOnConnackError: true,
      // With somewhere else to go, a broker that went silent must be given up well within 10 s: mqtt.js
      // drops the session 1.5 keepalives after the broker last answered (4.5 s), then the next broker connects.
      connectTimeout: failover ? 5_000 : 10_000,
      keepalive: failover ? 3 : 30,
      // Rows are handed over only while connected; a QoS 0 row caught by a drop must fail back to the
      // drain (which sends it again from the outbox), not sit in a second, in-memory queue.
      queueQoSZero: false,
      will: { topic: statusTopic, payload: Buffer.from(JSON.stringify({ state: 'offline' })), qos: 1, retain: true },
    });
    const drain = new OutboxDrain({
      outbox: this.deps.outbox,
      log: this.deps.log,
      maxInFlight: this.deps.maxInFlight,
      ...(this.deps.combine ? { combine: this.deps.combine } : {}),
      publish: (row, done) => client.publish(row.topic, row.payload, { qos: row.qos }, (err) => done(err)),
    });
    this.client = client;
    this.drain = drain;
    this.failover = failover;
    this.state = 'connecting';
    failover?.attach(client);
    for (const attach of this.deps.attach ?? []) attach(client);

    client.on('connect', () => {
      if (this.client !== client) return; // a reconnect that landed while stopping
      client.options.reconnectPeriod = minMs;
      this.state = 'connected';
      this.lastError = undefined;
      this.lastErrorCode = undefined;
      this.loggedError = undefined;
      this.deps.log.info({ broker: this.broker() }, 'uplink connected');
      this.publishBirth(client);
      drain.resume();
    });
    client.on('reconnect', () => {
      client.options.reconnectPeriod = jitteredBackoff(client.options.reconnectPeriod ?? minMs, { minMs, maxMs });
    });
    client.on('close', () => {
      drain.pause();
      if (this.state !== 'connected') return;
      this.state = 'connecting';
      this.lastError = 'connection lost';
      this.deps.log.warn({ broker: this.broker() }, 'uplink lost its broker connection; reconnecting');
    });
    client.on('error', (err: Error & { code?: unknown }) => {
      // Connection refused, not authorised (CONNACK 5), untrusted certificate: one line per new reason, not per retry.
      const { code, message: reason } = describeConnectionError(err);
      this.lastError = reason;
      this.lastErrorCode = code;
      if (reason === this.loggedError) return;
      this.loggedError = reason;
      this.deps.log.warn({ broker: this.broker(), code, err: reason }, 'uplink cannot reach its broker; retrying');
    });
  }

  /** Announces the retained online status again (a downlink `rebirth`). */
  rebirth(): void {
    if (this.client?.connected) this.publishBirth(this.client);
  }

  /** The tick loop committed rows to the outbox: send them now. */
  notify(): void {
    this.drain?.notify();
  }

  status(): UplinkStatus {
    return {
      state: this.state,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      ...(this.lastErrorCode === undefined ? {} : { lastErrorCode: this.lastErrorCode }),
      published: this.drain?.published ?? 0,
      ...(this.drain?.lastPublishAt === undefined ? {} : { lastPublishAt: this.drain.lastPublishAt }),
      broker: this.broker(),
    };
  }

  async stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    await this.stopping;
    this.stopping = undefined;
  }

  private async shutdown(): Promise<void> {
    const { client, drain } = this;
    this.client = undefined;
    this.failover?.stop();
    this.state = 'stopped';
    if (!client || !drain) return;
    drain.pause();
    const offline = client.connected && (await publishOffline(client, `outpost/${topicSegment(this.deps.nodeId)}/status`));
    // Only a clean DISCONNECT keeps the broker from publishing the will over our graceful offline.
    await endSession(client, offline);
    drain.close();
    this.deps.log.info({ broker: this.broker() }, 'uplink stopped');
  }

  private publishBirth(client: MqttClient): void {
    const birth = { state: 'online', version: this.deps.version, ts: Date.now() };
    client.publish(`outpost/${topicSegment(this.deps.nodeId)}/status`, JSON.stringify(birth), { qos: 1, retain: true });
  }

  /** The broker in use (with failover, the one connected last), without credentials. */
  private broker(): string {
    if (!this.deps.url) return '';
    return this.failover?.current() ?? redactedUrl(this.deps.url);
  }
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function definedOnly(options: UplinkClientOptions): IClientOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/** Resolves true once the broker acknowledged the retained offline status. */
function publishOffline(client: MqttClient, topic: string): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS);
    const payload = JSON.stringify({ state: 'offline', ts: Date.now() });
    client.publish(topic, payload, { qos: 1, retain: true }, (err) => {
      clearTimeout(timer);
      resolve(!err);
    });
  });
}

/** Ends the client and its reconnect timer; a graceful end sends DISCONNECT (mqtt.js waits for in-flight acks). */
function endSession(client: MqttClient, graceful: boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.stream.destroy();
      resolve();
    }, STOP_TIMEOUT_MS);
    client.end(!graceful, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
