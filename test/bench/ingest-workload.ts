import { gaussian, mulberry32 } from '../../drivers/sim/random.js';
import type { Reading } from '../../drivers/types.js';

export interface IngestWorkload {
  /** One batch per tick, as drivers hand them to the intake between two ticks. */
  ticks: Reading[][];
  /** The wall time each tick runs at: one tick per second after the first batch's readings. */
  tickTimes: number[];
  streams: number;
  readings: number;
}

/** Five streams per energy meter, in the units a Modbus profile delivers them. */
interface MeterState {
  device: string;
  temperature: number;
  power: number;
  voltage: number;
  current: number;
  energy: number;
  /** One meter in five reports power in kW under an alias, so normalise converts for real. */
  kilowatts: boolean;
}

const STREAMS_PER_METER = 5;

/**
 * A factory of energy meters polled at `readingsPerStream` Hz, one tick per second, with values that move
 * like real ones: slow temperature drift, noisy power and current, mains voltage, an ever-rising energy
 * counter. One reading in 10,000 is a NaN (a torn register) so the drop path runs too.
 */
export function ingestWorkload(opts: { streams: number; readingsPerStream: number; ticks: number; startMs: number; seed?: number }): IngestWorkload {
  const random = mulberry32(opts.seed ?? 1);
  const meters: MeterState[] = [];
  for (let i = 0; i < Math.ceil(opts.streams / STREAMS_PER_METER); i++) {
    meters.push({
      device: `modbus:tcp/10.0.${Math.floor(i / 32)}.1:502/${(i % 32) + 1}`,
      temperature: 25 + random() * 40,
      power: 500 + random() * 20_000,
      voltage: 230,
      current: 5 + random() * 30,
      energy: random() * 1e5,
      kilowatts: i % 5 === 0,
    });
  }
  const stepMs = 1000 / opts.readingsPerStream;
  const ticks: Reading[][] = [];
  const tickTimes: number[] = [];
  let count = 0;
  for (let t = 0; t < opts.ticks; t++) {
    const batch: Reading[] = [];
    for (let k = 0; k < opts.readingsPerStream; k++) {
      const ts = opts.startMs + t * 1000 + Math.round(k * stepMs);
      for (const m of meters) {
        m.temperature += 0.01 * gaussian(random);
        m.power = Math.max(0, m.power + 50 * gaussian(random));
        m.current = Math.max(0, m.current + 0.1 * gaussian(random));
        m.energy += (m.power * stepMs) / 3_600_000_000;
        const voltage = m.voltage + 1.5 * gaussian(random);
        const power = m.kilowatts ? { metric: 'active_power', unit: 'kW', value: m.power / 1000 } : { metric: 'power', unit: 'W', value: m.power };
        const quality = random() < 0.001 ? 'uncertain' : 'good';
        batch.push(
          { device: m.device, metric: 'temperature', unit: '°C', value: round(m.temperature, 2), ts, quality },
          { device: m.device, ...power, ts, quality },
          { device: m.device, metric: 'voltage.l1', unit: 'V', value: random() < 0.0001 ? Number.NaN : round(voltage, 1), ts, quality },
          { device: m.device, metric: 'current.l1', unit: 'A', value: round(m.current, 3), ts, quality },
          { device: m.device, metric: 'energy', unit: 'kWh', value: round(m.energy, 3), ts, quality },
        );
      }
    }
    count += batch.length;
    ticks.push(batch);
    tickTimes.push(opts.startMs + (t + 1) * 1000);
  }
  return { ticks, tickTimes, streams: meters.length * STREAMS_PER_METER, readings: count };
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
