import { SUMMARY_SCHEMA_VERSION } from '../../appliance/uplink/summary-message.js';
import { COMPACT_SUMMARY_VERSION, expandCompact, type CompactSummaries, type SummaryEntry } from '../../appliance/uplink/summary-message-v2.js';
import { refuse } from './ingest-errors.js';
import { isObject, parseJsonObject } from './json-payload.js';
import { collect, emptyResult, type ParseResult } from './measurement.js';

/**
 * The summaries of one message a gateway Outpost publishes on `outpost/<gateway>/summary/…`: JSON v1 (one
 * device×metric) or v2 (a device's window), each with the gateway's outbox seq.
 */
export function parseOutpostSummaries(body: Uint8Array | string): SummaryEntry[] {
  const payload = parseJsonObject(body, 'Outpost summary');
  if (payload.v === COMPACT_SUMMARY_VERSION) return expandCompact(checkedCompact(payload));
  if (payload.v !== SUMMARY_SCHEMA_VERSION) throw refuse('PAYLOAD_INVALID', `summary schema version ${String(payload.v)} is neither 1 nor 2`);
  const { seq, device, metric, unit, mean, end } = payload;
  if (typeof seq !== 'number' || typeof device !== 'string' || typeof metric !== 'string' || typeof unit !== 'string' || typeof mean !== 'number' || typeof end !== 'number') {
    throw refuse('PAYLOAD_INVALID', 'a summary needs seq, device, metric, unit, mean and end');
  }
  return [payload as unknown as SummaryEntry];
}

/**
 * Summaries as readings of the gateway's devices at the edge server: each window's mean at its end. The
 * device keeps its gateway id, so the edge server sees `mqtt:<gateway>/<device>`.
 */
export function summaryReadings(entries: readonly SummaryEntry[]): ParseResult {
  const result = emptyResult();
  for (const { device, metric, unit, mean, end } of entries) collect(result, `${device}/${metric}`, { metric, unit, value: mean, ts: end, source: device });
  return result;
}

function checkedCompact(payload: Record<string, unknown>): CompactSummaries {
  const { q, d, s, e, m } = payload;
  if (typeof q !== 'number' || typeof d !== 'string' || typeof s !== 'number' || typeof e !== 'number' || !Array.isArray(m)) {
    throw refuse('PAYLOAD_INVALID', 'a v2 summary needs q, d, s, e and m');
  }
  m.forEach((entry: unknown, i) => {
    if (!isObject(entry) || typeof entry.k !== 'string' || typeof entry.u !== 'string' || typeof entry.av !== 'number') {
      throw refuse('PAYLOAD_INVALID', `v2 summary entry ${i} needs k, u and av`);
    }
  });
  return payload as unknown as CompactSummaries;
}
