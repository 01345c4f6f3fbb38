import type { Alert } from '../model/alert.js';
import type { Summary } from '../model/summary.js';
import type { OutboxDraft } from '../store/store.js';
import { alertPayload, alertTopic } from './alert-message.js';
import { summaryMessage, summaryTopic } from './summary-message.js';

/**
 * A tick's messages for the outbox: alerts ahead of summaries, each payload built once its seq is known.
 * Summaries are ordered by window and device (stable, so metrics keep their order), which gives each
 * device's window consecutive seqs: JSON v2 sends them as one message.
 */
export function outboxDrafts(nodeId: string, summaries: readonly Summary[], alerts: readonly Alert[]): OutboxDraft[] {
  const ordered = [...summaries].sort((a, b) => a.end - b.end || (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
  return [
    ...alerts.map((alert) => ({ topic: alertTopic(nodeId, alert.device), qos: 1 as const, build: (seq: number) => alertPayload(alert, seq) })),
    ...ordered.map((summary) => ({
      topic: summaryTopic(nodeId, summary.device, summary.metric),
      qos: 1 as const,
      build: (seq: number) => summaryMessage(nodeId, summary, seq).payload,
    })),
  ];
}
