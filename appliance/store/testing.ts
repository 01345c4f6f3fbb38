/** Builders shared by the store's tests and its crash-test child process. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reading } from '../../drivers/types.js';
import type { Summary } from '../model/summary.js';
import type { OutboxDraft } from './outbox.js';
import type { TickCommit } from './tick-writer.js';

/** A fresh folder for a database file, and a function that removes it. */
export function tempDir(): { dir: string; path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-store-'));
  return { dir, path: join(dir, 'outpost.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function tick(parts: Partial<TickCommit> = {}): TickCommit {
  return { readings: [], summaries: [], alerts: [], drops: {}, outbox: [], devices: [], ...parts };
}

export function reading(device: string, metric: string, ts: number, value = ts / 1000): Reading {
  return { device, metric, unit: metric === 'temperature' ? '°C' : 'W', value, ts, quality: 'good' };
}

export function summary(device: string, metric: string, start: number, end = start + 60_000): Summary {
  return {
    device,
    metric,
    unit: 'W',
    start,
    end,
    count: 60,
    min: 1,
    max: 3,
    mean: 2,
    last: 2.5,
    stddev: 0.5,
    firstTs: start,
    lastTs: end - 1,
    maxScore: null,
  };
}

/** A message whose payload names its own seq, as the uplink's messages do. */
export function message(topic: string, body = 'x'): OutboxDraft {
  return { topic, qos: 1, build: (seq) => `${body}#${seq}` };
}
