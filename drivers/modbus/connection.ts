import modbusSerial from 'modbus-serial';
import type { Logger } from '../../appliance/log.js';
import type { ModbusTransport } from './config-schema.js';

// The CommonJS module is its own default export; its typings only describe `.default`.
const ModbusRTU = modbusSerial.default;
type Client = InstanceType<typeof ModbusRTU>;

const MIN_RECONNECT_MS = 500;
const MAX_RECONNECT_MS = 30_000;

export function transportKey(transport: ModbusTransport): string {
  return transport.type === 'tcp' ? `tcp/${transport.host}:${transport.port}` : `rtu${transport.path}`;
}

/**
 * One TCP socket or one serial line, shared by every unit id behind it. Requests are serialised:
 * an RTU bus carries one transaction at a time, and modbus-serial keeps a single unit id per client.
 * After a failed connect the next attempt waits with exponential backoff, so a dead gateway costs
 * its devices an immediate error instead of a connect timeout on every poll.
 */
export class ModbusConnection {
  private client: Client | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private reconnectDelay = MIN_RECONNECT_MS;
  private nextConnectAt = 0;
  private closed = false;

  constructor(private readonly deps: { transport: ModbusTransport; log: Logger; now?: () => number }) {}

  get key(): string {
    return transportKey(this.deps.transport);
  }

  /** Runs `fn` alone on the line, connected, addressed to `unitId`, with the given reply timeout. */
  request<T>(unitId: number, timeoutMs: number, fn: (client: Client) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const client = await this.connected();
      client.setID(unitId);
      client.setTimeout(timeoutMs);
      return fn(client);
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await this.dropClient();
  }

  private async connected(): Promise<Client> {
    if (this.closed) throw new Error(`connection to ${this.key} is closed`);
    if (this.client?.isOpen) return this.client;
    await this.dropClient();
    const now = this.deps.now?.() ?? Date.now();
    if (now < this.nextConnectAt) throw new Error(`${this.key} unreachable, next connect attempt in ${this.nextConnectAt - now} ms`);
    const client = new ModbusRTU();
    try {
      await this.open(client);
    } catch (error) {
      this.nextConnectAt = now + this.reconnectDelay;
      this.reconnectDelay = Math.min(this.reconnectDelay * 2, MAX_RECONNECT_MS);
      this.deps.log.warn({ bus: this.key, err: String(error) }, 'modbus connect failed');
      throw error;
    }
    // Without a listener a socket error would be thrown as an uncaught 'error' event.
    client.on('error', (error: unknown) => this.deps.log.warn({ bus: this.key, err: String(error) }, 'modbus line error'));
    this.reconnectDelay = MIN_RECONNECT_MS;
    this.client = client;
    this.deps.log.info({ bus: this.key }, 'modbus connected');
    return client;
  }

  private async open(client: Client): Promise<void> {
    const t = this.deps.transport;
    if (t.type === 'tcp') {
      await client.connectTCP(t.host, { port: t.port });
    } else {
      await client.connectRTUBuffered(t.path, { baudRate: t.baudRate, parity: t.parity, dataBits: t.dataBits, stopBits: t.stopBits });
    }
  }

  private async dropClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client?.isOpen) return;
    await new Promise<void>((resolve) => client.close(() => resolve()));
  }
}
