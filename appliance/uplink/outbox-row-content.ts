import type { Alert } from '../model/alert.js';
import type { OutboxRow } from './outbox-source.js';
import type { SummaryPayload } from './summary-message.js';

export type RowContent = { kind: 'summary'; summary: SummaryPayload } | { kind: 'alert'; alert: Alert };

/**
 * What an outbox row holds. The outbox keeps the JSON messages (`outpost/<node>/summary|alert/…`) once;
 * uplinks in other formats (Sparkplug) re-encode them when they send. Undefined for a row that is neither.
 */
export function rowContent(row: OutboxRow): RowContent | undefined {
  const kind = row.topic.split('/')[2];
  let body: unknown;
  try {
    body = JSON.parse(row.payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || typeof (body as { device?: unknown }).device !== 'string') return undefined;
  if (kind === 'summary' && typeof (body as { end?: unknown }).end === 'number') return { kind, summary: body as SummaryPayload };
  if (kind === 'alert' && typeof (body as { kind?: unknown }).kind === 'string') return { kind, alert: body as Alert };
  return undefined;
}
