import type { Reading } from '../../drivers/types.js';
import { topicSegment } from './summary-message.js';

export const RAW_SCHEMA_VERSION = 1;

/** One reading forwarded raw: metric, unit, value, ms epoch. */
export interface RawEntry {
  metric: string;
  unit: string;
  value: number;
  ts: number;
}

/**
 * `outpost/<node>/raw/<device>`: readings of one device forwarded as they were taken, for an edge server
 * that needs them in real time. `seq` is the outbox seq, as for summaries: consumers dedupe on it.
 */
export interface RawPayload {
  v: typeof RAW_SCHEMA_VERSION;
  seq: number;
  device: string;
  readings: RawEntry[];
}

export function rawTopic(nodeId: string, device: string): string {
  return `outpost/${topicSegment(nodeId)}/raw/${topicSegment(device)}`;
}

export function rawPayload(device: string, readings: readonly Reading[], seq: number): Buffer {
  const body: RawPayload = { v: RAW_SCHEMA_VERSION, seq, device, readings: readings.map(({ metric, unit, value, ts }) => ({ metric, unit, value, ts })) };
  return Buffer.from(JSON.stringify(body));
}
