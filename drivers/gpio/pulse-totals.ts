import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../../appliance/log.js';
import { writeFileAtomic } from '../../appliance/durable-fs.js';

/**
 * Pulse counter totals kept in one small JSON file in the data directory (`gpio-pulse-totals.json`).
 * Why a file and not the store's counters: a driver reports through its sink only and never holds the
 * store, and the store's counters roll back with a tick. Written atomically (temp, fsync, rename) at most
 * every `flushMs` and at stop, so flash sees one small write per interval; a power cut loses at most the
 * pulses of the last interval, never the total.
 */
export class PulseTotals {
  private totals: Record<string, number> = {};
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { path: string; flushMs: number; log: Logger }) {}

  start(): void {
    if (this.timer) return;
    this.totals = this.load();
    this.timer = setInterval(() => this.flush(), this.deps.flushMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }

  get(key: string): number {
    return this.totals[key] ?? 0;
  }

  set(key: string, total: number): void {
    this.totals[key] = total;
    this.dirty = true;
  }

  flush(): void {
    if (!this.dirty) return;
    const { path } = this.deps;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileAtomic(path, JSON.stringify(this.totals));
      this.dirty = false;
    } catch (error) {
      this.deps.log.error({ err: error, path }, 'pulse totals could not be saved; retrying at the next interval');
    }
  }

  private load(): Record<string, number> {
    let text: string;
    try {
      text = readFileSync(this.deps.path, 'utf8');
    } catch {
      return {};
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
      return Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'number' && Number.isFinite(v) && v >= 0));
    } catch (error) {
      // A torn file cannot come from our rename; keep it for a human and start from zero rather than crash.
      this.deps.log.error({ err: error, path: this.deps.path }, 'pulse totals file unreadable; totals restart from 0');
      return {};
    }
  }
}
