import type { Summary } from '../model/summary.js';

/**
 * Version of the JSON summary payload (`v` field). Bump it on any change a consumer could notice
 * (a renamed or removed field, a changed unit); adding a field does not need a bump.
 */
export const SUMMARY_SCHEMA_VERSION = 1;

/** The JSON published for one window of one device×metric. Times are ms since the Unix epoch. */
export type SummaryPayload = Omit<Summary, 'firstTs' | 'lastTs'> & {
  v: typeof SUMMARY_SCHEMA_VERSION;
  /** Outbox sequence number: QoS 1 is at-least-once, so consumers dedupe on it. */
  seq: number;
};

export interface SummaryMessage {
  topic: string;
  payload: Buffer;
}

/**
 * Makes one topic level out of an arbitrary id such as `modbus:tcp/127.0.0.1:5020/1`.
 * Only the characters MQTT gives a meaning to (`/` level separator, `+` and `#` wildcards) and `%`
 * itself are percent-encoded, so the level stays readable and `decodeURIComponent(level)` gives the
 * original id back exactly (every other character, `:` included, passes through it unchanged).
 */
export function topicSegment(id: string): string {
  return id.replace(/[/+#%]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `outpost/<nodeId>/summary/<device>/<metric>`, each id made a single topic level. */
export function summaryTopic(nodeId: string, device: string, metric: string): string {
  return `outpost/${topicSegment(nodeId)}/summary/${topicSegment(device)}/${topicSegment(metric)}`;
}

export function summaryMessage(nodeId: string, summary: Summary, seq: number): SummaryMessage {
  const body: SummaryPayload = {
    v: SUMMARY_SCHEMA_VERSION,
    seq,
    device: summary.device,
    metric: summary.metric,
    unit: summary.unit,
    start: summary.start,
    end: summary.end,
    count: summary.count,
    min: summary.min,
    max: summary.max,
    mean: summary.mean,
    last: summary.last,
    stddev: summary.stddev,
    maxScore: summary.maxScore,
  };
  return {
    topic: summaryTopic(nodeId, summary.device, summary.metric),
    payload: Buffer.from(JSON.stringify(body)),
  };
}
