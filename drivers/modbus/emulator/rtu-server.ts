import { SerialPort } from 'serialport';
import type { Logger } from '../../../appliance/log.js';
import { OutpostError } from '../../types.js';
import { withCrc } from './crc16.js';
import { RtuRequestFramer } from './rtu-framer.js';
import type { UnitHost } from './unit-host.js';

/** An RTU character is 11 bits on the wire (start, 8 data, parity or second stop, stop). */
const BITS_PER_CHAR = 11;
/**
 * A pty delivers bytes with no line timing and a loaded machine delays timers, so the 3.5-character
 * silence of the spec would cut frames in two; the floor keeps them whole. Complete requests never wait
 * for it: they are cut by length.
 */
const MIN_SILENCE_MS = 20;

/**
 * A Modbus RTU slave side for the units of one bus, on a serial path (a pty in tests and demo mode). Like
 * real slaves it ignores frames with a bad CRC, answers only the unit ids it hosts, and applies broadcast
 * (unit 0) writes silently.
 */
export class ModbusRtuServer {
  private port: SerialPort | undefined;
  private silence: NodeJS.Timeout | undefined;
  private readonly framer = new RtuRequestFramer();

  constructor(private readonly deps: { path: string; baudRate: number; units: UnitHost; log: Logger }) {}

  async start(): Promise<void> {
    if (this.port !== undefined) return;
    const { path, baudRate, log } = this.deps;
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((error) =>
        error
          ? reject(new OutpostError('EMU_SERIAL_OPEN', `Modbus RTU emulator could not open ${path}: ${error.message}`, { path }, { cause: error }))
          : resolve(),
      ),
    );
    this.port = port;
    port.on('error', (error) => log.warn({ err: error, path }, 'Modbus RTU emulator: serial port error'));
    port.on('data', (chunk: Buffer) => this.receive(chunk));
    log.info({ path, baudRate, units: this.deps.units.unitIds() }, 'Modbus RTU emulator listening');
  }

  async stop(): Promise<void> {
    const port = this.port;
    if (port === undefined) return;
    this.port = undefined;
    clearTimeout(this.silence);
    port.removeAllListeners('data');
    if (!port.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private receive(chunk: Buffer): void {
    clearTimeout(this.silence);
    this.handle(this.framer.push(chunk));
    if (this.framer.buffered > 0) {
      const charMs = (BITS_PER_CHAR * 1000) / this.deps.baudRate;
      this.silence = setTimeout(() => this.handle(this.framer.flush()), Math.max(MIN_SILENCE_MS, 3.5 * charMs));
    }
  }

  private handle(frames: Buffer[]): void {
    for (const frame of frames) {
      const unitId = frame[0] ?? 0;
      const request = frame.subarray(1, -2);
      if (unitId === 0) {
        this.deps.units.broadcast(request);
        continue;
      }
      const answer = this.deps.units.answer(unitId, request);
      if (answer === undefined) continue;
      const reply = withCrc(Buffer.concat([Buffer.from([unitId]), answer.pdu]));
      if (answer.corrupt) reply[reply.length - 1] = (reply[reply.length - 1] ?? 0) ^ 0xff;
      this.port?.write(reply);
    }
  }
}
