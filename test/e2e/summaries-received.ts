import type { SummaryEntry } from '../../appliance/uplink/summary-message-v2.js';
import { parseOutpostSummaries } from '../../drivers/ip-common/outpost-summary.js';
import type { RecordingSubscriber } from '../support/mosquitto-subscriber.js';

/**
 * Every summary a subscriber received, one per JSON v2 entry or v1 message, in arrival order (duplicates
 * included); status and alert messages on the same subscription are left out.
 */
export function summariesReceived(sub: RecordingSubscriber): SummaryEntry[] {
  return sub.messages.filter((m) => m.topic.split('/')[2] === 'summary').flatMap((m) => parseOutpostSummaries(m.payload));
}

/** One outbox row as received: its seq and its content (a summary entry or an alert). */
export interface SequencedMessage {
  seq: number;
  kind: 'summary' | 'alert';
  body: string;
}

/**
 * Every outbox row received, summaries and alerts, in arrival order: the outbox numbers both in one
 * sequence, so seq continuity is checked over them together.
 */
export function outboxRowsReceived(sub: RecordingSubscriber): SequencedMessage[] {
  return sub.messages.flatMap((m): SequencedMessage[] => {
    const kind = m.topic.split('/')[2];
    if (kind === 'summary') return parseOutpostSummaries(m.payload).map((s) => ({ seq: s.seq, kind, body: JSON.stringify(s) }));
    if (kind === 'alert') return [{ seq: (JSON.parse(m.payload.toString()) as { seq: number }).seq, kind, body: m.payload.toString() }];
    return [];
  });
}
