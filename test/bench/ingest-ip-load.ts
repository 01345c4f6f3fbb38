/** Load generators for the IP ingest benchmark: each keeps the server busy until `until` and then stops. */
import dgram from 'node:dgram';
import http from 'node:http';
import type { MqttClient } from 'mqtt';
import { BENCH_DEVICES, senmlPack } from './ingest-ip-workload.js';

/** Keep-alive POSTs, `concurrency` in flight, round-robin over the devices. */
export async function httpLoad(port: number, until: () => boolean, concurrency = 32): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const bodies = BENCH_DEVICES.map((d) => ({ path: `/ingest/${d.name}`, token: d.token, body: Buffer.from(senmlPack(d.name)) }));
  let next = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const item = bodies[next++ % bodies.length];
      if (!item) return resolve();
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: item.path, agent, headers: { authorization: `Bearer ${item.token}`, 'content-type': 'application/senml+json', 'content-length': item.body.length } },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end(item.body);
    });
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (!until()) await one();
  }));
  agent.destroy();
}

/**
 * Confirmable CoAP POSTs built by hand (RFC 7252 §3), so the client costs little next to the server:
 * `sockets` ports with `perSocket` requests in flight each, matched to their ACK by token.
 */
export async function coapLoad(port: number, until: () => boolean, sockets = 8, perSocket = 4): Promise<void> {
  const templates = BENCH_DEVICES.map((d) => coapPost(d.name, d.token, Buffer.from(senmlPack(d.name))));
  await Promise.all(Array.from({ length: sockets }, async () => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    let messageId = 0;
    let pending = 0;
    await new Promise<void>((resolve) => {
      const send = (): void => {
        if (until()) {
          if (pending === 0) resolve();
          return;
        }
        const packet = Buffer.from(templates[messageId % templates.length] as Buffer);
        messageId = (messageId + 1) & 0xffff;
        packet.writeUInt16BE(messageId, 2);
        packet.writeUInt32BE(messageId, 4);
        pending += 1;
        socket.send(packet, port, '127.0.0.1');
      };
      socket.on('message', () => {
        pending -= 1;
        send();
      });
      for (let i = 0; i < perSocket; i++) send();
    });
    socket.close();
  }));
}

function coapPost(device: string, token: string, payload: Buffer): Buffer {
  const options: [number, Buffer][] = [
    [11, Buffer.from('ingest')],
    [11, Buffer.from(device)],
    [12, Buffer.from([110])],
    [15, Buffer.from(`token=${token}`)],
  ];
  const parts: Buffer[] = [Buffer.from([0x44, 0x02, 0, 0, 0, 0, 0, 0])]; // ver 1, CON, token length 4; POST
  let previous = 0;
  for (const [number, value] of options) {
    parts.push(optionHeader(number - previous, value.length), value);
    previous = number;
  }
  parts.push(Buffer.from([0xff]), payload);
  return Buffer.concat(parts);
}

function optionHeader(delta: number, length: number): Buffer {
  const nibble = (n: number) => (n < 13 ? n : 13);
  const extra = [delta, length].filter((n) => n >= 13).map((n) => n - 13);
  return Buffer.from([(nibble(delta) << 4) | nibble(length), ...extra]);
}

/** QoS 0 publishes as fast as the broker takes them, at most `window` unflushed. */
export async function mqttLoad(client: MqttClient, until: () => boolean, window = 500): Promise<void> {
  const messages = BENCH_DEVICES.map((d) => ({ topic: d.topic, payload: senmlPack(d.name) }));
  let next = 0;
  let inFlight = 0;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (inFlight < window && !until()) {
        const message = messages[next++ % messages.length];
        if (!message) break;
        inFlight += 1;
        client.publish(message.topic, message.payload, { qos: 0 }, () => {
          inFlight -= 1;
          if (until() && inFlight === 0) resolve();
          else setImmediate(pump);
        });
      }
      if (until() && inFlight === 0) resolve();
    };
    pump();
  });
}
