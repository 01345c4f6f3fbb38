import type { DeviceId } from '../../drivers/types.js';
import type { Alert } from '../model/alert.js';
import { SUMMARY_FIELDS, type SparkplugCatalog, type SummaryField } from './sparkplug-catalog.js';
import { encodeSparkplug, SPARKPLUG_NAMESPACE, type SparkplugMetric } from './sparkplug-codec.js';
import type { SummaryPayload } from './summary-message.js';
import { topicSegment } from './summary-message.js';

export type SparkplugMessageType = 'NBIRTH' | 'NDATA' | 'NDEATH' | 'DBIRTH' | 'DDATA' | 'DDEATH' | 'NCMD' | 'DCMD';

export const BD_SEQ = 'bdSeq';
export const REBIRTH = 'Node Control/Rebirth';

export interface EdgeNodeId {
  groupId: string;
  edgeNodeId: string;
}

/**
 * `spBv1.0/<group>/<type>/<edge node>[/<device>]`. Sparkplug ids may not hold `/`, `+` or `#`, which our
 * device ids do (`modbus:tcp/127.0.0.1:5020/1`), so a device id is percent-encoded the way JSON topics are.
 */
export function sparkplugTopic(id: EdgeNodeId, type: SparkplugMessageType, device?: DeviceId): string {
  const base = `${SPARKPLUG_NAMESPACE}/${id.groupId}/${type}/${id.edgeNodeId}`;
  return device === undefined ? base : `${base}/${topicSegment(device)}`;
}

/** The device id a DCMD topic's last level names, or undefined for another edge node's topic. */
export function deviceOfTopic(id: EdgeNodeId, topic: string): DeviceId | undefined {
  const prefix = `${sparkplugTopic(id, 'DCMD')}/`;
  if (!topic.startsWith(prefix)) return undefined;
  try {
    return decodeURIComponent(topic.slice(prefix.length));
  } catch {
    return undefined;
  }
}

/** NDEATH: only the bdSeq, so a host matches it to the NBIRTH of the same session. No seq. */
export function ndeathPayload(bdSeq: number, timestamp: number): Buffer {
  return encodeSparkplug({ timestamp, metrics: [{ name: BD_SEQ, type: 'UInt64', value: bdSeq, timestamp }] });
}

export function nbirthPayload(bdSeq: number, seq: number, version: string, timestamp: number): Buffer {
  return encodeSparkplug({
    timestamp,
    seq,
    metrics: [
      { name: BD_SEQ, type: 'UInt64', value: bdSeq, timestamp },
      { name: REBIRTH, type: 'Boolean', value: false, timestamp },
      { name: 'Properties/Version', type: 'String', value: version, timestamp },
    ],
  });
}

/** DDEATH: the device is offline; it carries the seq, and no metrics. */
export function ddeathPayload(seq: number, timestamp: number): Buffer {
  return encodeSparkplug({ timestamp, seq, metrics: [] });
}

export function dbirthPayload(catalog: SparkplugCatalog, device: DeviceId, seq: number, timestamp: number): Buffer {
  return encodeSparkplug({ timestamp, seq, metrics: catalog.birthMetrics(device, timestamp) });
}

/**
 * One window as DDATA, by alias, stamped with the window's end. A window that reaches the broker late
 * (replayed from the outbox after an outage) is flagged historical, so a host stores it without taking it
 * for the current value.
 */
export function summaryDdata(catalog: SparkplugCatalog, s: SummaryPayload, seq: number, now: number): Buffer {
  const historical = isReplayed(s, now);
  const values: Record<SummaryField, number | null> = {
    mean: s.mean,
    min: s.min,
    max: s.max,
    last: s.last,
    stddev: s.stddev,
    count: s.count,
    anomalyScore: s.maxScore,
  };
  const metrics: SparkplugMetric[] = SUMMARY_FIELDS.map((field) => {
    const v = values[field];
    return {
      alias: catalog.alias(s.device, `${s.metric}/${field}`) ?? 0,
      type: field === 'count' ? 'UInt32' : 'Double',
      timestamp: s.end,
      ...(v === null ? { value: null, isNull: true } : { value: v }),
      ...(historical ? { isHistorical: true } : {}),
    };
  });
  return encodeSparkplug({ timestamp: now, seq, metrics });
}

export function alertDdata(catalog: SparkplugCatalog, alert: Alert, seq: number, now: number): Buffer {
  const metric: SparkplugMetric = {
    alias: catalog.alias(alert.device, `Alerts/${alert.kind}`) ?? 0,
    type: 'Boolean',
    value: alert.state === 'raised',
    timestamp: alert.ts,
    ...(now - alert.ts > 60_000 ? { isHistorical: true } : {}),
  };
  return encodeSparkplug({ timestamp: now, seq, metrics: [metric] });
}

/** A summary normally leaves within seconds of its window closing; one window later (a minute at least), it is history. */
function isReplayed(s: SummaryPayload, now: number): boolean {
  return now - s.end > Math.max(s.end - s.start, 60_000);
}
