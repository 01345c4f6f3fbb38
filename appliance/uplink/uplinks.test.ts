import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { MemoryOutbox } from './memory-outbox.js';
import { Uplinks } from './uplinks.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The store's outbox with cursors, in memory: what `Uplinks` reads. */
class CursorMemoryOutbox extends MemoryOutbox {
  private readonly cursors = new Map<string, number>();
  outboxCursor(uplink: string): number {
    return this.cursors.get(uplink) ?? 0;
  }
  advanceOutboxCursor(uplink: string, ackedSeq: number): void {
    this.cursors.set(uplink, ackedSeq);
  }
}

function uplinks(raw: Record<string, unknown>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-uplinks-'));
  dirs.push(dataDir);
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const outbox = new CursorMemoryOutbox();
  const config = parseConfig({ dataDir, ...raw }, 'uplinks test');
  const refuse = async () => {
    throw new Error('not in this test');
  };
  const service = new Uplinks({ config, nodeId: 'n1', dataDir, outbox, log, version: 'test', devices: () => [], streams: () => [], downlink: { config: refuse, command: refuse, model: { accept: refuse }, update: { accept: refuse } } as never });
  return { service, lines, outbox };
}

describe('Uplinks', () => {
  it('refuses JSON v2 with Home Assistant discovery with a code in status and log, and keeps every row', async () => {
    const { service, lines, outbox } = uplinks({
      uplinks: [{ name: 'ha', url: 'mqtt://127.0.0.1:1', jsonVersion: 2, homeAssistant: { enabled: true } }],
    });
    outbox.enqueue(() => ({ topic: 'outpost/n1/summary/d/power', payload: Buffer.from('{}') }));
    await service.start();
    expect(service.status().uplinks.ha).toMatchObject({ state: 'disabled', lastErrorCode: 'UPLINK_HA_NEEDS_V1' });
    expect(lines.some((l) => l.includes('UPLINK_HA_NEEDS_V1'))).toBe(true);
    expect(outbox.outboxStats().depth).toBe(1);
    await service.stop();
  });
});
