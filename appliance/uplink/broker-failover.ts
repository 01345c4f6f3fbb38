import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { OutpostError } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import { redactedUrl } from './broker-security.js';

export interface BrokerFailoverDeps {
  /** The preferred broker first, then the others in the order they are tried. */
  urls: readonly string[];
  nodeId: string;
  log: Logger;
  /** The session's credentials and TLS options; the probe of the preferred broker uses the same. */
  clientOptions: IClientOptions;
  /** How often the preferred broker is probed while the session is on another one. */
  probeMs?: number;
}

type Server = NonNullable<IClientOptions['servers']>[number];

const DEFAULT_PORTS: Record<string, number> = { mqtt: 1883, tcp: 1883, mqtts: 8883, ssl: 8883, ws: 80, wss: 443 };

/**
 * One uplink session over several brokers (a gateway's edge servers). mqtt.js walks its `servers` list
 * on every reconnect, so a broker that is down is followed by the next one; its outgoing store goes with
 * the session, so QoS 1 rows in flight are re-sent to the new broker with the same seq and the outbox
 * drain carries on after its cursor — nothing is lost, a row may arrive twice (consumers dedupe by seq).
 * While the session is on another broker, the preferred one is probed with a separate short connection;
 * once it accepts one, the session is dropped and reconnects to it.
 */
export class BrokerFailover {
  private servers: Server[] = [];
  private client: MqttClient | undefined;
  private currentIndex = -1;
  private probeTimer: NodeJS.Timeout | undefined;
  private probing: MqttClient | undefined;

  constructor(private readonly deps: BrokerFailoverDeps) {}

  /** The `servers` option of the session's client; throws `UPLINK_BAD_URL` for a URL it cannot take. */
  clientServers(): Server[] {
    const [first = ''] = this.deps.urls;
    this.servers = this.deps.urls.map((url, i) => serverOf(url, first, i > 0));
    return this.servers;
  }

  /** The broker the session is connected to (or was last), without credentials. */
  current(): string {
    return redactedUrl(this.deps.urls[Math.max(this.currentIndex, 0)] ?? '');
  }

  attach = (client: MqttClient): void => {
    this.client = client;
    client.on('reconnect', () => {
      // mqtt.js pins the TLS server name to the first host it connected to; each broker needs its own.
      delete client.options.servername;
    });
    client.on('connect', () => {
      // mqtt.js counts the stream it just built (its index into `servers`) one ahead.
      this.currentIndex = (client._reconnectCount - 1 + this.servers.length) % this.servers.length;
      if (this.currentIndex === 0) return;
      this.deps.log.warn({ broker: this.current() }, 'uplink failed over to another broker; probing the preferred one');
      this.scheduleProbe();
    });
    client.on('close', () => this.cancelProbe());
  };

  stop(): void {
    this.client = undefined;
    this.cancelProbe();
  }

  private scheduleProbe(): void {
    this.cancelProbe();
    this.probeTimer = setTimeout(() => void this.probe(), this.deps.probeMs ?? 5_000);
  }

  private cancelProbe(): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    this.probing?.end(true);
    this.probing = undefined;
  }

  private async probe(): Promise<void> {
    this.probeTimer = undefined;
    const client = this.client;
    const preferred = this.deps.urls[0];
    if (!client || !preferred || this.currentIndex <= 0) return;
    const probeMs = this.deps.probeMs ?? 5_000;
    let probing: MqttClient | undefined;
    try {
      // No will and its own client id: the probe must not disturb the session or the status topic.
      probing = await connectAsync(preferred, { ...this.deps.clientOptions, clientId: `outpost-${this.deps.nodeId}-probe`, clean: true, reconnectPeriod: 0, connectTimeout: probeMs }, false);
    } catch {
      if (this.client === client && client.connected) this.scheduleProbe();
      return;
    }
    await probing.endAsync(true).catch(() => undefined);
    if (this.client !== client || !client.connected || this.currentIndex <= 0) return;
    this.deps.log.info({ broker: redactedUrl(preferred) }, 'uplink preferred broker is back; returning to it');
    // Dropping the stream (not `end`/`reconnect`, which discard the outgoing store) keeps the rows in flight.
    client._reconnectCount = 0;
    client.stream.destroy();
  }
}

/** Host, port and protocol of one broker URL; ws paths must match the first URL's, which mqtt.js uses for all. */
function serverOf(url: string, first: string, failover: boolean): Server {
  const parsed = new URL(url);
  const protocol = parsed.protocol.replace(/:$/, '') as NonNullable<Server['protocol']>;
  if (parsed.pathname !== new URL(first).pathname) {
    throw new OutpostError('UPLINK_BAD_URL', `failover broker ${redactedUrl(url)} has another path than ${redactedUrl(first)}; all brokers of one uplink share the path`, { broker: redactedUrl(url) });
  }
  if (failover && (parsed.username || parsed.password)) {
    throw new OutpostError('UPLINK_BAD_URL', `failover broker ${redactedUrl(url)} carries credentials in its URL; set username and password on the uplink`, { broker: redactedUrl(url) });
  }
  return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(parsed.port) || (DEFAULT_PORTS[protocol] ?? 1883), protocol };
}
