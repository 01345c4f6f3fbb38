import type { DeviceId } from '../../drivers/types.js';
import type { RowContent } from './outbox-row-content.js';
import type { SparkplugCatalog } from './sparkplug-catalog.js';
import * as msg from './sparkplug-messages.js';

export interface OutgoingMessage {
  type: 'DBIRTH' | 'DDATA' | 'DDEATH';
  device: DeviceId;
  payload: Buffer;
}

export interface DeviceSession {
  catalog: SparkplugCatalog;
  /** Devices sent a DDEATH this session; their next data comes after a new DBIRTH. */
  dead: Set<DeviceId>;
  nextSeq: () => number;
}

/**
 * The Sparkplug messages for one outbox row, in publish order: a DBIRTH first when the row brings a metric
 * the host has not seen declared or the device was declared dead, then the DDATA, then a DDEATH when the
 * row raises the device's offline alert (the host marks its metrics stale until the next DBIRTH).
 */
export function rowMessages(session: DeviceSession, content: RowContent, now: number): OutgoingMessage[] {
  const { catalog, dead, nextSeq } = session;
  const device = content.kind === 'summary' ? content.summary.device : content.alert.device;
  const grew = content.kind === 'summary' ? catalog.addSummaryMetric(device, content.summary.metric, content.summary.unit) : catalog.addDevice(device);
  const out: OutgoingMessage[] = [];
  if (dead.delete(device) || grew) out.push({ type: 'DBIRTH', device, payload: msg.dbirthPayload(catalog, device, nextSeq(), now) });
  const ddata =
    content.kind === 'summary' ? msg.summaryDdata(catalog, content.summary, nextSeq(), now) : msg.alertDdata(catalog, content.alert, nextSeq(), now);
  out.push({ type: 'DDATA', device, payload: ddata });
  if (content.kind === 'alert' && content.alert.kind === 'offline' && content.alert.state === 'raised') {
    out.push({ type: 'DDEATH', device, payload: msg.ddeathPayload(nextSeq(), now) });
    dead.add(device);
  }
  return out;
}
