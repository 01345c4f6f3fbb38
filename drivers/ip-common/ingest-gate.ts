import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../appliance/log.js';
import { OutpostError, type DeviceInfo, type DriverHealth, type DriverSink, type Protocol, type Reading } from '../types.js';
import type { RateLimitConfig } from './config-schema.js';
import { refuse, refusalOf, type IngestRefusal } from './ingest-errors.js';
import type { Ignored, ParseResult } from './measurement.js';
import { TokenBucket } from './token-bucket.js';

/** After a refusal a device shows `degraded` this long, so a flood is visible on the devices page. */
const DEGRADED_FOR_MS = 60_000;
/** How often silence is checked for devices with `offlineAfterSeconds`. */
const SILENCE_CHECK_MS = 1_000;
/** One log line per device and reason at most this often, with the count since: a flood must not flood the journal. */
const LOG_EVERY_MS = 10_000;

export interface GateDevice {
  name: string;
  token?: string;
  model?: string;
  offlineAfterSeconds?: number;
}

export interface DeviceCounters {
  accepted: number;
  refused: Partial<Record<IngestRefusal, number>>;
}

export interface IngestOutcome {
  accepted: number;
  ignored: Ignored[];
}

interface DeviceState {
  config: GateDevice;
  info: DeviceInfo;
  bucket: TokenBucket;
  counters: DeviceCounters;
  lastRefusalAt: number;
  logged: Map<string, { at: number; since: number }>;
}

/**
 * What every IP transport shares once a message has arrived: who sent it (per-device token), whether it
 * may (per-device rate), what it says (the transport's parser), and handing it on as readings. A refused
 * message leaves nothing behind but a counter and a log line.
 */
export class IngestGate {
  private readonly states = new Map<string, DeviceState>();
  private sink: DriverSink | undefined;
  private unknownDevices = 0;
  private silenceTimer: NodeJS.Timeout | undefined;
  private openedAt = 0;

  constructor(
    private readonly deps: {
      protocol: Protocol;
      devices: readonly GateDevice[];
      rateLimit: RateLimitConfig;
      log: Logger;
      now?: () => number;
    },
  ) {}

  /** Starts handing readings to `sink`; the device list is built here, not in the constructor. */
  open(sink: DriverSink): void {
    const now = this.now();
    this.openedAt = now;
    for (const config of this.deps.devices) {
      const id = `${this.deps.protocol}:${config.name}`;
      const info: DeviceInfo = { id, protocol: this.deps.protocol, name: config.name, model: config.model ?? this.deps.protocol, outputs: [], health: { state: 'starting' } };
      const bucket = new TokenBucket(this.deps.rateLimit.readingsPerSecond, this.deps.rateLimit.burst, now);
      this.states.set(config.name, { config, info, bucket, counters: { accepted: 0, refused: {} }, lastRefusalAt: 0, logged: new Map() });
      sink.deviceHealth({ ...info });
    }
    this.sink = sink;
    if (this.deps.devices.some((d) => d.offlineAfterSeconds !== undefined)) {
      this.silenceTimer = setInterval(() => this.checkSilence(), SILENCE_CHECK_MS);
      this.silenceTimer.unref();
    }
  }

  close(): void {
    clearInterval(this.silenceTimer);
    this.silenceTimer = undefined;
    this.sink = undefined;
    this.states.clear();
  }

  get isOpen(): boolean {
    return this.sink !== undefined;
  }

  /** Checks the device exists and the token is its own; the same answer time whatever the token's length. */
  authenticate(name: string, token: string | undefined): void {
    const state = this.known(name);
    if (token === undefined || token === '') throw this.refused(state, refuse('TOKEN_MISSING', `device "${name}" sent no token`));
    const expected = Buffer.from(state.config.token ?? '');
    const given = Buffer.from(token);
    const same = expected.length === given.length && expected.length > 0 && timingSafeEqual(expected, given);
    if (!same) throw this.refused(state, refuse('TOKEN_INVALID', `wrong token for device "${name}"`));
  }

