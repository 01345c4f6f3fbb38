import type { Reading } from '../../drivers/types.js';
import type { Alert } from '../model/alert.js';
import { topicSegment } from '../uplink/summary-message.js';

/** `outpost/<nodeId>/live/reading/<device>/<metric>`: one message per reading, each id one topic level. */
export function liveReadingTopic(nodeId: string, reading: Pick<Reading, 'device' | 'metric'>): string {
  return `outpost/${topicSegment(nodeId)}/live/reading/${topicSegment(reading.device)}/${topicSegment(reading.metric)}`;
}

/** `outpost/<nodeId>/live/alert/<device>`: alerts raised and cleared. */
export function liveAlertTopic(nodeId: string, alert: Pick<Alert, 'device'>): string {
  return `outpost/${topicSegment(nodeId)}/live/alert/${topicSegment(alert.device)}`;
}
