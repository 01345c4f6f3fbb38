import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import modbusSerial from 'modbus-serial';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../appliance/config/load.js';
import { until } from '../support/until.js';

const CLI = fileURLToPath(new URL('../../dist/appliance/cli.js', import.meta.url));
const configFile = join(mkdtempSync(join(tmpdir(), 'outpost-emulate-')), 'config.json');
const emulator = spawn(process.execPath, [CLI, 'emulate', '--scenario', 'factory', '--port', '0', '--write-config', configFile], {
  stdio: ['ignore', 'pipe', 'ignore'],
});
let stdout = '';
emulator.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));

afterAll(async () => {
  emulator.kill('SIGTERM');
  await once(emulator, 'exit');
});

describe('outpost emulate', () => {
  it('prints its endpoints, and any Modbus client can read the emulated meters there', async () => {
    // A pipe may deliver the description in several chunks: wait for the line after the Modbus units.
    await until('the Modbus units listed', () => stdout.includes('zigbee coordinator (Z-Stack) at'));
    const endpoint = /bus tcp-energy at tcp:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1];
    expect(stdout).toMatch(/bus rtu-coldstore at rtu:\/\S+@9600/);
    expect(stdout).toMatch(/unit 11 on tcp-energy: .* \(sdm120\)/);
    const client = new modbusSerial.default();
    await client.connectTCP('127.0.0.1', { port: Number(endpoint) });
    client.setID(11);
    client.setTimeout(2000);
    const { buffer } = await client.readInputRegisters(0x0000, 2);
    await new Promise((resolve) => client.close(resolve));
    expect(buffer.readFloatBE(0)).toBeGreaterThan(200);
    expect(buffer.readFloatBE(0)).toBeLessThan(260);
  });

  it('writes a config with which a separate outpost run polls those emulators', async () => {
    await until('the config written', () => stdout.includes(`config for outpost run written to ${configFile}`));
    const config = loadConfigFile(configFile);
    expect(config.modbus.devices.length).toBeGreaterThanOrEqual(28);
    expect(config.modbus.devices.some((d) => d.transport.type === 'rtu')).toBe(true);
  });
});