  /** Parses, rate-limits and hands on one message; throws the refusal (already counted and logged). */
  admit(name: string, parse: () => ParseResult): IngestOutcome {
    const sink = this.sink;
    if (!sink) throw refuse('NOT_READY', `the ${this.deps.protocol} ingest is not running`);
    const state = this.known(name);
    const now = this.now();
    let parsed: ParseResult;
    try {
      parsed = parse();
    } catch (error) {
      throw this.refused(state, error);
    }
    const { measurements, ignored } = parsed;
    if (measurements.length === 0 && ignored.length > 0) {
      const why = ignored.slice(0, 3).map((i) => `${i.field}: ${i.reason}`).join('; ');
      throw this.refused(state, refuse('NO_READINGS', `nothing in the message from "${name}" is a reading we know: ${why}`, { ignored }));
    }
    if (!state.bucket.take(measurements.length, now)) {
      const retryAfter = state.bucket.secondsUntil(measurements.length);
      throw this.refused(state, refuse('RATE_LIMITED', `device "${name}" sends more than ${this.deps.rateLimit.readingsPerSecond} readings/s; retry in ${retryAfter} s`, { retryAfter }), measurements.length);
    }
    if (measurements.length === 0) return { accepted: 0, ignored };
    const readings: Reading[] = measurements.map((m) => ({ device: m.source ? `${state.info.id}/${m.source}` : state.info.id, metric: m.metric, value: m.value, unit: m.unit, ts: m.ts ?? now, quality: 'good' }));
    sink.readings(readings);
    state.counters.accepted += readings.length;
    this.markSeen(state, now);
    return { accepted: readings.length, ignored };
  }

  devices(): DeviceInfo[] {
    return [...this.states.values()].map((s) => ({ ...s.info, health: { ...s.info.health } }));
  }

  health(): DriverHealth {
    const devices = { ok: 0, degraded: 0, offline: 0 };
    for (const { info } of this.states.values()) {
      if (info.health.state === 'ok' || info.health.state === 'degraded' || info.health.state === 'offline') devices[info.health.state] += 1;
    }
    const state = !this.sink ? 'stopped' : devices.degraded + devices.offline > 0 ? 'degraded' : 'ok';
    return { state, devices };
  }

  /** Readings accepted and messages refused, by device and reason; `unknownDevices` counts names not configured. */
  stats(): { devices: Record<string, DeviceCounters>; unknownDevices: number } {
    const devices = Object.fromEntries([...this.states].map(([name, s]) => [name, structuredClone(s.counters)]));
    return { devices, unknownDevices: this.unknownDevices };
  }

  private known(name: string): DeviceState {
    const state = this.states.get(name);
    if (state) return state;
    this.unknownDevices += 1;
    if (this.unknownDevices === 1 || this.unknownDevices % 1000 === 0) {
      this.deps.log.warn({ code: 'DEVICE_UNKNOWN', device: name, count: this.unknownDevices }, 'message from a device that is not configured');
    }
    throw refuse('DEVICE_UNKNOWN', `no ${this.deps.protocol} device "${name}" is configured`);
  }

  /** A push device has no poll to time out: silence longer than its period is what offline looks like. */
  private checkSilence(): void {
    const now = this.now();
    for (const state of this.states.values()) {
      const limit = state.config.offlineAfterSeconds;
      const health = state.info.health;
      if (limit === undefined || health.state === 'offline') continue;
      const since = health.lastSeen ?? this.openedAt;
      if (now - since < limit * 1000) continue;
      state.info.health = { state: 'offline', reason: `nothing received for ${limit} s`, ...(health.lastSeen ? { lastSeen: health.lastSeen } : {}) };
      this.sink?.deviceHealth({ ...state.info });
    }
  }

  private markSeen(state: DeviceState, now: number): void {
    const health = state.info.health;
    health.lastSeen = now;
    if (health.state === 'ok' || (health.state === 'degraded' && now - state.lastRefusalAt < DEGRADED_FOR_MS)) return;
    state.info.health = { state: 'ok', lastSeen: now };
    this.sink?.deviceHealth({ ...state.info });
  }

  /** Counts a refusal against the device, logs it (throttled), marks the device degraded, and returns it to throw. */
  private refused(state: DeviceState, error: unknown, readings = 0): unknown {
    const refusal = refusalOf(error);
    if (!refusal) return error;
    const now = this.now();
    state.counters.refused[refusal.code] = (state.counters.refused[refusal.code] ?? 0) + 1;
    state.lastRefusalAt = now;
    const logged = state.logged.get(refusal.code) ?? { at: 0, since: 0 };
    logged.since += 1;
    if (now - logged.at >= LOG_EVERY_MS) {
      this.deps.log.warn({ code: refusal.code, device: state.info.id, refused: logged.since, readings }, refusal.message);
      logged.at = now;
      logged.since = 0;
    }
    state.logged.set(refusal.code, logged);
    if (state.info.health.state !== 'degraded') {
      state.info.health = { state: 'degraded', reason: `${refusal.code}: ${refusal.message}`, ...(state.info.health.lastSeen ? { lastSeen: state.info.health.lastSeen } : {}) };
      this.sink?.deviceHealth({ ...state.info });
    }
    return error instanceof OutpostError ? error : refuse(refusal.code, refusal.message);
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }
}
