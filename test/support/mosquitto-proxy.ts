import net from 'node:net';

/**
 * A TCP proxy in front of a test broker, for the network faults a broker cannot simulate itself:
 * a connection that dies without a DISCONNECT, and acknowledgements that are late.
 */
export interface BrokerProxy {
  url: string;
  port: number;
  /** Client connections accepted so far (each reconnect attempt is one). */
  readonly connections: number;
  /** Resets every proxied connection on both sides, as a pulled cable or a NAT timeout would. */
  cut(): void;
  /** Keeps everything the broker sends (CONNACK, PUBACK, …) from reaching clients until released. */
  holdReplies(): void;
  releaseReplies(): void;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  held: Buffer[];
}

export async function startBrokerProxy(brokerPort: number): Promise<BrokerProxy> {
  const pairs = new Set<Pair>();
  let holding = false;
  let connections = 0;
  const server = net.createServer((client) => {
    connections++;
    const upstream = net.connect(brokerPort, '127.0.0.1');
    const pair: Pair = { client, upstream, held: [] };
    pairs.add(pair);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => (holding ? pair.held.push(chunk) : client.write(chunk)));
    const drop = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('close', drop);
      socket.on('error', drop);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  const cut = (): void => {
    for (const pair of pairs) {
      pairs.delete(pair);
      pair.client.resetAndDestroy();
      pair.upstream.resetAndDestroy();
    }
  };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    cut,
    holdReplies: () => {
      holding = true;
    },
    releaseReplies: () => {
      holding = false;
      for (const pair of pairs) {
        for (const chunk of pair.held.splice(0)) pair.client.write(chunk);
      }
    },
    close: async () => {
      cut();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
