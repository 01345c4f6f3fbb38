import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { PulseTotals } from './pulse-totals.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function capture() {
  const lines: { msg: string; level: number }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { msg: string; level: number });
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

describe('pulse totals file', () => {
  it('saves at stop and loads at the next start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-totals-'));
    dirs.push(dir);
    const path = join(dir, 'gpio-pulse-totals.json');
    const first = new PulseTotals({ path, flushMs: 60_000, log: capture().log });
    first.start();
    first.set('gpio:5:meter', 1234);
    first.stop();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ 'gpio:5:meter': 1234 });
    const second = new PulseTotals({ path, flushMs: 60_000, log: capture().log });
    second.start();
    expect(second.get('gpio:5:meter')).toBe(1234);
    second.stop();
  });

  it('a garbled file is logged and totals restart from 0 instead of crashing the driver', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-totals-'));
    dirs.push(dir);
    const path = join(dir, 'gpio-pulse-totals.json');
    writeFileSync(path, '{"gpio:5:meter": 12');
    const { log, lines } = capture();
    const totals = new PulseTotals({ path, flushMs: 60_000, log });
    totals.start();
    expect(totals.get('gpio:5:meter')).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.find((l) => l.msg.includes('pulse totals file unreadable'))?.level).toBe(50);
    totals.stop();
  });
});
