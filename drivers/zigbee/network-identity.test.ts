import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OutpostError } from '../types.js';
import { generateIdentity, loadOrCreateIdentity } from './network-identity.js';

describe('Zigbee network identity', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-zb-id-'));
  afterEach(() => rmSync(join(dir, 'network.json'), { force: true }));

  it('differs between boxes: PAN ID, extended PAN ID and key are random', () => {
    const a = generateIdentity();
    const b = generateIdentity();
    expect(a.networkKey).not.toEqual(b.networkKey);
    expect(a.extendedPanId).not.toEqual(b.extendedPanId);
    expect(a.networkKey).toHaveLength(16);
    expect([11, 15, 20, 25]).toContain(a.channel);
    expect(generateIdentity(26).channel).toBe(26);
  });

  it('is created once, kept private, and read back unchanged on later starts', async () => {
    const path = join(dir, 'network.json');
    const first = await loadOrCreateIdentity(path);
    expect(statSync(path).mode & 0o077).toBe(0);
    expect(await loadOrCreateIdentity(path)).toEqual(first);
  });

  it('refuses a damaged file with ZIGBEE_NETWORK_FILE_INVALID and leaves it as it was', async () => {
    const path = join(dir, 'network.json');
    writeFileSync(path, '{"channel": 15, "panId": 4');
    await expect(loadOrCreateIdentity(path)).rejects.toMatchObject({ code: 'ZIGBEE_NETWORK_FILE_INVALID' });
    writeFileSync(path, JSON.stringify({ channel: 15, panId: 42, extendedPanId: [1, 2], networkKey: [] }));
    await expect(loadOrCreateIdentity(path)).rejects.toBeInstanceOf(OutpostError);
    expect(readFileSync(path, 'utf8')).toContain('"panId":42');
  });
});
