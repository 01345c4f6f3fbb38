import { createConnection, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface GuestResult {
  code: number;
  out: string;
}

/**
 * A client for qemu-guest-agent over the socket QEMU listens on (`-chardev socket,...,name=org.qemu.guest_agent.0`):
 * the test's way to run a command in the booted image, which has no SSH and no login. One connection per
 * command, since the agent goes away and comes back with every guest reboot.
 */
export class GuestAgent {
  constructor(private readonly socketPath: string) {}

  /** Runs `command` with /bin/sh as root in the guest and waits up to `timeoutMs` for it to exit. */
  async exec(command: string, timeoutMs: number): Promise<GuestResult> {
    const session = await AgentSession.open(this.socketPath);
    try {
      const { pid } = (await session.call('guest-exec', { path: '/bin/sh', arg: ['-c', command], 'capture-output': true })) as { pid: number };
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const status = (await session.call('guest-exec-status', { pid })) as { exited: boolean; exitcode?: number; 'out-data'?: string; 'err-data'?: string };
        if (status.exited) {
          const decode = (data?: string) => (data ? Buffer.from(data, 'base64').toString('utf8') : '');
          return { code: status.exitcode ?? -1, out: decode(status['out-data']) + decode(status['err-data']) };
        }
        await sleep(1000);
      }
      throw new Error(`guest command still running after ${timeoutMs} ms: ${command}`);
    } finally {
      session.close();
    }
  }

  /** Whether the agent answers right now (it does once the guest has booted far enough). */
  async answers(): Promise<true | undefined> {
    try {
      const session = await AgentSession.open(this.socketPath);
      session.close();
      return true;
    } catch {
      return undefined;
    }
  }
}

class AgentSession {
  private buffer = '';
  private waiting: ((line: string) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.deliver();
    });
    socket.on('error', () => socket.destroy());
  }

  static async open(path: string): Promise<AgentSession> {
    const socket = createConnection(path);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const session = new AgentSession(socket);
    // guest-sync with a fresh id skips whatever an earlier, abandoned session left in the channel.
    const id = Math.floor(Math.random() * 1e9);
    const deadline = Date.now() + 10_000;
    socket.write(`${JSON.stringify({ execute: 'guest-sync', arguments: { id } })}\n`);
    for (;;) {
      const line = await session.nextLine(deadline);
      if ((JSON.parse(line) as { return?: unknown }).return === id) return session;
    }
  }

  async call(execute: string, args: object): Promise<unknown> {
    this.socket.write(`${JSON.stringify({ execute, arguments: args })}\n`);
    const reply = JSON.parse(await this.nextLine(Date.now() + 30_000)) as { return?: unknown; error?: { desc: string } };
    if (reply.error) throw new Error(`${execute}: ${reply.error.desc}`);
    return reply.return;
  }

  close(): void {
    this.socket.destroy();
  }

  private nextLine(deadline: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        this.socket.destroy();
        reject(new Error('guest agent did not answer'));
      }, Math.max(0, deadline - Date.now()));
      this.waiting = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
      this.deliver();
    });
  }

  private deliver(): void {
    while (this.waiting) {
      const end = this.buffer.indexOf('\n');
      if (end < 0) return;
      const line = this.buffer.slice(0, end).replace(/^\xff/, '').trim();
      this.buffer = this.buffer.slice(end + 1);
      if (!line) continue;
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting(line);
    }
  }
}
