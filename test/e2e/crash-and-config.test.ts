import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { OutpostProcess, runOutpostToExit } from '../support/outpost-process.js';
import { until } from '../support/until.js';

interface SummaryRow {
  device: string;
  metric: string;
  start: number;
  count: number;
  mean: number;
}

const running: OutpostProcess[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) await p.stop();
});

async function outpost(args: string[]): Promise<OutpostProcess> {
  const p = new OutpostProcess(args);
  running.push(p);
  await p.start();
  await p.waitHealthy();
  return p;
}

const key = (s: SummaryRow) => `${s.device}|${s.metric}|${s.start}`;

describe('power cut and bad configuration', () => {
  it('after kill -9 under load, every committed summary is still there and the database is intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-crash-'));
    const args = ['--scenario', 'factory', '--window', '1', '--data', dir];
    const first = await outpost(args);
    const summaries = async (p: OutpostProcess) => (await p.api<SummaryRow[]>('/api/summaries?limit=10000')).body;
    await until('600 summaries committed', async () => (await summaries(first)).length >= 600, 30_000);
    const committed = await summaries(first);
    await first.kill9();

    const db = new Database(join(dir, 'outpost.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    const second = await outpost(args);
    const after = new Map((await summaries(second)).map((s) => [key(s), s]));
    const lost = committed.filter((s) => !after.has(key(s)));
    expect(lost, 'summaries committed before the kill').toEqual([]);
    for (const s of committed.slice(0, 50)) expect(after.get(key(s))).toMatchObject({ count: s.count, mean: s.mean });
  });

  it('refuses a broken config at start with a message naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-config-'));
    const path = join(dir, 'config.json');
    writeFileSync(path, JSON.stringify({ modbus: { devices: [{ name: 'meter', transport: { type: 'tcp', host: '10.0.0.9', port: 502 }, unitId: 1, profile: 'sdm360' }] } }));
    const result = await runOutpostToExit(['run', '--config', path, '--data', dir, '--http', '127.0.0.1:0']);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`${path}: /modbus/devices/0/profile: unknown profile "sdm360"`);
  });
});
