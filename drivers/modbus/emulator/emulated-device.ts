import type { ModbusProfile } from '../profile.js';

/** One emulated Modbus unit: a profile gives its register map and the world gives its values. */
export interface EmulatedModbusDevice {
  unitId: number;
  profile: ModbusProfile;
  /** Current value of a profile point's metric, in the point's unit (the world drives it). */
  read(metric: string, nowMs: number): number;
}

/**
 * A misbehaviour injected on one unit, as field devices show it:
 * - `timeout`: the unit stays silent (unpowered, wrong address, broken wire);
 * - `exception`: every request gets this exception code (e.g. 4 server device failure, 6 busy);
 * - `bad-crc`: on RTU the reply carries a corrupted CRC (line noise); on TCP, which has no CRC, the reply
 *   loses its last byte so the client sees a response shorter than the request asked for;
 * - `value`: the point of `metric` serves this raw register value (before the point's scale), such as an
 *   out-of-range 9999 or NaN for a float32, whatever the world says.
 */
export type ModbusFault =
  | { kind: 'timeout' }
  | { kind: 'exception'; code: number }
  | { kind: 'bad-crc' }
  | { kind: 'value'; metric: string; value: number };
