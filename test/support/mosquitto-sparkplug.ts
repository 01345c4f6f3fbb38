import type { UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { decodeSparkplug, toNumber } from '../../appliance/uplink/sparkplug-codec.js';
import { recordTopic, type RecordingSubscriber } from './mosquitto-subscriber.js';

export interface SparkplugMessage {
  topic: string;
  type: string;
  device: string | undefined;
  payload: UPayload;
  seq: number | undefined;
}

export interface SparkplugRecorder {
  sub: RecordingSubscriber;
  /** What edge nodes of the group sent (commands to them left out), decoded with sparkplug-payload, in arrival order. */
  decoded(): SparkplugMessage[];
  ofType(type: string): SparkplugMessage[];
}

/** A host-like subscriber that decodes every Sparkplug message of one group. */
export async function recordSparkplug(url: string, groupId: string): Promise<SparkplugRecorder> {
  const sub = await recordTopic(url, `spBv1.0/${groupId}/#`);
  const decoded = (): SparkplugMessage[] =>
    sub.messages.flatMap((m) => {
      const [, , type = '', , device] = m.topic.split('/');
      if (type === 'NCMD' || type === 'DCMD') return [];
      const payload = decodeSparkplug(m.payload);
      return [{ topic: m.topic, type, device, payload, seq: toNumber(payload.seq) }];
    });
  return { sub, decoded, ofType: (type) => decoded().filter((m) => m.type === type) };
}

export function bdSeqOf(message: SparkplugMessage): number | undefined {
  return toNumber(message.payload.metrics?.find((m) => m.name === 'bdSeq')?.value);
}

/**
 * The Sparkplug B 3.0 rules a host relies on, checked over one edge node's message stream: NBIRTH before
 * anything else of a session and with seq 0; seq +1 (mod 256) over NBIRTH/DBIRTH/NDATA/DDATA; a DBIRTH
 * before a device's data (again after its DDEATH); data by aliases the births declared; NDEATH's bdSeq
 * equal to its NBIRTH's.
 * Returns the violations, empty when the stream is valid.
 */
export function sparkplugViolations(messages: readonly SparkplugMessage[]): string[] {
  const problems: string[] = [];
  let bdSeq: number | undefined;
  let seq: number | undefined;
  let aliases = new Map<string, Set<number>>();
  messages.forEach((m, i) => {
    const where = `#${i} ${m.type}${m.device ? `/${m.device}` : ''}`;
    if (m.type === 'NDEATH') {
      if (bdSeqOf(m) !== bdSeq) problems.push(`${where}: bdSeq ${bdSeqOf(m)} does not match NBIRTH's ${bdSeq}`);
      seq = undefined;
      return;
    }
    if (!['NBIRTH', 'DBIRTH', 'NDATA', 'DDATA', 'DDEATH'].includes(m.type)) return;
    if (m.type === 'NBIRTH') {
      bdSeq = bdSeqOf(m);
      if (bdSeq === undefined) problems.push(`${where}: no bdSeq metric`);
      if (m.seq !== 0) problems.push(`${where}: seq ${m.seq}, expected 0`);
      seq = 0;
      aliases = new Map();
      return;
    }
    if (seq === undefined) {
      problems.push(`${where}: before any NBIRTH of the session`);
      return;
    }
    const expected = (seq + 1) % 256;
    if (m.seq !== expected) problems.push(`${where}: seq ${m.seq}, expected ${expected}`);
    seq = m.seq ?? expected;
    const device = m.device ?? '';
    const metrics = m.payload.metrics ?? [];
    if (m.type === 'DDEATH') {
      aliases.delete(device);
      return;
    }
    if (m.type === 'DBIRTH') {
      aliases.set(device, new Set(metrics.map((x) => toNumber(x.alias) ?? -1)));
      for (const x of metrics) if (!x.name || !x.type) problems.push(`${where}: metric without name or datatype`);
      return;
    }
    const declared = aliases.get(device);
    if (m.type === 'DDATA' && !declared) problems.push(`${where}: data before the device's DBIRTH`);
    for (const x of metrics) {
      const alias = toNumber(x.alias);
      if (m.type === 'DDATA' && (alias === undefined || !declared?.has(alias))) problems.push(`${where}: alias ${alias} not declared in DBIRTH`);
    }
  });
  return problems;
}
