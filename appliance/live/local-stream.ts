import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { EventEmitter } from 'node:events';
import { OutpostError } from '../../drivers/types.js';
import type { TickEvent } from '../ingest/tick-loop.js';
import type { Logger } from '../log.js';
import { brokerClientOptions, describeConnectionError, redactedUrl } from '../uplink/broker-security.js';
import type { LiveStreamConfig } from './config-schema.js';
import { liveAlertTopic, liveReadingTopic } from './live-topics.js';

export interface LocalStreamDeps {
  config: LiveStreamConfig;
  nodeId: string;
  /** Emits each tick's readings and alerts (the same feed the SSE route reads). */
  feed: EventEmitter<{ tick: [TickEvent] }>;
  log: Logger;
}

export interface LocalStreamStatus {
  state: 'connected' | 'connecting' | 'disabled' | 'stopped';
  broker: string;
  /** Messages handed to the broker since start. */
  published: number;
  /** Messages dropped because the broker was away: the stream is live, not a queue (the outbox is). */
  dropped: number;
  lastError?: string;
}

/**
 * Readings and alerts of every tick as QoS 0 MQTT messages on a local broker, so applications beside the
 * appliance get live data without polling. Nothing is retained or queued: while the broker is away the
 * messages are counted and dropped, and the store and outbox keep the durable copy.
 */
export class LocalStream {
  private client: MqttClient | undefined;
  private state: LocalStreamStatus['state'] = 'stopped';
  private published = 0;
  private dropped = 0;
  private lastError: string | undefined;
  private readonly onTick = (event: TickEvent): void => this.send(event);

  constructor(private readonly deps: LocalStreamDeps) {}

  async start(): Promise<void> {
    if (this.client || this.state === 'disabled') return;
    const { url } = this.deps.config;
    if (!url) {
      this.state = 'disabled';
      return;
    }
    let security: ReturnType<typeof brokerClientOptions>;
    try {
      security = brokerClientOptions(url, this.deps.config);
    } catch (err) {
      // A bad live-stream setting must not keep the appliance down: say why and run without the stream.
      const code = err instanceof OutpostError ? err.code : 'LIVE_STREAM_FAILED';
      this.state = 'disabled';
      this.lastError = (err as Error).message;
      this.deps.log.error({ code, err: this.lastError }, 'live stream not started');
      return;
    }
    const options: IClientOptions = Object.fromEntries(Object.entries(security).filter(([, v]) => v !== undefined));
    const client = connect(url, {
      ...options,
      clientId: `outpost-${this.deps.nodeId}-live`,
      clean: true,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      // Old readings are worthless to a live view: nothing waits in memory for the broker.
      queueQoSZero: false,
    });
    this.client = client;
    this.state = 'connecting';
    client.on('connect', () => {
      this.state = 'connected';
      this.lastError = undefined;
      this.deps.log.info({ broker: redactedUrl(url) }, 'live stream connected');
    });
    client.on('close', () => {
      if (this.state === 'connected') this.state = 'connecting';
    });
    client.on('error', (err: Error & { code?: unknown }) => {
      const { code, message } = describeConnectionError(err);
      if (message !== this.lastError) this.deps.log.warn({ broker: redactedUrl(url), code, err: message }, 'live stream cannot reach its broker; retrying');
      this.lastError = message;
    });
    this.deps.feed.on('tick', this.onTick);
  }

  status(): LocalStreamStatus {
    return {
      state: this.state,
      broker: this.deps.config.url ? redactedUrl(this.deps.config.url) : '',
      published: this.published,
      dropped: this.dropped,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.deps.feed.off('tick', this.onTick);
    if (this.state !== 'disabled') this.state = 'stopped';
    if (client) await client.endAsync(true);
  }

  private send(event: TickEvent): void {
    const client = this.client;
    const messages = event.readings.length + event.alerts.length;
    if (!client?.connected) {
      this.dropped += messages;
      return;
    }
    const { nodeId } = this.deps;
    for (const reading of event.readings) {
      this.publish(client, liveReadingTopic(nodeId, reading), reading);
    }
    for (const alert of event.alerts) {
      this.publish(client, liveAlertTopic(nodeId, alert), alert);
    }
  }

  private publish(client: MqttClient, topic: string, body: object): void {
    client.publish(topic, JSON.stringify(body), { qos: 0 }, (err) => {
      if (err) this.dropped++;
      else this.published++;
    });
  }
}
