import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { until } from './until.js';
import { adminHeaders } from './web-admin.js';

const CLI = fileURLToPath(new URL('../../dist/appliance/cli.js', import.meta.url));

export interface LogLine {
  msg?: string;
  level?: number;
  [key: string]: unknown;
}

/** `outpost run` as a child process from the built dist/, as a device runs it; its JSON log is parsed. */
export class OutpostProcess {
  readonly logs: LogLine[] = [];
  stderr = '';
  private child: ChildProcess | undefined;
  private exit: Promise<[number | null, NodeJS.Signals | null]> | undefined;
  private session: Record<string, string> | undefined;

  constructor(private readonly args: string[]) {}

  /** Starts the process; resolves once it logs its HTTP address. */
  async start(): Promise<void> {
    const child = spawn(process.execPath, [CLI, 'run', '--http', '127.0.0.1:0', ...this.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OUTPOST_LOG_LEVEL: 'info' },
    });
    this.child = child;
    this.exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ msg: line });
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    await until('outpost to listen on HTTP', () => this.httpUrl !== undefined || this.exitedEarly(), 20_000);
    if (this.httpUrl === undefined) throw new Error(`outpost exited at start: ${this.stderr}`);
  }

  /** The latest address: a restart after a config change listens again (on a new port when it is 0). */
  get httpUrl(): string | undefined {
    const line = this.logs.findLast((l) => l.msg === 'http listening');
    const http = line?.http as { host: string; port: number } | undefined;
    return http ? `http://127.0.0.1:${http.port}` : undefined;
  }

  /**
   * An API call as the admin (setting the box up first if it is fresh); `/api/health` goes without a session.
   * Sessions live in memory, so after a restart of the services the call logs in again once.
   */
  async api<T>(path: string, method = 'GET', body?: unknown, retry = true): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (path !== '/api/health') Object.assign(headers, await this.adminHeaders());
    const response = await fetch(`${this.httpUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (response.status === 401 && this.session && retry) {
      this.session = undefined;
      return this.api(path, method, body, false);
    }
    return { status: response.status, body: (await response.json()) as T };
  }

  /** The cookie and CSRF header of an admin session: first boot's setup with the code from the log, or a login. */
  async adminHeaders(): Promise<Record<string, string>> {
    this.session ??= await adminHeaders(this.httpUrl ?? '', async () => {
      const line = await this.waitForLog('the setup code in the log', (l) => typeof l.setupCode === 'string');
      return String(line.setupCode);
    });
    return this.session;
  }

  async waitHealthy(timeoutMs = 20_000): Promise<void> {
    await until('GET /api/health 200', async () => (await this.api('/api/health')).status === 200, timeoutMs);
  }

  waitForLog(what: string, predicate: (line: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> {
    return until(what, () => this.logs.find(predicate), timeoutMs);
  }

  /** Graceful stop, as systemd does it. */
  async stop(): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    const [code] = (await this.exit) ?? [null];
    return code;
  }

  /** A power cut, as far as the process can tell. */
  async kill9(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exit;
  }

  private exitedEarly(): boolean {
    return this.child?.exitCode !== null && this.child?.exitCode !== undefined;
  }
}

/** Runs `outpost` to completion with the given arguments, for commands that should refuse and exit. */
export async function runOutpostToExit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}
