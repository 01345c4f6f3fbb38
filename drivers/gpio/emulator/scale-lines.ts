import { HEADER_PINS } from '../config-schema.js';
import type { GpioScenario } from './gpio-world.js';

/** BCM 0 and 1 carry the HAT ID EEPROM on every Pi, so copies never take them. */
const FIRST_FREE_PIN = 2;

/**
 * `scale` copies of one site's lines on the one header: the first keeps its pins, each further copy takes
 * the lowest free ones, with its names and its rules' devices following. Copies that no longer fit on the
 * header's pins are left out; `copies` says how many made it.
 */
export function scaleLines(site: GpioScenario, scale: number): GpioScenario & { copies: number } {
  const pins = linePins(site);
  const free: number[] = [];
  for (let pin = FIRST_FREE_PIN; pin <= HEADER_PINS.max; pin += 1) if (!pins.includes(pin)) free.push(pin);
  const result: GpioScenario & { copies: number } = { ...site, copies: 1 };
  for (let copy = 2; copy <= scale && free.length >= pins.length; copy += 1) {
    const moved = new Map(pins.map((pin) => [pin, free.shift()!] as const));
    const add = merge(result, copyOf(site, copy, (pin) => moved.get(pin)!));
    Object.assign(result, add, { copies: copy });
  }
  return result;
}

function linePins(site: GpioScenario): number[] {
  const { inputs, counters, outputs } = site.config;
  return [...inputs, ...counters, ...outputs].map((line) => line.pin);
}

function copyOf(site: GpioScenario, copy: number, pin: (pin: number) => number): GpioScenario {
  const line = <T extends { pin: number; name: string }>(l: T): T => ({ ...l, pin: pin(l.pin), name: `${l.name}, site ${copy}` });
  const device = (id: string | undefined) => (id?.startsWith('gpio:') ? `gpio:${pin(Number(id.slice('gpio:'.length)))}` : id);
  return {
    config: { inputs: site.config.inputs.map(line), counters: site.config.counters.map(line), outputs: site.config.outputs.map(line) },
    contacts: site.contacts.map((c) => ({ ...c, pin: pin(c.pin) })),
    pulsers: site.pulsers.map((p) => ({ ...p, pin: pin(p.pin) })),
    rules: site.rules.map((rule) => ({
      ...rule,
      name: `${rule.name}-${copy}`,
      ...(rule.device !== undefined ? { device: device(rule.device)! } : {}),
      ...(rule.then ? { then: { ...rule.then, device: device(rule.then.device)! } } : {}),
    })),
  };
}

function merge(a: GpioScenario, b: GpioScenario): GpioScenario {
  return {
    config: {
      inputs: [...a.config.inputs, ...b.config.inputs],
      counters: [...a.config.counters, ...b.config.counters],
      outputs: [...a.config.outputs, ...b.config.outputs],
    },
    contacts: [...a.contacts, ...b.contacts],
    pulsers: [...a.pulsers, ...b.pulsers],
    rules: [...a.rules, ...b.rules],
  };
}
