import { SUMMARY_SCHEMA_VERSION, type SummaryPayload } from '../../appliance/uplink/summary-message.js';
import { refuse } from './ingest-errors.js';
import { parseJsonObject } from './json-payload.js';
import { collect, emptyResult, type ParseResult } from './measurement.js';

export interface SummaryParse extends ParseResult {
  /** The gateway's outbox sequence number: QoS 1 may deliver twice, and the receiver drops what it has seen. */
  seq: number;
}

/**
 * One summary a gateway Outpost publishes on `outpost/<gateway>/summary/<device>/<metric>`, as a reading of
 * the gateway's device at the edge server: the window's mean at its end. The device keeps its gateway id,
 * so the edge server sees `mqtt:<gateway>/<device>`.
 */
export function parseOutpostSummary(body: Uint8Array | string): SummaryParse {
  const payload = parseJsonObject(body, 'Outpost summary') as Partial<SummaryPayload>;
  if (payload.v !== SUMMARY_SCHEMA_VERSION) throw refuse('PAYLOAD_INVALID', `summary schema version ${String(payload.v)} is not ${SUMMARY_SCHEMA_VERSION}`);
  const { seq, device, metric, unit, mean, end } = payload;
  if (typeof seq !== 'number' || typeof device !== 'string' || typeof metric !== 'string' || typeof unit !== 'string' || typeof mean !== 'number' || typeof end !== 'number') {
    throw refuse('PAYLOAD_INVALID', 'a summary needs seq, device, metric, unit, mean and end');
  }
  const result = emptyResult();
  collect(result, `${device}/${metric}`, { metric, unit, value: mean, ts: end, source: device });
  return { ...result, seq };
}
