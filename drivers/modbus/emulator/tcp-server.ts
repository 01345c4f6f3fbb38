import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Logger } from '../../../appliance/log.js';
import { OutpostError } from '../../types.js';
import { EXCEPTION, exceptionPdu } from './pdu.js';
import type { UnitHost } from './unit-host.js';

const MBAP_LENGTH = 6;
/** The MBAP length field counts the unit id and the PDU, which is at most 253 bytes. */
const MAX_MBAP_PAYLOAD = 254;

/**
 * A Modbus TCP server in front of some units, as a TCP-to-RTU gateway is: requests for a unit it does not
 * host get exception 0B (gateway target failed to respond). Any number of clients; requests are answered in
 * the order they arrive on each connection, echoing the transaction id.
 */
export class ModbusTcpServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private boundPort: number | undefined;

  constructor(private readonly deps: { host: string; port: number; units: UnitHost; log: Logger }) {}

  /** The port listened on, known once started (useful with port 0). */
  get port(): number {
    if (this.boundPort === undefined) {
      throw new OutpostError('EMU_NOT_STARTED', `Modbus TCP emulator on ${this.deps.host}: port asked before start()`);
    }
    return this.boundPort;
  }

  async start(): Promise<void> {
    if (this.server !== undefined) return;
    const server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(
          new OutpostError(
            'EMU_LISTEN_FAILED',
            `Modbus TCP emulator could not listen on ${this.deps.host}:${this.deps.port}: ${error.message}`,
            { host: this.deps.host, port: this.deps.port },
            { cause: error },
          ),
        ),
      );
      server.listen(this.deps.port, this.deps.host, () => resolve());
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    this.deps.log.info({ host: this.deps.host, port: this.boundPort, units: this.deps.units.unitIds() }, 'Modbus TCP emulator listening');
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', (error) => this.deps.log.debug({ err: error }, 'Modbus TCP emulator: client connection error'));
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length > MBAP_LENGTH) {
        const protocolId = pending.readUInt16BE(2);
        const length = pending.readUInt16BE(4);
        if (protocolId !== 0 || length < 2 || length > MAX_MBAP_PAYLOAD) {
          // A stream out of step cannot be resynchronised: drop the connection as devices do.
          this.deps.log.warn({ protocolId, length }, 'Modbus TCP emulator: malformed MBAP header, closing connection');
          socket.destroy();
          return;
        }
        if (pending.length < MBAP_LENGTH + length) return;
        this.respond(socket, pending.subarray(0, MBAP_LENGTH + length));
        pending = pending.subarray(MBAP_LENGTH + length);
      }
    });
  }

  private respond(socket: Socket, frame: Buffer): void {
    const unitId = frame[MBAP_LENGTH] ?? 0;
    const request = frame.subarray(MBAP_LENGTH + 1);
    const units = this.deps.units;
    const answer = units.hosts(unitId)
      ? units.answer(unitId, request)
      : { pdu: exceptionPdu(request[0] ?? 0, EXCEPTION.gatewayTargetFailed), corrupt: false };
    if (answer === undefined) return;
    // TCP has no CRC: a corrupt reply loses its last byte, so its length no longer matches the request.
    const pdu = answer.corrupt ? answer.pdu.subarray(0, -1) : answer.pdu;
    const header = Buffer.alloc(MBAP_LENGTH + 1);
    frame.copy(header, 0, 0, 2);
    header.writeUInt16BE(0, 2);
    header.writeUInt16BE(pdu.length + 1, 4);
    header[MBAP_LENGTH] = unitId;
    socket.write(Buffer.concat([header, pdu]));
  }
}
