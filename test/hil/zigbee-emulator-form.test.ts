import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Controller, setLogger } from 'zigbee-herdsman';
import { ZnpEmulator } from '../../drivers/zigbee/emulator/znp-emulator.js';

const quiet = { debug: () => {}, info: () => {}, warning: () => {}, error: () => {} };

/** The real zigbee-herdsman z-stack adapter against the ZNP emulator over TCP: no mocks above the MT frames. */
describe('zigbee-herdsman against the ZNP coordinator emulator', () => {
  const emulator = new ZnpEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'outpost-zb-form-'));
  const network = { panID: 0x2000 + (randomBytes(1)[0] ?? 0), extendedPanID: [...randomBytes(8)], networkKey: [...randomBytes(16)], channelList: [20] };

  const controller = (): Controller =>
    new Controller({
      network,
      serialPort: { path: emulator.path, adapter: 'zstack' },
      databasePath: join(dir, 'database.db'),
      databaseBackupPath: join(dir, 'database.db.backup'),
      backupPath: join(dir, 'coordinator_backup.json'),
      adapter: { disableLED: false },
      acceptJoiningDeviceHandler: async () => true,
    });

  beforeAll(async () => {
    setLogger(quiet);
    await emulator.start();
  });

  afterAll(async () => {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('forms a network with the given channel, PAN ID, extended PAN ID and key, and backs it up', async () => {
    const c = controller();
    expect(await c.start()).toBe('reset');
    const params = await c.getNetworkParameters();
    await c.stop();
    expect(params.panID).toBe(network.panID);
    expect(params.channel).toBe(20);
    expect(params.extendedPanID).toBe(`0x${Buffer.from(network.extendedPanID).toString('hex')}`);
    expect(emulator.coordinator.nv.formed()?.networkKey).toEqual(Buffer.from(network.networkKey));
    const backup = JSON.parse(readFileSync(join(dir, 'coordinator_backup.json'), 'utf8')) as { network_key: { key: string }; pan_id: string };
    expect(backup.network_key.key).toBe(Buffer.from(network.networkKey).toString('hex'));
    expect(existsSync(join(dir, 'database.db'))).toBe(true);
  }, 30_000);

  it('resumes the same network on the next start instead of forming a new one', async () => {
    const c = controller();
    expect(await c.start()).toBe('resumed');
    expect((await c.getNetworkParameters()).panID).toBe(network.panID);
    await c.stop();
  }, 30_000);

  it('resumes after the coordinator power-cycles, since the network lives in its NV memory', async () => {
    emulator.reboot();
    const c = controller();
    expect(await c.start()).toBe('resumed');
    expect(emulator.coordinator.formedNetwork()?.panId).toBe(network.panID);
    await c.stop();
  }, 30_000);
});
