import type { OutboxMessage } from './outbox-drain.js';
import type { OutboxRow } from './outbox-source.js';
import { rowContent } from './outbox-row-content.js';
import { roundTo, windowDecimals } from './sensor-resolution.js';
import type { SummaryPayload } from './summary-message.js';

export const COMPACT_SUMMARY_VERSION = 2;

/** One device×metric of a window in JSON v2; `sc` (the worst anomaly score) only once a detector scored it. */
export interface CompactEntry {
  k: string;
  u: string;
  n: number;
  lo: number;
  hi: number;
  av: number;
  la: number;
  sd: number;
  sc?: number;
}

/**
 * JSON v2: one message per device and window, on `outpost/<node>/summary/<device>`, carrying every series
 * of that device in the window with the window's times once. `q` is the outbox seq of the first entry;
 * entry i has seq `q + i` (consumers dedupe per entry on it).
 */
export interface CompactSummaries {
  v: typeof COMPACT_SUMMARY_VERSION;
  q: number;
  d: string;
  s: number;
  e: number;
  m: CompactEntry[];
}

/** A summary as a consumer sees it once decoded, whichever version carried it. */
export type SummaryEntry = Omit<SummaryPayload, 'v'>;

/**
 * The v1 rows of the outbox as v2 messages: consecutive summary rows of one device and window (the tick
 * loop commits a device's series together) become one message; alerts and rows that are not summaries go
 * out as they are. Every row is in exactly one message.
 */
export function compactSummaryMessages(rows: readonly OutboxRow[]): OutboxMessage[] {
  const out: OutboxMessage[] = [];
  let open: { body: CompactSummaries; topic: string; seqs: number[]; qos: 0 | 1 } | undefined;
  const close = (): void => {
    if (!open) return;
    const { body, topic, seqs, qos } = open;
    out.push({ seq: body.q, seqs, topic, qos, payload: Buffer.from(JSON.stringify(body)) });
    open = undefined;
  };
  for (const row of rows) {
    const content = rowContent(row);
    if (content?.kind !== 'summary') {
      close();
      out.push({ ...row, seqs: [row.seq] });
      continue;
    }
    const s = content.summary;
    const joins = open && open.body.d === s.device && open.body.s === s.start && open.body.e === s.end && open.seqs.at(-1) === row.seq - 1;
    if (!joins) {
      close();
      // The v1 topic less its metric level: `outpost/<node>/summary/<device>`.
      open = { body: { v: COMPACT_SUMMARY_VERSION, q: row.seq, d: s.device, s: s.start, e: s.end, m: [] }, topic: row.topic.slice(0, row.topic.lastIndexOf('/')), seqs: [], qos: row.qos };
    }
    open?.body.m.push(compactEntry(s));
    open?.seqs.push(row.seq);
  }
  close();
  return out;
}

/**
 * Numbers at the sensor's resolution (see `windowDecimals`): min, max and last at it, mean and stddev one
 * decimal finer, since an average of many readings resolves more than one reading does.
 */
export function compactEntry(s: SummaryEntry): CompactEntry {
  const d = windowDecimals([s.min, s.max, s.last]);
  return {
    k: s.metric,
    u: s.unit,
    n: s.count,
    lo: roundTo(s.min, d),
    hi: roundTo(s.max, d),
    av: roundTo(s.mean, d + 1),
    la: roundTo(s.last, d),
    sd: roundTo(s.stddev, d + 1),
    ...(s.maxScore === null ? {} : { sc: roundTo(s.maxScore, 3) }),
  };
}

/** A v2 message back as one summary per entry, each with its own seq. */
export function expandCompact(body: CompactSummaries): SummaryEntry[] {
  return body.m.map((m, i) => ({
    seq: body.q + i,
    device: body.d,
    metric: m.k,
    unit: m.u,
    start: body.s,
    end: body.e,
    count: m.n,
    min: m.lo,
    max: m.hi,
    mean: m.av,
    last: m.la,
    stddev: m.sd,
    maxScore: m.sc ?? null,
  }));
}
