import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../appliance/log.js';
import { PtyPair } from './pty-pair.js';

const opened: SerialPort[] = [];
let pair: PtyPair | undefined;

afterEach(async () => {
  for (const port of opened.splice(0)) await new Promise((resolve) => port.close(resolve));
  await pair?.stop();
});

async function openPort(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  opened.push(port);
  return port;
}

describe('PtyPair', () => {
  it('joins two serial paths that carry bytes both ways, and removes them on stop', async () => {
    pair = new PtyPair({ log: silentLogger() });
    const { devicePath, clientPath } = await pair.start();
    const device = await openPort(devicePath);
    const client = await openPort(clientPath);

    const atDevice = new Promise<Buffer>((resolve) => device.once('data', resolve));
    client.write(Buffer.from([0x01, 0x04]));
    expect([...(await atDevice)]).toEqual([0x01, 0x04]);
    const atClient = new Promise<Buffer>((resolve) => client.once('data', resolve));
    device.write(Buffer.from([0x81, 0x02]));
    expect([...(await atClient)]).toEqual([0x81, 0x02]);

    for (const port of opened.splice(0)) await new Promise((resolve) => port.close(resolve));
    await pair.stop();
    expect(existsSync(dirname(clientPath))).toBe(false);
  });

  it('says socat is missing with EMU_NO_SOCAT', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      pair = new PtyPair({ log: silentLogger() });
      await expect(pair.start()).rejects.toMatchObject({ code: 'EMU_NO_SOCAT' });
    } finally {
      process.env.PATH = path;
    }
  });
});
