import { describe, expect, it } from 'vitest';
import type { Reading } from '../../drivers/types.js';
import { silentLogger } from '../log.js';
import { Pipeline } from '../pipeline/pipeline.js';
import type { TickCommit } from '../store/store.js';
import { Intake } from './intake.js';
import { TickLoop } from './tick-loop.js';

const reading = (ts: number, value = 20): Reading => ({ device: 'modbus:tcp/h:502/1', metric: 'temperature', value, unit: '°C', ts, quality: 'good' });

/** A store whose disk is full for the first `failures` commits, as SQLite reports SQLITE_FULL. */
function storeFullFor(failures: number) {
  const committed: TickCommit[] = [];
  let left = failures;
  return {
    committed,
    commitTick(tick: TickCommit) {
      if (left-- > 0) throw new Error('STORE_FULL: database or disk is full');
      committed.push(tick);
      return { seqs: tick.outbox.map((_, i) => i + 1) };
    },
    unsummarisedReadings: () => [],
  };
}

function loop(store: ReturnType<typeof storeFullFor>, extra: Partial<ConstructorParameters<typeof TickLoop>[0]> = {}) {
  const intake = new Intake(1000);
  let notified = 0;
  const tickLoop = new TickLoop({
    intake,
    pipeline: new Pipeline({ windowMs: 60_000, graceMs: 0 }),
    store,
    outbox: () => [],
    uplink: { notify: () => void notified++ },
    log: silentLogger(),
    tickMs: 60_000,
    retryCapacity: 3,
    now: () => 1_000,
    ...extra,
  });
  return { intake, tickLoop, notified: () => notified };
}

describe('tick loop', () => {
  it('holds a tick the store refused and commits it with the next one, telling the uplink only then', () => {
    const store = storeFullFor(1);
    const { intake, tickLoop, notified } = loop(store);
    intake.readings([reading(100), reading(200)]);
    void tickLoop.tick();
    expect(store.committed).toHaveLength(0);
    expect(notified()).toBe(0);
    intake.readings([reading(300)]);
    void tickLoop.tick();
    expect(store.committed[0]?.readings.map((r) => r.ts)).toEqual([100, 200, 300]);
    expect(notified()).toBe(1);
  });

  it('past its retry capacity drops the oldest held readings and counts them', () => {
    const store = storeFullFor(2);
    const { intake, tickLoop } = loop(store);
    for (const ts of [100, 200, 300]) {
      intake.readings([reading(ts), reading(ts + 1)]);
      void tickLoop.tick();
    }
    expect(store.committed[0]?.readings.map((r) => r.ts)).toEqual([201, 300, 301]);
    expect(store.committed[0]?.drops).toMatchObject({ 'store-unavailable': 3 });
  });

  it('keeps ticking after a tick listener throws while a detector is active', async () => {
    const store = storeFullFor(0);
    const detect = { active: true, score: async (r: readonly Reading[]) => ({ scores: new Float64Array(r.length), alerts: [] }) };
    const { intake, tickLoop } = loop(store, { detect });
    tickLoop.once('tick', () => {
      throw new Error('listener bug');
    });
    intake.readings([reading(100)]);
    await tickLoop.tick();
    intake.readings([reading(200)]);
    await tickLoop.tick();
    expect(store.committed.map((t) => t.readings.map((r) => r.ts))).toEqual([[100], [200]]);
  });
});
