import { describe, expect, it } from 'vitest';
import type { Summary } from '../model/summary.js';
import { alertPayload, alertTopic } from './alert-message.js';
import { MemoryOutbox } from './memory-outbox.js';
import { outboxDrafts } from './outbox-drafts.js';
import { decimalsOf } from './sensor-resolution.js';
import { compactSummaryMessages, expandCompact, type CompactSummaries } from './summary-message-v2.js';

const START = 1_700_000_000_000;
function summary(device: string, metric: string, over: Partial<Summary> = {}): Summary {
  return { device, metric, unit: 'W', start: START, end: START + 60_000, count: 60, min: 229.14656066894531, max: 230.83662414550781, mean: 230.07643159713044, last: 229.76540872934012, stddev: 0.28226441502507577, firstTs: START, lastTs: START + 59_000, maxScore: null, ...over };
}

/** The tick loop's path: drafts into an outbox, rows back out in seq order. */
function rowsOf(summaries: Summary[], alerts = 0) {
  const outbox = new MemoryOutbox();
  for (let i = 0; i < alerts; i++) outbox.enqueue((seq) => ({ topic: alertTopic('n', 'dev-a'), payload: alertPayload({ device: 'dev-a', kind: 'threshold', state: 'raised', message: 'hot', ts: START } as never, seq) }));
  for (const draft of outboxDrafts('n', summaries, [])) outbox.enqueue((seq) => ({ topic: draft.topic, payload: Buffer.from(draft.build(seq)) }));
  return outbox.outboxAfter(0, 1000);
}

describe('JSON v2 summaries', () => {
  it('sends one message per device and window with every series, times once and a seq per entry', () => {
    const rows = rowsOf([summary('dev/a', 'voltage.l1'), summary('dev-b', 'power'), summary('dev/a', 'voltage.l2')]);
    const messages = compactSummaryMessages(rows);
    expect(messages.map((m) => [m.topic, m.seqs])).toEqual([
      ['outpost/n/summary/dev-b', [1]],
      ['outpost/n/summary/dev%2Fa', [2, 3]],
    ]);
    const body = JSON.parse(messages[1]!.payload.toString()) as CompactSummaries;
    expect(body).toMatchObject({ v: 2, q: 2, d: 'dev/a', s: START, e: START + 60_000 });
    expect(body.m.map((m) => m.k)).toEqual(['voltage.l1', 'voltage.l2']);
    expect(expandCompact(body).map((s) => [s.seq, s.metric])).toEqual([[2, 'voltage.l1'], [3, 'voltage.l2']]);
  });

  it('keeps 7 significant digits of a float32 reading and the register resolution of a scaled one', () => {
    const [float] = compactSummaryMessages(rowsOf([summary('d', 'voltage')]));
    expect((JSON.parse(float!.payload.toString()) as CompactSummaries).m[0]).toEqual({ k: 'voltage', u: 'W', n: 60, lo: 229.1466, hi: 230.8366, av: 230.07643, la: 229.7654, sd: 0.28226 });
    const scaled = summary('d', 'temperature', { min: 22.6, max: 23.400000000000002, last: 23.1, mean: 22.987654321, stddev: 0.2345678, maxScore: 0.91234 });
    const [register] = compactSummaryMessages(rowsOf([scaled]));
    expect((JSON.parse(register!.payload.toString()) as CompactSummaries).m[0]).toMatchObject({ lo: 22.6, hi: 23.4, la: 23.1, av: 22.99, sd: 0.23, sc: 0.912 });
  });

  it('leaves alerts as they are and never joins rows across an alert or another window', () => {
    const later = summary('dev-a', 'power', { start: START + 60_000, end: START + 120_000 });
    const messages = compactSummaryMessages(rowsOf([summary('dev-a', 'power'), later], 1));
    expect(messages.map((m) => m.seqs)).toEqual([[1], [2], [3]]);
    expect(messages[0]!.topic).toBe('outpost/n/alert/dev-a');
    expect(JSON.parse(messages[0]!.payload.toString())).toMatchObject({ v: 1, seq: 1, kind: 'threshold' });
  });

  it('finds the decimals a reading needs, float noise and exponents included', () => {
    expect([23.400000000000002, 229.14656066894531, 147001.30847044135, 463546, 0.0023050592759114898, 1.5e-9].map(decimalsOf)).toEqual([1, 4, 1, 0, 9, 10]);
  });
});
