import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../appliance/log.js';
import { xyMd02 } from '../profiles/xy-md02.js';
import { ModbusTcpServer } from './tcp-server.js';
import { UnitHost } from './unit-host.js';

/** MBAP frame: transaction id, protocol 0, length, unit id, PDU. */
function mbap(transactionId: number, unitId: number, pdu: number[]): Buffer {
  const frame = Buffer.alloc(7 + pdu.length);
  frame.writeUInt16BE(transactionId, 0);
  frame.writeUInt16BE(pdu.length + 1, 4);
  frame[6] = unitId;
  Buffer.from(pdu).copy(frame, 7);
  return frame;
}

/** Collects bytes from the socket until `length` have arrived. */
function receive(socket: Socket, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= length) {
        socket.off('data', onData);
        resolve(received);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

const readTemperature = [4, 0, 1, 0, 1];
let server: ModbusTcpServer | undefined;
let socket: Socket | undefined;

afterEach(async () => {
  socket?.destroy();
  await server?.stop();
});

async function open(units: UnitHost): Promise<Socket> {
  server = new ModbusTcpServer({ host: '127.0.0.1', port: 0, units, log: silentLogger() });
  await server.start();
  const client = connect(server.port, '127.0.0.1');
  socket = client;
  await new Promise((resolve) => client.once('connect', resolve));
  return client;
}

describe('ModbusTcpServer framing', () => {
  const units = () => new UnitHost([{ unitId: 5, profile: xyMd02, read: () => -4.5 }], () => 0);

  it('answers two requests sent in one chunk, echoing each transaction id', async () => {
    const client = await open(units());
    const replies = receive(client, 22);
    client.write(Buffer.concat([mbap(0x1234, 5, readTemperature), mbap(0x1235, 5, readTemperature)]));
    const bytes = await replies;
    expect(bytes.toString('hex')).toBe('123400000005' + '05' + '0402ffd3' + '123500000005' + '05' + '0402ffd3');
  });

  it('answers a request that arrives one byte at a time', async () => {
    const client = await open(units());
    const reply = receive(client, 11);
    for (const byte of mbap(7, 5, readTemperature)) client.write(Buffer.from([byte]));
    expect((await reply).toString('hex')).toBe('000700000005' + '05' + '0402ffd3');
  });

  it('answers exception 0B for a unit it does not host, as a gateway does', async () => {
    const client = await open(units());
    const reply = receive(client, 9);
    client.write(mbap(1, 9, readTemperature));
    expect((await reply).toString('hex')).toBe('000100000003' + '09' + '840b');
  });

  it('sends a reply one byte short for the bad-crc fault', async () => {
    const host = units();
    host.setFault(5, { kind: 'bad-crc' });
    const client = await open(host);
    const reply = receive(client, 10);
    client.write(mbap(2, 5, readTemperature));
    expect((await reply).toString('hex')).toBe('000200000004' + '05' + '0402ff');
  });

  it('closes a connection whose header is not Modbus', async () => {
    const client = await open(units());
    const closed = new Promise((resolve) => client.once('close', resolve));
    client.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await closed;
  });
});
