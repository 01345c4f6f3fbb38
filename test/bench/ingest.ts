/**
 * Ingest throughput: readings per second through the real tick loop (intake → pipeline → one store
 * transaction per tick), against bare better-sqlite3 inserting the same rows into the same `readings`
 * table, one transaction per batch, with the same WAL and synchronous=FULL. One JS thread, fresh
 * database files on disk for every run.
 *
 *   node --import tsx test/bench/ingest.ts [--runs 5] [--ticks 65] [--streams 1000] [--per-stream 10]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { Reading } from '../../drivers/types.js';
import { silentLogger } from '../../appliance/log.js';
import { migrate } from '../../appliance/store/migrations.js';
import { Store } from '../../appliance/store/store.js';
import { benchTickLoop } from './bench-tick-loop.js';
import { fmt, median, note, numberFlag, printTable } from './bench-kit.js';
import { ingestWorkload, type IngestWorkload } from './ingest-workload.js';

const TARGET_RATE = 100_000;
const TARGET_RATIO = 0.5;
/** The appliance's defaults (config/schema.ts and main.ts). */
const WINDOW_MS = 60_000;

interface RunResult {
  ms: number;
  /** CPU time of the process over the same ticks: less sensitive than wall time to other load on the machine. */
  cpuMs: number;
  /** Busy time of each tick, to compare with the tick period. */
  tickMs: number[];
  rows: number;
}

async function runOutpost(w: IngestWorkload, dir: string): Promise<RunResult> {
  const path = join(dir, 'outpost.db');
  const log = silentLogger();
  const store = new Store({ path, log });
  await store.start();
  let now = 0;
  const { loop, intake } = benchTickLoop({ store, tickMs: 1000, now: () => now });
  const timer = new TickTimer();
  for (let i = 0; i < w.ticks.length; i++) {
    now = w.tickTimes[i] ?? 0;
    timer.time(() => {
      intake.readings(w.ticks[i] ?? []);
      loop.tick();
    });
  }
  await store.stop();
  return { ...timer.totals(), rows: countRows(path) };
}

async function runBare(w: IngestWorkload, dir: string): Promise<RunResult> {
  const path = join(dir, 'bare.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  migrate(db, path);
  // Stream ids and row tuples are prepared before the clock starts: the baseline is SQLite's best case.
  const batches = db.transaction(() => bareRows(db, w))();
  const insert = db.prepare('INSERT INTO readings (stream_id, ts, value, quality) VALUES (?, ?, ?, ?)');
  const commit = db.transaction((rows: (typeof batches)[number]) => {
    for (const row of rows) insert.run(row[0], row[1], row[2], row[3]);
  });
  const timer = new TickTimer();
  for (const rows of batches) timer.time(() => commit(rows));
  db.close();
  return { ...timer.totals(), rows: countRows(path) };
}

/** Each tick's rows as the store would bind them, NaNs left out as the pipeline drops them. */
function bareRows(db: Database.Database, w: IngestWorkload): (readonly [number, number, number, number])[][] {
  const ids = new Map<string, number>();
  const addStream = db.prepare('INSERT INTO streams (device, metric, unit) VALUES (?, ?, ?) RETURNING id').pluck();
  const idFor = (r: Reading) => {
    const key = `${r.device}|${r.metric}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = addStream.get(r.device, r.metric, r.unit) as number;
      ids.set(key, id);
    }
    return id;
  };
  return w.ticks.map((batch) =>
    batch.filter((r) => Number.isFinite(r.value)).map((r) => [idFor(r), r.ts, r.value, r.quality === 'good' ? 0 : 1] as const),
  );
}

class TickTimer {
  private readonly tickMs: number[] = [];
  private cpuUs = 0;

  time(tick: () => void): void {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    tick();
    this.tickMs.push(performance.now() - t0);
    const used = process.cpuUsage(cpu);
    this.cpuUs += used.user + used.system;
  }

  totals(): Omit<RunResult, 'rows'> {
    return { ms: this.tickMs.reduce((a, b) => a + b, 0), cpuMs: this.cpuUs / 1000, tickMs: this.tickMs };
  }
}

function countRows(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM readings').pluck().get() as number;
  } finally {
    db.close();
  }
}

async function inFreshDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-ingest-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runs = numberFlag('runs', 5);
  const streams = numberFlag('streams', 1000);
  const perStream = numberFlag('per-stream', 10);
  const tickCount = numberFlag('ticks', 65);
  // Aligned to a window so the run closes one full window of summaries (and queues them in the outbox).
  const startMs = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - 3_600_000;
  const w = ingestWorkload({ streams, readingsPerStream: perStream, ticks: tickCount, startMs });
  note(`ingest: ${fmt(w.streams)} streams, ${fmt(w.readings / tickCount)} readings per tick, ${tickCount} ticks (${fmt(w.readings)} readings) per run, ${runs} runs each, node ${process.version}`);

  const warm = { ...w, ticks: w.ticks.slice(0, 5), tickTimes: w.tickTimes.slice(0, 5) };
  await inFreshDir((dir) => runBare(warm, dir));
  await inFreshDir((dir) => runOutpost(warm, dir));

  const outpost: RunResult[] = [];
  const bare: RunResult[] = [];
  for (let r = 0; r < runs; r++) {
    // Interleaved so both see the same background noise.
    bare.push(await inFreshDir((dir) => runBare(w, dir)));
    outpost.push(await inFreshDir((dir) => runOutpost(w, dir)));
  }

  const rate = (result: RunResult) => (w.readings / result.ms) * 1000;
  const cpuRate = (result: RunResult) => (w.readings / result.cpuMs) * 1000;
  const row = (name: string, results: RunResult[]) => {
    const rates = results.map(rate);
    const ticks = results.flatMap((x) => x.tickMs);
    const cells = [fmt(median(rates)), fmt(Math.min(...rates)), fmt(Math.max(...rates)), fmt(median(results.map(cpuRate)))];
    return [name, ...cells, fmt(median(ticks), 1), fmt(Math.max(...ticks), 1), fmt(results[0]?.rows ?? 0)];
  };
  printTable(
    'Ingest throughput (readings/s of wall time, median of runs; per CPU second; tick ms over all ticks of all runs)',
    ['path', 'median/s', 'min/s', 'max/s', 'per cpu-s', 'tick p50 ms', 'tick max ms', 'rows stored'],
    [row('outpost: intake → pipeline → store.commitTick', outpost), row('bare better-sqlite3 INSERT, 1 tx/tick', bare)],
  );
  const outpostRate = median(outpost.map(rate));
  const bareRate = median(bare.map(rate));
  const ratio = outpostRate / bareRate;
  const cpuRatio = median(outpost.map(cpuRate)) / median(bare.map(cpuRate));
  note(`ratio outpost/bare: ${fmt(ratio * 100, 1)}% (target ≥ ${TARGET_RATIO * 100}%); per CPU second: ${fmt(cpuRatio * 100, 1)}%`);
  note(`outpost rate: ${fmt(outpostRate)} readings/s (target ≥ ${fmt(TARGET_RATE)})`);
  const met = outpostRate >= TARGET_RATE && ratio >= TARGET_RATIO;
  note(met ? 'targets met' : 'TARGET MISSED');
}

await main();
