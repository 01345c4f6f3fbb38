import type { Alert } from '../model/alert.js';
import { topicSegment } from './summary-message.js';

/** `outpost/<nodeId>/alert/<device>`: raised and cleared alerts. */
export function alertTopic(nodeId: string, device: string): string {
  return `outpost/${topicSegment(nodeId)}/alert/${topicSegment(device)}`;
}

/** The alert as JSON, carrying its outbox seq like summaries so consumers can dedupe. */
export function alertPayload(alert: Alert, seq: number): Buffer {
  return Buffer.from(JSON.stringify({ v: 1, seq, ...alert }));
}
