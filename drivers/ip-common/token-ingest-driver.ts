import type { Logger } from '../../appliance/log.js';
import type { DeviceInfo, Driver, DriverHealth, DriverSink } from '../types.js';
import type { RateLimitConfig, TokenDeviceConfig } from './config-schema.js';
import { refuse } from './ingest-errors.js';
import { IngestGate, type IngestOutcome } from './ingest-gate.js';
import { parsePayload, type PayloadFormat } from './payload-formats.js';

export interface TokenMessage {
  device: string;
  token: string | undefined;
  /** Resolves the transport's content type, throwing CONTENT_FORMAT_UNSUPPORTED; called after the token is checked. */
  format: () => PayloadFormat;
  body: Uint8Array;
}

/**
 * The part HTTP and CoAP ingest share: devices that push to us and prove who they are with a token.
 * Subclasses add only their transport (Fastify routes, a UDP server).
 */
export abstract class TokenIngestDriver implements Driver {
  abstract readonly protocol: 'http' | 'coap';
  protected gate: IngestGate | undefined;
  private readonly mappings: Map<string, TokenDeviceConfig['mapping']>;

  constructor(protected readonly deps: { devices: readonly TokenDeviceConfig[]; rateLimit: RateLimitConfig; log: Logger }) {
    this.mappings = new Map(deps.devices.map((d) => [d.name, d.mapping]));
  }

  async start(sink: DriverSink, signal: AbortSignal): Promise<void> {
    if (this.gate) return;
    const gate = new IngestGate({ protocol: this.protocol, devices: this.deps.devices, rateLimit: this.deps.rateLimit, log: this.deps.log.child({ driver: this.protocol }) });
    gate.open(sink);
    this.gate = gate;
    signal.addEventListener('abort', () => void this.stop(), { once: true });
    try {
      await this.listen();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    const gate = this.gate;
    this.gate = undefined;
    gate?.close();
    if (gate) await this.unlisten();
  }

  /** Authenticates, parses, rate-limits and hands on one message; throws an OutpostError refusal. */
  ingest(message: TokenMessage, now = Date.now()): IngestOutcome {
    const gate = this.gate;
    if (!gate) throw refuse('NOT_READY', `the ${this.protocol} ingest is not running`);
    gate.authenticate(message.device, message.token);
    return gate.admit(message.device, () => parsePayload(message.format(), message.body, this.mappings.get(message.device), now));
  }

  devices(): DeviceInfo[] {
    return this.gate?.devices() ?? [];
  }

  health(): DriverHealth {
    if (!this.gate) return { state: 'stopped', devices: { ok: 0, degraded: 0, offline: 0 } };
    const health = { ...this.gate.health(), counters: this.gate.stats() };
    return health;
  }

  protected abstract listen(): Promise<void>;
  protected abstract unlisten(): Promise<void>;
}
