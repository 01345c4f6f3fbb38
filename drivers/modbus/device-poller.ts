import type { Logger } from '../../appliance/log.js';
import type { DeviceInfo, DriverSink, Reading } from '../types.js';
import type { ModbusDeviceConfig } from './config-schema.js';
import type { ModbusConnection } from './connection.js';
import { DeviceHealthTracker } from './device-health.js';
import { classifyModbusError, isRetryable, type ModbusFailure } from './errors.js';
import { planReads, type ReadBlock } from './poll-plan.js';
import { decodePoint, type ModbusProfile } from './profile.js';

const RETRY_BASE_MS = 50;
const MAX_OFFLINE_INTERVAL_MS = 60_000;

export interface PollerDeps {
  id: string;
  config: ModbusDeviceConfig;
  profile: ModbusProfile;
  connection: ModbusConnection;
  sink: DriverSink;
  log: Logger;
}

/**
 * Polls one device on its own interval: reads each planned block with retries and backoff, decodes
 * the points into readings and tracks the device's health. An offline device is polled less and less
 * often (up to once a minute) so its timeouts do not eat the shared bus time of its neighbours.
 */
export class DevicePoller {
  private readonly blocks: ReadBlock[];
  private readonly health: DeviceHealthTracker;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly deps: PollerDeps) {
    this.blocks = planReads(deps.profile.points);
    this.health = new DeviceHealthTracker(deps.config.offlineAfter);
  }

  info(): DeviceInfo {
    return {
      id: this.deps.id,
      protocol: 'modbus',
      name: this.deps.config.name,
      model: this.deps.profile.name,
      outputs: this.deps.profile.outputs.map((o) => o.name),
      health: this.health.health,
    };
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.inFlight;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      this.inFlight = this.pollOnce().then(() => this.schedule(Math.max(0, this.nextInterval() - (Date.now() - started))));
    }, delayMs);
  }

  private nextInterval(): number {
    const { intervalMs, offlineAfter } = this.deps.config;
    const beyond = this.health.consecutiveFailures - offlineAfter;
    if (beyond < 0) return intervalMs;
    return Math.min(intervalMs * 2 ** (beyond + 1), Math.max(intervalMs, MAX_OFFLINE_INTERVAL_MS));
  }

  private async pollOnce(): Promise<void> {
    const readings: Reading[] = [];
    const failures: string[] = [];
    for (const block of this.blocks) {
      if (!this.running) return;
      try {
        const words = await this.readWithRetries(block);
        const ts = Date.now();
        for (const { point, offset } of block.points) {
          const value = decodePoint(point, words.slice(offset, offset + 2));
          readings.push({ device: this.deps.id, metric: point.metric, value, unit: point.unit, ts, quality: 'good' });
        }
      } catch (error) {
        const failure = error as ModbusFailure;
        failures.push(`${block.table} ${block.start}+${block.count}: ${failure.message}`);
      }
    }
    if (readings.length > 0) this.deps.sink.readings(readings);
    const changed =
      failures.length === this.blocks.length
        ? this.health.recordFailure(failures.join('; '))
        : this.health.recordSuccess(Date.now(), failures.length > 0 ? failures.join('; ') : undefined);
    if (changed) {
      const info = this.info();
      const level = info.health.state === 'ok' ? 'info' : 'warn';
      this.deps.log[level]({ device: this.deps.id, state: info.health.state, reason: info.health.reason }, 'modbus device health');
      this.deps.sink.deviceHealth(info);
    }
  }

  private async readWithRetries(block: ReadBlock): Promise<number[]> {
    const { unitId, timeoutMs, retries } = this.deps.config;
    let failure: ModbusFailure | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await delay(RETRY_BASE_MS * 2 ** (attempt - 1));
      try {
        return await this.deps.connection.request(unitId, timeoutMs, (client) => readBlock(client, block));
      } catch (error) {
        failure = classifyModbusError(error);
        if (!isRetryable(failure) || !this.running) break;
      }
    }
    throw failure;
  }
}

type Client = Parameters<Parameters<ModbusConnection['request']>[2]>[0];

async function readBlock(client: Client, block: ReadBlock): Promise<number[]> {
  const { start, count } = block;
  switch (block.table) {
    case 'input':
      return (await client.readInputRegisters(start, count)).data;
    case 'holding':
      return (await client.readHoldingRegisters(start, count)).data;
    case 'coil':
      return (await client.readCoils(start, count)).data.slice(0, count).map(Number);
    case 'discrete':
      return (await client.readDiscreteInputs(start, count)).data.slice(0, count).map(Number);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

