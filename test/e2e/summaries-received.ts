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
