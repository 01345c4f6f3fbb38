/**
 * Upstream bytes per hour for the factory scenario in each uplink mode, against the baseline of sending
 * every raw reading as one JSON message (the seed promise: process at the edge, send less; target ≤ 1/50).
 * Byte counts come from the real encoders (summaryMessage, sparkplug-payload) and exact MQTT PUBLISH
 * sizes, so they are deterministic: one run is the median of any number of runs.
 *
 *   node --import tsx test/bench/upstream-bytes.ts [--window 60]
 */
import type { Summary } from '../../appliance/model/summary.js';
import { outboxDrafts } from '../../appliance/uplink/outbox-drafts.js';
import { SparkplugCatalog } from '../../appliance/uplink/sparkplug-catalog.js';
import { dbirthPayload, nbirthPayload, sparkplugTopic, summaryDdata } from '../../appliance/uplink/sparkplug-messages.js';
import { topicSegment } from '../../appliance/uplink/summary-message.js';
import { compactSummaryMessages } from '../../appliance/uplink/summary-message-v2.js';
import { MemoryOutbox } from '../../appliance/uplink/memory-outbox.js';
import { fmt, note, numberFlag, printTable } from './bench-kit.js';
import { factoryHour, publishBytes } from './upstream-workload.js';

const NODE = 'line-1';
const windowSeconds = numberFlag('window', 60);
const hour = factoryHour({ windowSeconds });

let rawBytes = 0;
hour.eachReading((reading) => {
  const topic = `outpost/${topicSegment(NODE)}/reading/${topicSegment(reading.device)}/${topicSegment(reading.metric)}`;
  rawBytes += publishBytes(topic, Buffer.byteLength(JSON.stringify(reading)));
});

// JSON v1 sends each outbox row as stored; v2 combines a device's window, as the uplink does per read.
const outbox = new MemoryOutbox();
const windows = new Map<number, Summary[]>();
for (const s of hour.summaries) windows.set(s.end, [...(windows.get(s.end) ?? []), s]);
let v1Bytes = 0;
let v2Bytes = 0;
let v2Messages = 0;
for (const summaries of windows.values()) {
  const seqs = outboxDrafts(NODE, summaries, []).map((draft) => outbox.enqueue((seq) => ({ topic: draft.topic, payload: Buffer.from(draft.build(seq)) })));
  const rows = outbox.outboxAfter((seqs[0] ?? 1) - 1, seqs.length);
  for (const row of rows) v1Bytes += publishBytes(row.topic, row.payload.length);
  for (const message of compactSummaryMessages(rows)) {
    v2Bytes += publishBytes(message.topic, message.payload.length);
    v2Messages++;
  }
  outbox.ackOutbox(seqs);
}

// Sparkplug: one NBIRTH and a DBIRTH per device per session (counted once: an hour without reconnects), then DDATA.
const id = { groupId: 'plant', edgeNodeId: NODE };
const catalog = new SparkplugCatalog();
for (const s of hour.summaries) catalog.addSummaryMetric(s.device, s.metric, s.unit);
const now = hour.summaries[hour.summaries.length - 1]?.end ?? 0;
let seq = 0;
let births = publishBytes(sparkplugTopic(id, 'NBIRTH'), nbirthPayload(0, seq++, '0.1.0', now).length);
for (const device of catalog.knownDevices()) births += publishBytes(sparkplugTopic(id, 'DBIRTH', device), dbirthPayload(catalog, device, seq++ % 256, now).length);
let ddataBytes = 0;
for (const s of hour.summaries) {
  const payload = summaryDdata(catalog, { v: 1, seq: 0, ...s }, seq++ % 256, s.end + 3000);
  ddataBytes += publishBytes(sparkplugTopic(id, 'DDATA', s.device), payload.length);
}

const row = (mode: string, messages: number, bytes: number): string[] => [mode, fmt(messages), fmt(bytes), fmt(bytes / 1024, 1), `1/${fmt(rawBytes / bytes, 0)}`];
note(`factory scenario: ${hour.devices} devices, ${hour.streams} streams, ${fmt(hour.readings)} readings/h (1 s polls), ${windowSeconds} s windows`);
printTable(`upstream per hour (MQTT PUBLISH bytes, QoS 1)`, ['mode', 'messages/h', 'bytes/h', 'KiB/h', 'vs raw'], [
  row('raw readings, one JSON message each (baseline)', hour.readings, rawBytes),
  row('JSON v1 summaries (one per device×metric)', hour.summaries.length, v1Bytes),
  row('JSON v2 summaries (one per device and window)', v2Messages, v2Bytes),
  row('Sparkplug B DDATA (+ births once)', hour.summaries.length + 1 + catalog.knownDevices().length, ddataBytes + births),
]);
// v1 stays for simple consumers; the target is for the default modes (JSON v2, Sparkplug).
const worst = Math.max(v2Bytes, ddataBytes + births);
note(`target: summaries ≤ 1/50 of raw (JSON v2 and Sparkplug) → ${worst * 50 <= rawBytes ? 'met' : 'NOT met'} (worst of them 1/${fmt(rawBytes / worst, 0)})`);
