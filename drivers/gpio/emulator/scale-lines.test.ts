import { describe, expect, it } from 'vitest';
import { checkGpioConfig } from '../config-schema.js';
import { scenarioGpio } from './scenario-lines.js';

const pinsOf = (s: ReturnType<typeof scenarioGpio>) => [...s.config.inputs, ...s.config.counters, ...s.config.outputs].map((l) => l.pin);

describe('scenario GPIO lines at scale', () => {
  it('gives every copy of the factory its own pins, and each copy’s rule its own door and relay', () => {
    const three = scenarioGpio('factory', 3);
    expect(three.copies).toBe(3);
    expect(pinsOf(three)).toHaveLength(12);
    expect(checkGpioConfig(three.config)).toEqual([]);
    expect(three.contacts).toHaveLength(6);
    expect(three.pulsers).toHaveLength(3);
    const door = three.config.inputs.find((l) => l.name === 'cold store 1 door, site 2')!;
    const relay = three.config.outputs.find((l) => l.name === 'cold store 1 door alarm relay, site 2')!;
    expect(three.rules.find((r) => r.name === 'cold-store-1-door-alarm-2')).toMatchObject({
      device: `gpio:${door.pin}`,
      then: { device: `gpio:${relay.pin}`, output: 'state' },
    });
    expect(three.contacts.map((c) => c.pin)).toContain(door.pin);
  });

  it('keeps the first copy on its documented pins and never takes the ID EEPROM pins 0 and 1', () => {
    const one = scenarioGpio('factory', 1);
    expect(pinsOf(one)).toEqual([17, 27, 5, 22]);
    expect(one.rules).toEqual([expect.objectContaining({ device: 'gpio:17', then: expect.objectContaining({ device: 'gpio:22' }) })]);
    expect(pinsOf(scenarioGpio('city', 8))).not.toEqual(expect.arrayContaining([0]));
    expect(pinsOf(scenarioGpio('city', 8))).not.toEqual(expect.arrayContaining([1]));
  });

  it('stops at the copies the header has pins for, and says how many', () => {
    // 26 usable pins: four per factory copy fit six copies, three per city copy fit eight.
    const factory = scenarioGpio('factory', 10);
    expect(factory.copies).toBe(6);
    expect(checkGpioConfig(factory.config)).toEqual([]);
    const city = scenarioGpio('city', 10);
    expect(city.copies).toBe(8);
    expect(city.config.outputs.filter((l) => l.name.startsWith('street lights'))).toHaveLength(16);
  });
});
