import { OutpostError, type Reading } from '../types.js';
import type { GpioCounterConfig, GpioInputConfig, GpioOutputConfig } from './config-schema.js';
import type { GpioBackend, GpioLine } from './gpio-line.js';
import type { PulseTotals } from './pulse-totals.js';

export const gpioDeviceId = (pin: number) => `gpio:${pin}`;
type Emit = (readings: Reading[]) => void;
const reading = (pin: number, metric: string, value: number, unit: string, ts: number): Reading => ({
  device: gpioDeviceId(pin),
  metric,
  value,
  unit,
  ts,
  quality: 'good',
});

/**
 * A contact or presence input. Every edge restarts a quiet timer; only when the line has been still for
 * `debounceMs` is its level read and, if it differs from the last one reported, reported once.
 */
export class InputLine {
  private line: GpioLine | undefined;
  private settle: NodeJS.Timeout | undefined;
  private reported: 0 | 1 | undefined;

  constructor(private readonly config: GpioInputConfig, private readonly emit: Emit) {}

  open(backend: GpioBackend): void {
    this.line = backend.open(this.config.pin, 'in', 'both');
    this.report(Date.now());
    this.line.watch(() => {
      if (this.config.debounceMs === 0) return this.report(Date.now());
      clearTimeout(this.settle);
      this.settle = setTimeout(() => this.report(Date.now()), this.config.debounceMs);
    });
  }

  close(): void {
    clearTimeout(this.settle);
    this.line?.unexport();
    this.line = undefined;
  }

  private report(ts: number): void {
    if (!this.line) return;
    const raw = this.line.readSync();
    const value = this.config.activeLow ? ((1 - raw) as 0 | 1) : raw;
    if (value === this.reported) return;
    this.reported = value;
    this.emit([reading(this.config.pin, this.config.metric, value, '', ts)]);
  }
}

/** An S0 or reed pulse input: total count (persisted) and rate per minute, reported every interval. */
export class CounterLine {
  private line: GpioLine | undefined;
  private timer: NodeJS.Timeout | undefined;
  private total = 0;
  private lastPulseAt = 0;
  private lastReport = { at: 0, total: 0 };

  constructor(
    private readonly config: GpioCounterConfig,
    private readonly totals: PulseTotals,
    private readonly emit: Emit,
  ) {}

  private get key(): string {
    return `gpio:${this.config.pin}:${this.config.name}`;
  }

  open(backend: GpioBackend): void {
    this.total = this.totals.get(this.key);
    this.lastReport = { at: Date.now(), total: this.total };
    this.line = backend.open(this.config.pin, 'in', this.config.edge);
    this.line.watch((error) => {
      if (error) return;
      const now = Date.now();
      // A contact bounces for a few ms after the pulse edge: the lock-out window swallows the echoes.
      if (now - this.lastPulseAt < this.config.debounceMs) return;
      this.lastPulseAt = now;
      this.total += 1;
      this.totals.set(this.key, this.total);
    });
    this.emit([reading(this.config.pin, 'count', this.total, '', this.lastReport.at)]);
    this.timer = setInterval(() => this.report(), this.config.intervalMs);
  }

  close(): void {
    clearInterval(this.timer);
    this.line?.unexport();
    this.line = undefined;
  }

  private report(): void {
    const now = Date.now();
    const minutes = (now - this.lastReport.at) / 60_000;
    const rate = minutes > 0 ? (this.total - this.lastReport.total) / minutes : 0;
    this.lastReport = { at: now, total: this.total };
    this.emit([reading(this.config.pin, 'count', this.total, '', now), reading(this.config.pin, 'rate', rate, '/min', now)]);
  }
}

/** A relay: driven to its safe state when opened and when closed, and to whatever `write` asks between. */
export class OutputLine {
  private line: GpioLine | undefined;

  constructor(private readonly config: GpioOutputConfig, private readonly emit: Emit) {}

  open(backend: GpioBackend): void {
    this.line = backend.open(this.config.pin, this.config.safeState === 1 ? 'high' : 'low', 'none');
    this.emit([reading(this.config.pin, 'state', this.config.safeState, '', Date.now())]);
  }

  write(value: 0 | 1): void {
    if (!this.line) throw new OutpostError('GPIO_NOT_OPEN', `output "${this.config.name}" on GPIO ${this.config.pin} is not running`);
    this.line.writeSync(value);
    this.emit([reading(this.config.pin, 'state', value, '', Date.now())]);
  }

  close(): void {
    if (!this.line) return;
    this.line.writeSync(this.config.safeState);
    this.line.unexport();
    this.line = undefined;
  }
}
