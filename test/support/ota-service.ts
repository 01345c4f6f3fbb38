import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

/**
 * What systemd does for the real unit, small enough to read: before each start it runs the update
 * guard from the committed release (ExecStartPre=+), then `node current/dist/appliance/cli.js run`,
 * restarts it when it exits on its own (Restart=), and takes start/stop/restart over HTTP from the
 * update agent's `--service-ctl` (as `systemctl` would).
 */
export class FakeSystemd {
  readonly output: string[] = [];
  private child: ChildProcess | undefined;
  private exited: Promise<unknown> = Promise.resolve();
  private wanted = false;
  private control: Server | undefined;
  private queue: Promise<void> = Promise.resolve();
  private controlPort = 0;

  constructor(private readonly opts: { root: string; dataDir: string; httpPort: number; maxAttempts: number; restartDelayMs?: number; appArgs?: string[] }) {}

  get healthUrl(): string {
    return `http://127.0.0.1:${this.opts.httpPort}/api/health`;
  }

  /** The agent's `--service-ctl`. */
  get ctl(): string {
    return `curl -fsS -X POST http://127.0.0.1:${this.controlPort}/%s`;
  }

  async start(): Promise<void> {
    this.control = createServer((request, response) => {
      const action = request.url?.slice(1) ?? '';
      const run = action === 'stop' ? () => this.stopApp() : action === 'start' ? () => this.startApp() : action === 'restart' ? async () => (await this.stopApp(), await this.startApp()) : undefined;
      if (!run) return void response.writeHead(404).end();
      this.serial(run).then(
        () => response.end('ok\n'),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    }).listen(0, '127.0.0.1');
    await once(this.control, 'listening');
    const address = this.control.address();
    this.controlPort = address && typeof address === 'object' ? address.port : 0;
    await this.serial(() => this.startApp());
  }

  async stop(): Promise<void> {
    await this.serial(() => this.stopApp());
    this.control?.close();
  }

  /** A power cut for the app; it comes back through the guard, as after a reboot. */
  async kill9App(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async health(): Promise<{ status: number; version?: string; ready?: boolean }> {
    try {
      const response = await fetch(this.healthUrl, { signal: AbortSignal.timeout(2000) });
      const body = (await response.json()) as { ready?: boolean; services?: { release?: { version?: string } } };
      return { status: response.status, version: body.services?.release?.version, ready: body.ready };
    } catch {
      return { status: 0 };
    }
  }

  private serial(action: () => Promise<void>): Promise<void> {
    const next = this.queue.then(action);
    this.queue = next.catch(() => {});
    return next;
  }

  private async startApp(): Promise<void> {
    if (this.child) return;
    this.wanted = true;
    const { root } = this.opts;
    await this.run([join(root, 'committed/dist/appliance/ota/guard.js'), '--root', root, '--max-attempts', String(this.opts.maxAttempts)]);
    const args = [join(root, 'current/dist/appliance/cli.js'), 'run', '--data', this.opts.dataDir, '--scenario', 'none', '--http', `127.0.0.1:${this.opts.httpPort}`, ...(this.opts.appArgs ?? [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OUTPOST_LOG_LEVEL: 'warn' } });
    this.child = child;
    child.stdout?.on('data', (c: Buffer) => this.output.push(c.toString()));
    child.stderr?.on('data', (c: Buffer) => this.output.push(c.toString()));
    this.exited = once(child, 'exit').then(() => {
      this.child = undefined;
      if (this.wanted) setTimeout(() => void this.serial(() => (this.wanted ? this.startApp() : Promise.resolve())), this.opts.restartDelayMs ?? 100);
    });
  }

  private async stopApp(): Promise<void> {
    this.wanted = false;
    if (!this.child) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  private async run(args: string[]): Promise<void> {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (c: Buffer) => this.output.push(c.toString()));
    await once(child, 'exit');
  }
}
