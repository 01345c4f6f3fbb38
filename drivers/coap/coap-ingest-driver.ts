import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { createServer, type IncomingMessage, type OutgoingMessage, type Server } from 'coap';
import { INGEST_REFUSALS, refuse, refusalOf } from '../ip-common/ingest-errors.js';
import { formatOfContentFormat } from '../ip-common/payload-formats.js';
import { TokenIngestDriver } from '../ip-common/token-ingest-driver.js';
import type { RateLimitConfig, TokenDeviceConfig } from '../ip-common/config-schema.js';
import type { Logger } from '../../appliance/log.js';

const INGEST_PATH = /^\/ingest\/([A-Za-z0-9_.-]{1,64})$/;

/**
 * Devices that POST or PUT readings to `coap://<host>/ingest/<name>?token=<token>` (RFC 7252) as SenML JSON
 * (content format 110), SenML CBOR (112) or JSON (50), confirmable or not. Success is 2.04 Changed; a refusal
 * is the matching 4.xx with the reason as diagnostic payload (RFC 7252 §5.5.2). The `coap` package acks CON
 * requests with the piggybacked response and answers retransmissions from its cache without re-ingesting.
 * The token rides in the URI query because plain CoAP has no header for it; DTLS is not available here.
 */
export class CoapIngestDriver extends TokenIngestDriver {
  readonly protocol = 'coap' as const;
  private server: Server | undefined;
  private socket: dgram.Socket | undefined;

  constructor(private readonly coap: { host: string; port: number; devices: readonly TokenDeviceConfig[]; rateLimit: RateLimitConfig; log: Logger }) {
    super(coap);
  }

  /** Where the server listens (port 0 in the config picks a free one). */
  address(): { host: string; port: number } | undefined {
    const address = this.socket?.address();
    return address ? { host: address.address, port: address.port } : undefined;
  }

  protected async listen(): Promise<void> {
    const socket = dgram.createSocket({ type: isIPv6(this.coap.host) ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.coap.port, this.coap.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const server = createServer({ reuseAddr: false }, (request: IncomingMessage, response: OutgoingMessage) => this.answer(request, response));
    server.on('error', (error: Error) => this.coap.log.error({ err: error, driver: 'coap' }, 'CoAP socket error'));
    server.listen(socket);
    this.socket = socket;
    this.server = server;
    this.coap.log.info({ driver: 'coap', address: this.address(), devices: this.coap.devices.length }, 'CoAP ingest listening');
  }

  protected async unlisten(): Promise<void> {
    const server = this.server;
    const socket = this.socket;
    this.server = undefined;
    this.socket = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private answer(request: IncomingMessage, response: OutgoingMessage): void {
    try {
      if (request.method !== 'POST' && request.method !== 'PUT') {
        response.code = '4.05';
        response.end(`${request.method} is not allowed here: POST or PUT readings to /ingest/<device>?token=<token>`);
        return;
      }
      const url = new URL(request.url, 'coap://device');
      const device = INGEST_PATH.exec(url.pathname)?.[1];
      if (!device) throw refuse('DEVICE_UNKNOWN', `no resource ${url.pathname}: POST readings to /ingest/<device>?token=<token>`);
      const outcome = this.ingest({
        device,
        token: url.searchParams.get('token') ?? undefined,
        format: () => formatOfContentFormat(request.headers['Content-Format'] as string | number | undefined),
        body: request.payload,
      });
      response.code = '2.04';
      response.setOption('Content-Format', 'application/json');
      response.end(JSON.stringify(outcome));
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) this.coap.log.error({ err: error, driver: 'coap' }, 'CoAP request failed');
      response.code = refusal ? INGEST_REFUSALS[refusal.code].coap : '5.00';
      response.end(refusal ? `${refusal.code}: ${refusal.message}` : 'internal error');
    }
  }
}
