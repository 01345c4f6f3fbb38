import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { Store } from '../store/store.js';
import { message, tempDir, tick } from '../store/testing.js';
import { SharedOutbox } from './shared-outbox.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openStore(path: string): Promise<Store> {
  const store = new Store({ path, log: silentLogger() });
  await store.start();
  return store;
}

const seqs = (rows: { seq: number }[]): number[] => rows.map((r) => r.seq);

describe('SharedOutbox: one outbox, one cursor per uplink', () => {
  it('deletes a row only once every uplink had it acknowledged, and resumes each uplink at its own cursor after a restart', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    let store = await openStore(dir.path);
    store.commitTick(tick({ outbox: Array.from({ length: 10 }, (_, i) => message(`t/${i}`)) }));
    let shared = new SharedOutbox(store);
    const plant = shared.view('sparkplug');
    const cloud = shared.view('cloud');
    expect(seqs(plant.outboxAfter(0, 100))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(seqs(cloud.outboxAfter(0, 3))).toEqual([1, 2, 3]);
    plant.ackOutbox([1, 2, 3, 4, 5, 6]);
    expect(store.outboxStats().depth).toBe(10);
    // Out of order: 3 before 1 and 2 moves nothing until they arrive.
    cloud.ackOutbox([3]);
    expect(store.outboxStats().depth).toBe(10);
    cloud.ackOutbox([1, 2]);
    expect(store.outboxStats()).toMatchObject({ depth: 7, oldestSeq: 4 });

    await store.stop();
    store = await openStore(dir.path);
    cleanups.push(() => store.stop());
    shared = new SharedOutbox(store);
    expect(seqs(shared.view('sparkplug').outboxAfter(0, 100))).toEqual([7, 8, 9, 10]);
    expect(seqs(shared.view('cloud').outboxAfter(0, 100))).toEqual([4, 5, 6, 7, 8, 9, 10]);
  });

  it('does not wait forever for a handed-out row the byte budget evicted before its ack', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const store = new Store({ path: dir.path, log: silentLogger(), outboxMaxBytes: 40 });
    await store.start();
    cleanups.push(() => store.stop());
    const shared = new SharedOutbox(store);
    const only = shared.view('json');
    store.commitTick(tick({ outbox: [message('a', 'x'.repeat(15)), message('b', 'x'.repeat(15))] }));
    expect(seqs(only.outboxAfter(0, 10))).toEqual([1, 2]);
    store.commitTick(tick({ outbox: [message('c', 'x'.repeat(15))] }));
    // Row 1 was evicted while in flight and its publish failed: the drain reads again from 0.
    expect(seqs(only.outboxAfter(0, 10))).toEqual([2, 3]);
    only.ackOutbox([2, 3]);
    expect(store.outboxStats().depth).toBe(0);
    expect(store.outboxCursor('json')).toBe(3);
  });
});
