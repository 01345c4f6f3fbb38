import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { Store } from './store.js';
import { tempDir } from './testing.js';

const CHILD = fileURLToPath(new URL('./commit-loop.child.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('Store after kill -9', () => {
  it('reopens intact with every tick the killed process reported committed', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, tmp.path], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const exited = once(child, 'exit');

    // Past a few checkpoints and acks, then kill it wherever it is.
    const deadline = Date.now() + 20_000;
    while (out.split('\n').length <= 300) {
      if (child.exitCode !== null) throw new Error(`child exited early: ${err}`);
      if (Date.now() > deadline) throw new Error(`child too slow: ${out.length} bytes out, stderr: ${err}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    await exited;

    // Only whole lines count: a line cut by the kill is a tick not yet reported.
    const reported = out
      .split('\n')
      .slice(0, -1)
      .map((line) => line.split(' ').map(Number) as [number, number]);
    const [lastTick] = reported.at(-1) ?? [0];

    const store = new Store({ path: tmp.path, log: silentLogger() });
    await store.start();
    cleanups.push(() => store.stop());
    expect(store.integrityCheck()).toBe('ok');
    const seqs = new Set(store.outboxAfter(0, 1_000_000).map((r) => r.seq));
    for (const [n, seq] of reported) {
      expect(store.readings(`modbus:tcp/h:502/${n % 20}`, 'power', n, n + 1), `readings of tick ${n}`).toHaveLength(1);
      // The child acks ticks 1..25 of each fifty at the fiftieth, before reporting it.
      const ackable = n % 50 >= 1 && n % 50 <= 25;
      if (!ackable) expect(seqs.has(seq), `seq ${seq} of tick ${n}`).toBe(true);
      else if (Math.ceil(n / 50) * 50 <= lastTick) expect(seqs.has(seq), `acked seq ${seq}`).toBe(false);
    }
    expect(store.readings('modbus:tcp/h:502/0', 'power', 0, lastTick + 1).length).toBeGreaterThanOrEqual(lastTick);
    expect(store.counters()['drop.nan']).toBeGreaterThanOrEqual(lastTick);
    expect(store.summaries({ limit: 1_000_000 }).length).toBeGreaterThanOrEqual(lastTick);
  });
});
