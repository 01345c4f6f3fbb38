import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import type { Alert } from '../model/alert.js';
import { Store, type StoreDeps } from './store.js';
import { message, reading, summary, tempDir, tick } from './testing.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = 1_700_000_000_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function openStore(retention: StoreDeps['retention']): Promise<{ store: Store; path: string }> {
  const tmp = tempDir();
  cleanups.push(tmp.remove);
  const store = new Store({ path: tmp.path, log: silentLogger(), now: () => NOW, retention });
  await store.start();
  cleanups.push(() => store.stop());
  return { store, path: tmp.path };
}

/** What the byte budget measures, seen from a second connection. */
function usedBytes(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    const pages = Number(db.pragma('page_count', { simple: true })) - Number(db.pragma('freelist_count', { simple: true }));
    return pages * Number(db.pragma('page_size', { simple: true }));
  } finally {
    db.close();
  }
}

const alert = (state: Alert['state'], ts: number, device = 'gpio:17'): Alert => ({
  device,
  kind: 'offline',
  state,
  message: `${device} ${state}`,
  ts,
});

describe('Store retention', () => {
  it('deletes readings and summaries past their age, and keeps the outbox and open or recent alerts', async () => {
    const { store } = await openStore({ readingsMaxAgeMs: HOUR, summariesMaxAgeMs: DAY, maxBytes: 1e9 });
    const d = 'modbus:tcp/10.0.0.5:502/1';
    store.commitTick(
      tick({
        readings: [reading(d, 'power', NOW - 2 * HOUR), reading(d, 'power', NOW - HOUR / 2)],
        summaries: [summary(d, 'power', NOW - 2 * DAY), summary(d, 'power', NOW - HOUR)],
        alerts: [
          alert('raised', NOW - 3 * DAY, 'gpio:5'), // never cleared: still open
          alert('raised', NOW - 3 * DAY),
          alert('cleared', NOW - 2 * DAY),
          alert('raised', NOW - HOUR),
        ],
        outbox: [message('old')],
      }),
    );

    expect(store.enforceRetention()).toEqual({ readingsDeleted: 1, summariesDeleted: 1 });

    expect(store.readings(d, 'power', 0, NOW).map((r) => r.ts)).toEqual([NOW - HOUR / 2]);
    expect(store.summaries({}).map((s) => s.start)).toEqual([NOW - HOUR]);
    expect(store.alerts({}).map((a) => [a.device, a.state, a.ts])).toEqual([
      ['gpio:17', 'raised', NOW - HOUR],
      ['gpio:5', 'raised', NOW - 3 * DAY],
    ]);
    expect(store.outboxStats().depth).toBe(1);
  });

  it('deletes the oldest readings, then summaries, until the used pages fit the byte budget', async () => {
    const maxBytes = 256 * 1024;
    const { store, path } = await openStore({ readingsMaxAgeMs: 100 * DAY, summariesMaxAgeMs: 100 * DAY, maxBytes });
    const devices = ['modbus:tcp/h:502/1', 'modbus:tcp/h:502/2', 'modbus:tcp/h:502/3'];
    const start = NOW - 10 * DAY;
    // 3 streams × 12 000 readings a minute apart ≈ 1 MB of pages.
    for (let batch = 0; batch < 12; batch++) {
      const readings = devices.flatMap((d) =>
        Array.from({ length: 1000 }, (_, i) => reading(d, 'power', start + (batch * 1000 + i) * 60_000)),
      );
      store.commitTick(tick({ readings, summaries: devices.map((d) => summary(d, 'power', start + batch * HOUR)) }));
    }
    store.commitTick(tick({ outbox: [message('keep', 'z'.repeat(1000))] }));
    expect(usedBytes(path)).toBeGreaterThan(3 * maxBytes);

    const { readingsDeleted, summariesDeleted } = store.enforceRetention();

    // Under budget, without emptying the table.
    expect(usedBytes(path)).toBeLessThanOrEqual(maxBytes);
    expect(usedBytes(path)).toBeGreaterThan(maxBytes / 2);
    expect(readingsDeleted).toBeGreaterThan(20_000);
    expect(summariesDeleted).toBe(0);
    expect(store.summaries({})).toHaveLength(36);
    expect(store.outboxStats().depth).toBe(1);
    for (const d of devices) {
      const kept = store.readings(d, 'power', 0, NOW, 100_000);
      // The newest readings survive, and nothing newer than a kept reading was deleted.
      expect(kept.at(-1)?.ts).toBe(start + 11_999 * 60_000);
      expect(kept.length).toBe((start + 12_000 * 60_000 - (kept[0]?.ts ?? 0)) / 60_000);
    }
  });

  it('deletes summaries too once no readings are left', async () => {
    const maxBytes = 64 * 1024;
    const { store, path } = await openStore({ readingsMaxAgeMs: 100 * DAY, summariesMaxAgeMs: 100 * DAY, maxBytes });
    const summaries = Array.from({ length: 3000 }, (_, i) => summary('gpio:4', 'count', NOW - DAY + i * 10_000));
    store.commitTick(tick({ summaries, readings: [reading('gpio:4', 'count', NOW - 2 * DAY)] }));
    expect(usedBytes(path)).toBeGreaterThan(maxBytes);

    const { readingsDeleted, summariesDeleted } = store.enforceRetention();

    expect(readingsDeleted).toBe(1);
    expect(summariesDeleted).toBeGreaterThan(0);
    expect(usedBytes(path)).toBeLessThanOrEqual(maxBytes);
    expect(store.summaries({ limit: 5000 }).at(-1)?.start).toBe(NOW - DAY + 2999 * 10_000);
  });
});
