import { once } from 'node:events';
import { createServer } from 'node:net';

/** A TCP port on loopback that nothing listens on right now, so a server's address is known before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (!address || typeof address !== 'object') throw new Error('no port');
  return address.port;
}
