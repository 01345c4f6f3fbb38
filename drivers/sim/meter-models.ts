import { counter } from './counter.js';
import { deriveSeed } from './random.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, clamp, constant, noise, sinusoid, sum, type Signal } from './signal.js';

/** W × ms in one kWh. */
const W_MS_PER_KWH = 3.6e9;
const NOMINAL_VOLTAGE = 230;
/** Motors idling draw mostly reactive current; loaded they approach a good power factor. */
const PF_IDLE = 0.55;
const PF_FULL = 0.95;

export interface MeterOptions {
  seed: number;
  /** The true active power through the meter, W, before measurement noise. */
  load: Signal;
  /** The load at which the power factor is at its best. */
  ratedW: number;
  /** Grid frequency, shared by every meter on the same grid. */
  frequency: Signal;
  originMs: number;
  initialKwh: number;
}

/** The grid's frequency: 50 Hz wandering within ±0.05 Hz, as the European grid does. */
export function gridFrequency(seed: number): Signal {
  return clamp(
    sum(constant(50), sinusoid({ amplitude: 0.025, periodMs: 13 * MINUTE_MS }), noise({ seed, sigma: 0.008 })),
    49.95,
    50.05,
  );
}

function powerFactor(load: Signal, ratedW: number): Signal {
  return (t) => PF_IDLE + (PF_FULL - PF_IDLE) * Math.min(1, Math.max(0, load(t) / ratedW));
}

/**
 * One phase as the meter measures it: voltage sags with the evening peak and with this meter's load;
 * power is the load share plus 1 % noise; current, apparent and reactive power follow from them, so
 * P = V × I × pf holds at every instant.
 */
function phase(seed: number, label: string, load: Signal, share: number, ratedW: number, pf: Signal) {
  const evening = sinusoid({ amplitude: -2.5, periodMs: DAY_MS, peakMs: 19 * HOUR_MS });
  const measured = noise({ seed: deriveSeed(seed, `voltage${label}`), sigma: 0.3 });
  const powerNoise = noise({ seed: deriveSeed(seed, `power${label}`), sigma: 0.01 });
  const voltage: Signal = (t) => NOMINAL_VOLTAGE + evening(t) + measured(t) - 3 * Math.min(1, load(t) / ratedW);
  const power: Signal = (t) => share * load(t) * (1 + powerNoise(t));
  const apparent: Signal = (t) => power(t) / pf(t);
  return {
    voltage,
    power,
    apparent,
    current: (t: number) => apparent(t) / voltage(t),
    reactive: (t: number) => {
      const factor = pf(t);
      return power(t) * Math.sqrt(1 / (factor * factor) - 1);
    },
  };
}

/** Energy registers: import integrates the true load (noise averages out); this site never exports. */
function energy(o: MeterOptions): Record<'energy' | 'energy.import' | 'energy.export', Signal> {
  const imported = counter(o.load, { originMs: o.originMs, initial: o.initialKwh, perMs: 1 / W_MS_PER_KWH });
  const exported = constant(0);
  return { 'energy.import': imported, 'energy.export': exported, energy: sum(imported, exported) };
}

/** The metrics of a single-phase meter such as the SDM120. */
export function singlePhaseMeter(o: MeterOptions): Record<string, Signal> {
  const pf = powerFactor(o.load, o.ratedW);
  const line = phase(o.seed, '', o.load, 1, o.ratedW, pf);
  return {
    voltage: line.voltage,
    current: line.current,
    power: line.power,
    apparent_power: line.apparent,
    reactive_power: line.reactive,
    power_factor: pf,
    frequency: o.frequency,
    ...energy(o),
  };
}

/** The metrics of a three-phase meter such as the SDM630: an unbalanced split of the load over l1–l3. */
export function threePhaseMeter(o: MeterOptions): Record<string, Signal> {
  const pf = powerFactor(o.load, o.ratedW);
  const skew = (deriveSeed(o.seed, 'imbalance') / 4294967296 - 0.5) * 0.08;
  const shares = [1 / 3 + skew, 1 / 3 - skew / 2, 1 / 3 - skew / 2];
  const lines = shares.map((share, i) => phase(o.seed, `.l${i + 1}`, o.load, share, o.ratedW, pf));
  const signals: Record<string, Signal> = { frequency: o.frequency, power_factor: pf, ...energy(o) };
  lines.forEach((line, i) => {
    signals[`voltage.l${i + 1}`] = line.voltage;
    signals[`current.l${i + 1}`] = line.current;
    signals[`power.l${i + 1}`] = line.power;
  });
  signals.power = sum(...lines.map((line) => line.power));
  return signals;
}
