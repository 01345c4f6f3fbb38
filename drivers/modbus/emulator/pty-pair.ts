import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../../appliance/log.js';
import { OutpostError } from '../../types.js';

export interface PtyPaths {
  /** The end the emulated devices open. */
  devicePath: string;
  /** The end the driver opens, as it would open /dev/ttyUSB0. */
  clientPath: string;
}

const READY_LINE = 'starting data transfer loop';
const READY_TIMEOUT_MS = 5_000;

/**
 * Two pseudo-terminals joined by socat, in raw mode without echo so bytes pass as on an RS-485 adapter.
 * The paths are symlinks in a fresh temp dir, removed again on stop.
 */
export class PtyPair {
  private socat: ChildProcess | undefined;
  private dir: string | undefined;

  constructor(private readonly deps: { log: Logger }) {}

  async start(): Promise<PtyPaths> {
    if (this.socat !== undefined || this.dir !== undefined) {
      throw new OutpostError('EMU_PTY_FAILED', 'pty pair already started');
    }
    const dir = await mkdtemp(join(tmpdir(), 'outpost-pty-'));
    this.dir = dir;
    const paths = { devicePath: join(dir, 'device'), clientPath: join(dir, 'client') };
    const socat = spawn(
      'socat',
      ['-d', '-d', `pty,raw,echo=0,link=${paths.devicePath}`, `pty,raw,echo=0,link=${paths.clientPath}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.socat = socat;
    try {
      await ready(socat);
    } catch (error) {
      await this.stop();
      throw error;
    }
    socat.once('exit', (code, signal) => {
      if (this.socat === socat) this.deps.log.warn({ code, signal, ...paths }, 'socat of the RTU pty pair exited');
    });
    return paths;
  }

  async stop(): Promise<void> {
    const socat = this.socat;
    this.socat = undefined;
    // No pid: socat never started (not installed), so there is nothing to wait for.
    if (socat?.pid !== undefined && socat.exitCode === null && socat.signalCode === null) {
      const exited = new Promise((resolve) => socat.once('exit', resolve));
      socat.kill('SIGTERM');
      await exited;
    }
    if (this.dir !== undefined) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/** Resolves when socat reports both ptys linked and its transfer loop running. */
function ready(socat: ChildProcess): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(
      () => fail(new OutpostError('EMU_PTY_FAILED', `socat did not open a pty pair within ${READY_TIMEOUT_MS} ms: ${stderr.trim()}`)),
      READY_TIMEOUT_MS,
    );
    const onExit = (code: number | null, signal: string | null) =>
      fail(new OutpostError('EMU_PTY_FAILED', `socat exited (${code ?? signal}) before the pty pair was ready: ${stderr.trim()}`));
    const onError = (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'ENOENT'
          ? new OutpostError('EMU_NO_SOCAT', 'socat is not installed: the Modbus RTU emulator needs it for a pty pair (apt install socat)')
          : new OutpostError('EMU_PTY_FAILED', `could not run socat: ${error.message}`, {}, { cause: error }),
      );
    function fail(error: OutpostError): void {
      settle();
      reject(error);
    }
    function settle(): void {
      clearTimeout(timer);
      socat.off('exit', onExit);
      socat.off('error', onError);
    }
    socat.once('exit', onExit);
    socat.once('error', onError);
    // Keep draining stderr after ready: a full pipe would block socat.
    socat.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.includes(READY_LINE)) return;
      stderr += chunk.toString();
      if (stderr.includes(READY_LINE)) {
        settle();
        resolve();
      }
    });
  });
}
