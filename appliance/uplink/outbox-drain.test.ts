import { describe, expect, it } from 'vitest';
import { until } from '../../test/support/until.js';
import { silentLogger } from '../log.js';
import { MemoryOutbox } from './memory-outbox.js';
import { OutboxDrain } from './outbox-drain.js';
import type { OutboxRow } from './outbox-source.js';

/** A session that holds every row until the test acknowledges or fails it, like a broker that is slow. */
function heldSession() {
  const handed: number[] = [];
  const pending = new Map<number, (err?: Error) => void>();
  return {
    handed,
    publish: (row: OutboxRow, done: (err?: Error) => void) => {
      handed.push(row.seq);
      pending.set(row.seq, done);
    },
    settle(seq: number, err?: Error) {
      const done = pending.get(seq);
      pending.delete(seq);
      done?.(err);
    },
    inFlight: () => [...pending.keys()],
  };
}

function outboxOf(rows: number, topic = 'outpost/n/summary/d/power'): MemoryOutbox {
  const outbox = new MemoryOutbox();
  for (let i = 0; i < rows; i++) outbox.enqueue((seq) => ({ topic, payload: Buffer.from(`{"seq":${seq}}`) }));
  return outbox;
}

describe('OutboxDrain', () => {
  it('keeps at most maxInFlight rows with the session, in seq order, and deletes only acknowledged ones', async () => {
    const outbox = outboxOf(10);
    const session = heldSession();
    const drain = new OutboxDrain({ outbox, publish: session.publish, log: silentLogger(), maxInFlight: 4, ackFlushMs: 5 });
    drain.resume();
    await until('the first window', () => session.handed.length === 4);
    expect(session.handed).toEqual([1, 2, 3, 4]);

    session.settle(1);
    session.settle(2);
    await until('the window to refill', () => session.handed.length === 6);
    expect(session.handed).toEqual([1, 2, 3, 4, 5, 6]);
    await until('the acks to be written', () => outbox.outboxStats().depth === 8);
    expect(outbox.outboxStats().oldestSeq).toBe(3);
    expect(drain.published).toBe(2);
    drain.close();
  });

  it('knows when the broker last acknowledged, and not before the first acknowledgement', async () => {
    const session = heldSession();
    const drain = new OutboxDrain({ outbox: outboxOf(2), publish: session.publish, log: silentLogger() });
    drain.resume();
    await until('both rows handed over', () => session.handed.length === 2);
    session.settle(1, new Error('connection lost'));
    expect(drain.lastPublishAt).toBeUndefined();
    const before = Date.now();
    session.settle(2);
    expect(drain.lastPublishAt).toBeGreaterThanOrEqual(before);
    drain.close();
  });

  it('hands nothing over while paused and picks up new rows on notify', async () => {
    const outbox = outboxOf(0);
    const session = heldSession();
    const drain = new OutboxDrain({ outbox, publish: session.publish, log: silentLogger() });
    drain.resume();
    drain.pause();
    outbox.enqueue((seq) => ({ topic: 't', payload: Buffer.from(String(seq)) }));
    drain.notify();
    drain.resume();
    await until('the row', () => session.handed.length === 1);
    outbox.enqueue((seq) => ({ topic: 't', payload: Buffer.from(String(seq)) }));
    drain.notify();
    await until('the committed row', () => session.handed.length === 2);
    drain.close();
  });

  it('re-sends a row the session failed, after resume, without re-sending rows the session still holds', async () => {
    const outbox = outboxOf(8);
    const session = heldSession();
    const drain = new OutboxDrain({ outbox, publish: session.publish, log: silentLogger(), maxInFlight: 4 });
    drain.resume();
    await until('the first window', () => session.handed.length === 4);
    drain.pause();
    session.settle(2, new Error('Connection closed'));
    session.settle(1);
    drain.resume();
    await until('the failed row again', () => session.handed.length === 6);
    expect(session.handed).toEqual([1, 2, 3, 4, 2, 5]);
    expect(session.inFlight().sort()).toEqual([2, 3, 4, 5]);
    drain.close();
    expect(outbox.outboxStats()).toMatchObject({ depth: 7, oldestSeq: 2 });
  });

  it('drops a row whose topic no broker accepts instead of blocking the rows behind it', async () => {
    const outbox = outboxOf(1, 'outpost/n/summary/+/power');
    outbox.enqueue((seq) => ({ topic: 'outpost/n/ok', payload: Buffer.from(String(seq)) }));
    const session = heldSession();
    const drain = new OutboxDrain({ outbox, publish: session.publish, log: silentLogger() });
    drain.resume();
    await until('the valid row', () => session.handed.length === 1);
    expect(session.handed).toEqual([2]);
    drain.close();
    expect(outbox.outboxStats()).toMatchObject({ depth: 1, oldestSeq: 2 });
  });

  it('sends combined rows as one message and never splits a message at the end of a read', async () => {
    const outbox = new MemoryOutbox();
    for (const group of ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c']) outbox.enqueue(() => ({ topic: `t/${group}`, payload: Buffer.from(group) }));
    const combine = (rows: readonly OutboxRow[]) => {
      const out: (OutboxRow & { seqs: number[] })[] = [];
      for (const row of rows) {
        const last = out.at(-1);
        if (last?.topic === row.topic && last.seqs.at(-1) === row.seq - 1) last.seqs.push(row.seq);
        else out.push({ ...row, seqs: [row.seq] });
      }
      return out;
    };
    const messages: number[][] = [];
    const drain = new OutboxDrain({ outbox, combine, log: silentLogger(), maxInFlight: 4, ackFlushMs: 5, publish: (message, done) => (messages.push([...message.seqs]), done()) });
    drain.resume();
    await until('every row acknowledged', () => outbox.outboxStats().depth === 0);
    expect(messages).toEqual([[1, 2, 3], [4, 5, 6], [7, 8]]);
    expect(drain.published).toBe(8);
    drain.close();
  });
});
