import type { ModbusProfile } from '../../modbus/profile.js';
import { counter } from '../counter.js';
import { deriveSeed, mulberry32 } from '../random.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, clamp, constant, drift, noise, sinusoid, sum, workingDay, type Signal } from '../signal.js';

/**
 * A CNC machine controller as a `generic` Modbus device would describe it: holding registers with a
 * signed tenths temperature, an unsigned speed and a 32-bit part counter sent low word first, and a coil
 * that enables the machine so actuation can be tested.
 */
export const machineControllerProfile: ModbusProfile = {
  name: 'generic',
  description: 'CNC machine controller: spindle temperature, spindle speed, part counter, enable relay',
  points: [
    { metric: 'temperature.spindle', table: 'holding', address: 0, type: 'int16', scale: 0.1, unit: '°C' },
    { metric: 'speed', table: 'holding', address: 1, type: 'uint16', unit: 'rpm' },
    { metric: 'count', table: 'holding', address: 2, type: 'uint32', wordOrder: 'little', unit: '' },
  ],
  outputs: [{ name: 'relay', table: 'coil', address: 0, type: 'bool' }],
};

export interface Machine {
  ratedW: number;
  /** Active power drawn, W: what its meter and its feed measure. */
  load: Signal;
  /** The controller's metrics. */
  controller: Record<string, Signal>;
}

/**
 * A machine that runs the 06–22 h shifts: full activity swings with its job cycle, idles at night.
 * Power, spindle speed, spindle temperature and the part rate all follow the same activity.
 */
export function machine(seed: number, originMs: number): Machine {
  const random = mulberry32(seed);
  const ratedW = 2_500 + Math.round(random() * 3_500);
  const idleW = 60 + Math.round(random() * 60);
  const shift = workingDay({ startHour: 6 + random() * 0.25, endHour: 22 - random() * 0.25, day: 1, night: 0, rampHours: 0.5 });
  const jobs = sinusoid({ amplitude: 0.2, periodMs: (35 + random() * 45) * MINUTE_MS, peakMs: random() * HOUR_MS });
  const activity: Signal = (t) => shift(t) * (0.8 + jobs(t));
  const nominalRpm = 6_000 + Math.round(random() * 6_000);
  const partsPerMinute = 2 + random() * 4;
  const speedNoise = noise({ seed: deriveSeed(seed, 'speed'), sigma: 0.004 });
  const parts = counter((t) => partsPerMinute * activity(t), {
    originMs,
    initial: 70_000 + Math.floor(random() * 400_000),
    perMs: 1 / MINUTE_MS,
  });
  return {
    ratedW,
    load: (t) => idleW + (ratedW - idleW) * activity(t),
    controller: {
      'temperature.spindle': sum(constant(21), (t) => 26 * activity(t), noise({ seed: deriveSeed(seed, 'temperature'), sigma: 0.15 })),
      speed: (t) => nominalRpm * activity(t) * (1 + speedNoise(t)),
      count: (t) => Math.floor(parts(t)),
    },
  };
}

function climate(temperature: Signal, humidity: Signal): Record<string, Signal> {
  return { temperature, humidity: clamp(humidity, 0, 100) };
}

/** A hall sensor: warm while machines and people are in, cooler at night, with its own offset and ageing drift. */
export function hallClimate(seed: number, originMs: number): Record<string, Signal> {
  const random = mulberry32(seed);
  const occupied = (day: number) => workingDay({ startHour: 6, endHour: 22, day, night: 0, rampHours: 2 });
  return climate(
    sum(
      constant(18.5 + (random() - 0.5) * 1.6),
      occupied(4.5),
      sinusoid({ amplitude: 1, periodMs: DAY_MS, peakMs: 15 * HOUR_MS }),
      drift({ perDay: (random() - 0.5) * 0.04, originMs }),
      noise({ seed: deriveSeed(seed, 'temperature'), sigma: 0.08 }),
    ),
    sum(
      constant(50 + (random() - 0.5) * 6),
      occupied(-8),
      sinusoid({ amplitude: 3, periodMs: DAY_MS, peakMs: 5 * HOUR_MS }),
      noise({ seed: deriveSeed(seed, 'humidity'), sigma: 0.4 }),
    ),
  );
}

/** A cold-store sensor: 3 °C and damp, with the saw of the compressor's on/off cycle. */
export function coldStoreClimate(seed: number, originMs: number): Record<string, Signal> {
  const random = mulberry32(seed);
  const cycleMs = (40 + random() * 10) * MINUTE_MS;
  const peakMs = random() * cycleMs;
  return climate(
    sum(
      constant(3 + (random() - 0.5) * 0.8),
      sinusoid({ amplitude: 0.6, periodMs: cycleMs, peakMs }),
      drift({ perDay: (random() - 0.5) * 0.02, originMs }),
      noise({ seed: deriveSeed(seed, 'temperature'), sigma: 0.08 }),
    ),
    sum(
      constant(88 + (random() - 0.5) * 4),
      sinusoid({ amplitude: 2, periodMs: cycleMs, peakMs: peakMs + cycleMs / 2 }),
      noise({ seed: deriveSeed(seed, 'humidity'), sigma: 0.5 }),
    ),
  );
}
