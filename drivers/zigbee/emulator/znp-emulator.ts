import { createServer, type Server, type Socket } from 'node:net';
import { encodeFrame, FrameDecoder, type FrameFault, type MtFrame } from '../znp-frame.js';
import { ZnpCoordinator } from './znp-coordinator.js';

export interface ZnpEmulatorDeps {
  /** 0 picks a free port; read `port` after start. */
  port?: number;
  host?: string;
  /** Frames from the host that did not decode; the emulator drops them as a chip would. */
  onFault?: (fault: FrameFault) => void;
}

/**
 * A Z-Stack coordinator on a TCP port, as a serial-to-TCP bridge exposes a real dongle. One host at a
 * time; a second connection replaces the first, as a re-opened serial port would.
 */
export class ZnpEmulator {
  readonly coordinator = new ZnpCoordinator();
  private server: Server | undefined;
  private socket: Socket | undefined;
  private boundPort = 0;
  private delayMs = 0;
  private lastSendAt = 0;
  private readonly delayed = new Set<NodeJS.Timeout>();
  private corruptions: Array<'fcs' | 'unknown-command'> = [];

  constructor(private readonly deps: ZnpEmulatorDeps = {}) {}

  get port(): number {
    return this.boundPort;
  }

  get path(): string {
    return `tcp://${this.deps.host ?? '127.0.0.1'}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.deps.port ?? 0, this.deps.host ?? '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.dropConnection();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Fault: the link goes away (USB glitch, bridge restart); NV and the network survive. */
  dropConnection(): void {
    this.coordinator.detach();
    for (const t of this.delayed) clearTimeout(t);
    this.delayed.clear();
    this.socket?.destroy();
    this.socket = undefined;
  }

  /** Fault: the coordinator power-cycles; the host must restart the stack on it. */
  reboot(): void {
    this.dropConnection();
    this.coordinator.reboot();
  }

  /** Fault: every frame to the host waits this long before it goes out (a slow bridge, a busy chip); 0 ends it. Order is kept. */
  delayFrames(ms: number): void {
    this.delayMs = ms;
  }

  /**
   * Fault: the next `count` frames to the host are damaged on the way: `fcs` breaks the checksum,
   * `unknown-command` turns the command id into one Z-Stack never sends. Either way the frame is lost.
   */
  corruptFrames(count: number, how: 'fcs' | 'unknown-command'): void {
    for (let i = 0; i < count; i++) this.corruptions.push(how);
  }

  /** Fault: raw bytes on the wire, e.g. a frame with a broken FCS or an unknown command. */
  injectRaw(data: Buffer): void {
    this.socket?.write(data);
  }

  private send(socket: Socket, frame: MtFrame): void {
    const how = this.corruptions.shift();
    const bytes = encodeFrame(how === 'unknown-command' ? { ...frame, command: 0x7e } : frame);
    if (how === 'fcs') bytes.writeUInt8((bytes.at(-1) ?? 0) ^ 0xff, bytes.length - 1);
    const write = (): void => {
      if (!socket.destroyed) socket.write(bytes);
    };
    if (this.delayMs === 0 && this.delayed.size === 0) return write();
    // Never before a frame queued earlier, so a delay changed mid-run cannot reorder the stream.
    this.lastSendAt = Math.max(Date.now() + this.delayMs, this.lastSendAt);
    const t = setTimeout(() => {
      this.delayed.delete(t);
      write();
    }, this.lastSendAt - Date.now());
    this.delayed.add(t);
  }

  private accept(socket: Socket): void {
    this.dropConnection();
    this.socket = socket;
    socket.setNoDelay(true);
    const decoder = new FrameDecoder();
    this.coordinator.attach((frame) => this.send(socket, frame));
    socket.on('data', (chunk: Buffer) => {
      const { frames, faults } = decoder.push(chunk);
      for (const fault of faults) this.deps.onFault?.(fault);
      for (const frame of frames) this.coordinator.handle(frame);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (this.socket === socket) this.dropConnection();
    });
  }
}
