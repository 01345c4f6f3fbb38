import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/appliance/cli.js', import.meta.url));

/** A child process measured from outside, through /proc, as an operator would see it. */
export class BenchProcess {
  private stderrTail = '';
  private errorLines = 0;
  private readonly exited: Promise<unknown>;

  private constructor(readonly child: ChildProcess, readonly spawnedAt: number) {
    this.exited = once(child, 'exit');
    child.stderr?.on('data', (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000)));
    // pino levels: 50 error, 60 fatal. Counted so a figure taken while the appliance was failing is visible.
    child.stdout?.on('data', (chunk: Buffer) => (this.errorLines += chunk.toString().match(/"level":(50|60)\b/g)?.length ?? 0));
  }

  static spawn(args: readonly string[], env: NodeJS.ProcessEnv = {}): BenchProcess {
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, [...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OUTPOST_LOG_LEVEL: 'info', ...env },
    });
    return new BenchProcess(child, spawnedAt);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`process failed to spawn: ${this.stderrTail}`);
    return this.child.pid;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get errorsLogged(): number {
    return this.errorLines;
  }

  /** Resident set size in bytes (VmRSS). */
  rss(): number {
    return procField(`/proc/${this.pid}/status`, /^VmRSS:\s+(\d+) kB$/m) * 1024;
  }

  /** Bytes this process caused to be sent to the block layer (not the page cache): what reaches flash. */
  writeBytes(): number {
    return procField(`/proc/${this.pid}/io`, /^write_bytes:\s+(\d+)$/m);
  }

  async exit(): Promise<void> {
    await this.exited;
  }

  /** SIGTERM, as systemd stops the service; SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  describeFailure(): string {
    return `exit ${String(this.child.exitCode ?? this.child.signalCode)}: ${this.stderrTail.trim()}`;
  }
}

function procField(path: string, pattern: RegExp): number {
  const match = pattern.exec(readFileSync(path, 'utf8'));
  if (!match) throw new Error(`${path}: no ${pattern.source}`);
  return Number(match[1]);
}

export async function getJson<T>(url: string): Promise<{ status: number; body: T } | undefined> {
  try {
    const response = await fetch(url);
    return { status: response.status, body: (await response.json()) as T };
  } catch {
    return undefined;
  }
}

/** Polls every `everyMs` (short: this measures start-up) until `url` answers 200; ms since spawn. */
export async function msUntilOk(proc: BenchProcess, url: string, timeoutMs = 60_000, everyMs = 10): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (!proc.alive) throw new Error(`process exited before ${url} answered 200: ${proc.describeFailure()}`);
    const reply = await getJson(url);
    if (reply?.status === 200) return performance.now() - proc.spawnedAt;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
