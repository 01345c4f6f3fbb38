import { isBitTable, wordCount, type RegisterPoint, type RegisterTable } from './profile.js';

/** One Modbus read request and the points it serves. */
export interface ReadBlock {
  table: RegisterTable;
  start: number;
  count: number;
  points: { point: RegisterPoint; offset: number }[];
}

export interface PlanLimits {
  /** Registers (or bits) a request may skip between two points rather than start a new request. */
  maxGap: number;
  /** The spec's limit is 125 registers and 2000 bits per read; some devices accept fewer. */
  maxRegisters: number;
  maxBits: number;
}

export const DEFAULT_LIMITS: PlanLimits = { maxGap: 8, maxRegisters: 125, maxBits: 2000 };

/**
 * Groups points into as few read requests as the limits allow: one round trip on a 9600-baud RTU bus
 * costs far more than a few unused registers in the reply.
 */
export function planReads(points: readonly RegisterPoint[], limits: PlanLimits = DEFAULT_LIMITS): ReadBlock[] {
  const byTable = new Map<RegisterTable, RegisterPoint[]>();
  for (const point of points) {
    const list = byTable.get(point.table) ?? [];
    list.push(point);
    byTable.set(point.table, list);
  }
  const blocks: ReadBlock[] = [];
  for (const [table, list] of byTable) {
    const maxCount = isBitTable(table) ? limits.maxBits : limits.maxRegisters;
    list.sort((a, b) => a.address - b.address);
    let block: ReadBlock | undefined;
    for (const point of list) {
      const end = point.address + wordCount(point.type);
      const fits =
        block !== undefined &&
        point.address - (block.start + block.count) <= limits.maxGap &&
        end - block.start <= maxCount;
      if (!fits || block === undefined) {
        block = { table, start: point.address, count: 0, points: [] };
        blocks.push(block);
      }
      block.points.push({ point, offset: point.address - block.start });
      block.count = Math.max(block.count, end - block.start);
    }
  }
  return blocks;
}
