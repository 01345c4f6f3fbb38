import type { Rule } from '../../../appliance/rules/config-schema.js';
import type { GpioConfig } from '../config-schema.js';
import type { EmulatedGpioChip } from './emulated-gpio.js';

/** A contact that opens and closes now and then, bouncing each time as a real reed or microswitch does. */
export interface EmulatedContact {
  pin: number;
  /** Wall ms between changes. */
  everyMs: number;
  bounces: number;
}

/** An S0 output: one short low pulse per unit of energy or water. */
export interface EmulatedPulser {
  pin: number;
  pulsesPerMinute: number;
  pulseMs: number;
}

export interface GpioScenario {
  config: Pick<GpioConfig, 'inputs' | 'counters' | 'outputs'>;
  contacts: EmulatedContact[];
  pulsers: EmulatedPulser[];
  /** Rules shipped with the site, joining the config's: what drives its relays. */
  rules: Rule[];
}

/** Drives a scenario's emulated header: contacts change with bounces, pulse outputs tick. */
export class GpioWorld {
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly deps: { chip: EmulatedGpioChip; scenario: GpioScenario }) {}

  start(): void {
    if (this.timers.length > 0) return;
    const { chip, scenario } = this.deps;
    for (const pulser of scenario.pulsers) chip.drive(pulser.pin, 1); // S0 idles high behind its pull-up
    for (const contact of scenario.contacts) {
      this.every(contact.everyMs, () => {
        const next = chip.level(contact.pin) === 1 ? 0 : 1;
        for (let i = 0; i < contact.bounces; i += 1) {
          chip.drive(contact.pin, next);
          chip.drive(contact.pin, next === 1 ? 0 : 1);
        }
        chip.drive(contact.pin, next);
      });
    }
    for (const pulser of scenario.pulsers) {
      this.every(60_000 / pulser.pulsesPerMinute, () => {
        chip.drive(pulser.pin, 0);
        const release = setTimeout(() => chip.drive(pulser.pin, 1), pulser.pulseMs);
        release.unref();
      });
    }
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }

  private every(ms: number, tick: () => void): void {
    const timer = setInterval(tick, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
