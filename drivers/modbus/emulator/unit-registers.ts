import {
  decodePoint,
  encodePoint,
  wordCount,
  type OutputPoint,
  type RegisterPoint,
  type RegisterTable,
} from '../profile.js';
import type { EmulatedModbusDevice } from './emulated-device.js';
import type { RegisterSpace, WritableTable } from './pdu.js';

type Slot = { point: RegisterPoint; word: number } | { output: OutputPoint };

/** A raw register value served for one metric instead of the world's value. */
export interface ValueOverride {
  metric: string;
  value: number;
}

/**
 * The register map of one emulated unit. Point words are encoded from the world's value at each request;
 * outputs hold what clients wrote. An output declared at a point's address wins, so a written setpoint
 * reads back.
 *
 * Address rule: a range is legal when its first and last address belong to a point or output of the
 * table; unmapped addresses between them read as 0 (meters answer reads that span gaps in their map).
 */
export class UnitRegisters {
  private readonly slots = new Map<RegisterTable, Map<number, Slot>>();
  private readonly written = new Map<OutputPoint, number>();

  constructor(private readonly device: EmulatedModbusDevice) {
    for (const point of device.profile.points) {
      for (let word = 0; word < wordCount(point.type); word++) {
        this.table(point.table).set(point.address + word, { point, word });
      }
    }
    for (const output of device.profile.outputs) this.table(output.table).set(output.address, { output });
  }

  hasMetric(metric: string): boolean {
    return this.device.profile.points.some((point) => point.metric === metric);
  }

  /** The register space as the wire sees it at `nowMs`. */
  at(nowMs: number, override?: ValueOverride): RegisterSpace {
    return {
      read: (table, start, count) => this.read(table, start, count, nowMs, override),
      write: (table, start, values) => this.write(table, start, values),
    };
  }

  /** What clients last wrote, by output name, in the output's unit (bool outputs as 0/1). */
  outputs(): Record<string, number> {
    const result: Record<string, number> = {};
    for (const output of this.device.profile.outputs) {
      const asPoint: RegisterPoint = { ...output, metric: output.name, unit: '' };
      result[output.name] = decodePoint(asPoint, [this.written.get(output) ?? 0]);
    }
    return result;
  }

  private read(
    table: RegisterTable,
    start: number,
    count: number,
    nowMs: number,
    override: ValueOverride | undefined,
  ): number[] | undefined {
    const slots = this.slots.get(table);
    if (!slots?.has(start) || !slots.has(start + count - 1)) return undefined;
    const encoded = new Map<RegisterPoint, number[]>();
    const words: number[] = [];
    for (let address = start; address < start + count; address++) {
      const slot = slots.get(address);
      if (slot === undefined) {
        words.push(0);
      } else if ('output' in slot) {
        words.push(this.written.get(slot.output) ?? 0);
      } else {
        let pointWords = encoded.get(slot.point);
        if (pointWords === undefined) {
          pointWords = this.encode(slot.point, nowMs, override);
          encoded.set(slot.point, pointWords);
        }
        words.push(pointWords[slot.word] ?? 0);
      }
    }
    return words;
  }

  private encode(point: RegisterPoint, nowMs: number, override: ValueOverride | undefined): number[] {
    if (override?.metric === point.metric) {
      return encodePoint({ table: point.table, type: point.type, wordOrder: point.wordOrder }, override.value);
    }
    return encodePoint(point, this.device.read(point.metric, nowMs));
  }

  private write(table: WritableTable, start: number, values: readonly number[]): boolean {
    const slots = this.slots.get(table);
    const isOutput = (address: number) => {
      const slot = slots?.get(address);
      return slot !== undefined && 'output' in slot;
    };
    if (!isOutput(start) || !isOutput(start + values.length - 1)) return false;
    values.forEach((value, i) => {
      const slot = slots?.get(start + i);
      if (slot !== undefined && 'output' in slot) this.written.set(slot.output, value);
    });
    return true;
  }

  private table(table: RegisterTable): Map<number, Slot> {
    let slots = this.slots.get(table);
    if (slots === undefined) {
      slots = new Map();
      this.slots.set(table, slots);
    }
    return slots;
  }
}
