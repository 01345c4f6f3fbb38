import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { Store, type StoreDeps } from './store.js';
import { message, tempDir, tick } from './testing.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function openStore(deps: Partial<StoreDeps> & { path: string }): Promise<Store> {
  const store = new Store({ log: silentLogger(), ...deps });
  await store.start();
  cleanups.push(() => store.stop());
  return store;
}

function newPath(): string {
  const tmp = tempDir();
  cleanups.push(tmp.remove);
  return tmp.path;
}

/** A logger whose JSON lines the test can read. */
function capturingLogger(): { log: StoreDeps['log']; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

const text = (rows: { payload: Buffer }[]): string[] => rows.map((r) => r.payload.toString());

describe('Store outbox', () => {
  it('hands messages out in seq order, each payload carrying its own seq, and deletes acked ones', async () => {
    const store = await openStore({ path: newPath() });
    expect(store.commitTick(tick({ outbox: [message('a/1', 'a'), message('a/2', 'b')] })).seqs).toEqual([1, 2]);
    expect(store.commitTick(tick({ outbox: [message('a/3', 'c')] })).seqs).toEqual([3]);

    expect(store.outboxAfter(0, 10)).toEqual([
      { seq: 1, topic: 'a/1', payload: Buffer.from('a#1'), qos: 1 },
      { seq: 2, topic: 'a/2', payload: Buffer.from('b#2'), qos: 1 },
      { seq: 3, topic: 'a/3', payload: Buffer.from('c#3'), qos: 1 },
    ]);
    expect(text(store.outboxAfter(1, 1))).toEqual(['b#2']);

    store.ackOutbox([1, 3, 99]);
    expect(text(store.outboxAfter(0, 10))).toEqual(['b#2']);
    expect(store.outboxStats()).toEqual({ depth: 1, bytes: 3, dropped: 0, oldestSeq: 2 });
  });

  it('drops the oldest messages past the byte budget, counts them and says so in the log', async () => {
    const { log, lines } = capturingLogger();
    const store = await openStore({ path: newPath(), log, outboxMaxBytes: 100 });
    // Each payload is 20 bytes: 'x' * 18 + '#n'.
    for (let i = 0; i < 5; i++) store.commitTick(tick({ outbox: [message('t', 'x'.repeat(18))] }));
    expect(store.outboxStats()).toMatchObject({ depth: 5, bytes: 100, dropped: 0 });

    store.commitTick(tick({ outbox: [message('t', 'x'.repeat(18)), message('t', 'x'.repeat(18))] }));

    expect(store.outboxAfter(0, 10).map((r) => r.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(store.outboxStats()).toEqual({ depth: 5, bytes: 100, dropped: 2, oldestSeq: 3 });
    expect(store.counters()['outbox.dropped']).toBe(2);
    expect(lines.find((l) => l.level === 40)).toMatchObject({ dropped: 2, budgetBytes: 100 });
  });

  it('keeps a single message larger than the whole budget rather than dropping the newest', async () => {
    const store = await openStore({ path: newPath(), outboxMaxBytes: 10 });
    store.commitTick(tick({ outbox: [message('t', 'small')] }));
    store.commitTick(tick({ outbox: [message('t', 'y'.repeat(50))] }));
    expect(store.outboxAfter(0, 10).map((r) => r.seq)).toEqual([2]);
    expect(store.outboxStats().dropped).toBe(1);
  });

  it('never reuses a seq after a restart, even when the outbox was emptied', async () => {
    const path = newPath();
    const first = new Store({ path, log: silentLogger() });
    await first.start();
    first.commitTick(tick({ outbox: [message('t'), message('t'), message('t')] }));
    first.ackOutbox([1, 2, 3]);
    expect(first.outboxStats()).toMatchObject({ depth: 0, oldestSeq: null });
    await first.stop();

    const second = await openStore({ path });
    expect(second.commitTick(tick({ outbox: [message('t')] })).seqs).toEqual([4]);
    expect(text(second.outboxAfter(0, 10))).toEqual(['x#4']);
  });

  it('recounts depth and bytes from the table at start', async () => {
    const path = newPath();
    const first = new Store({ path, log: silentLogger() });
    await first.start();
    first.commitTick(tick({ outbox: [message('t', 'abc'), message('t', 'de')] }));
    await first.stop();

    const second = await openStore({ path });
    expect(second.outboxStats()).toEqual({ depth: 2, bytes: 'abc#1'.length + 'de#2'.length, dropped: 0, oldestSeq: 1 });
  });
});
