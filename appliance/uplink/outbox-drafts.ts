import type { Alert } from '../model/alert.js';
import type { Summary } from '../model/summary.js';
import type { OutboxDraft } from '../store/store.js';
import { alertPayload, alertTopic } from './alert-message.js';
import { summaryMessage, summaryTopic } from './summary-message.js';

/** A tick's messages for the outbox: alerts ahead of summaries, each payload built once its seq is known. */
export function outboxDrafts(nodeId: string, summaries: readonly Summary[], alerts: readonly Alert[]): OutboxDraft[] {
  return [
    ...alerts.map((alert) => ({ topic: alertTopic(nodeId, alert.device), qos: 1 as const, build: (seq: number) => alertPayload(alert, seq) })),
    ...summaries.map((summary) => ({
      topic: summaryTopic(nodeId, summary.device, summary.metric),
      qos: 1 as const,
      build: (seq: number) => summaryMessage(nodeId, summary, seq).payload,
    })),
  ];
}
