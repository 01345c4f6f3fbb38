/**
 * Upstream bytes per hour for the factory scenario in each uplink mode, against the baseline of sending
 * every raw reading as one JSON message (the seed promise: process at the edge, send less; target ≤ 1/50).
 * Byte counts come from the real encoders (summaryMessage, sparkplug-payload) and exact MQTT PUBLISH
 * sizes, so they are deterministic: one run is the median of any number of runs.
 *
 *   node --import tsx test/bench/upstream-bytes.ts [--window 60]
 */
import { outboxDrafts } from '../../appliance/uplink/outbox-drafts.js';
import { SparkplugCatalog } from '../../appliance/uplink/sparkplug-catalog.js';
import { dbirthPayload, nbirthPayload, sparkplugTopic, summaryDdata } from '../../appliance/uplink/sparkplug-messages.js';
import { summaryTopic, topicSegment } from '../../appliance/uplink/summary-message.js';
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

let jsonBytes = 0;
hour.summaries.forEach((summary, i) => {
  const [draft] = outboxDrafts(NODE, [summary], []);
  if (draft) jsonBytes += publishBytes(summaryTopic(NODE, summary.device, summary.metric), Buffer.byteLength(draft.build(i + 1)));
});

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
  row('JSON summaries', hour.summaries.length, jsonBytes),
  row('Sparkplug B DDATA (+ births once)', hour.summaries.length + 1 + catalog.knownDevices().length, ddataBytes + births),
]);
const worst = Math.max(jsonBytes, ddataBytes + births);
note(`target: summaries ≤ 1/50 of raw → ${worst * 50 <= rawBytes ? 'met' : 'NOT met'} (worst mode 1/${fmt(rawBytes / worst, 0)})`);
