import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existingSetupCode } from '../../appliance/auth/setup-code.js';
import { generateKeys, PUBKEY_FILE } from '../../appliance/ota/keys.js';
import type { ReleaseSlots } from '../../appliance/ota/release-slots.js';
import { readState, type UpdateRecord, type UpdateState } from '../../appliance/ota/update-state.js';
import { installFirstRelease, makeBundle, type Variant } from './ota-releases.js';
import { freePort } from './free-port.js';
import { FakeSystemd } from './ota-service.js';
import { until } from './until.js';

const CLI = fileURLToPath(new URL('../../dist/appliance/cli.js', import.meta.url));

export interface AgentRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  record?: UpdateRecord;
}

/**
 * A box in a temp dir: a release root with the first version installed, a data dir, an update key,
 * the app running under a fake systemd, and the update agent run as `outpost update ...` from the build.
 */
export class TestBox {
  readonly root: string;
  readonly data: string;
  readonly keys: { privateKey: string; publicKey: string };
  readonly slots: ReleaseSlots;
  readonly systemd: FakeSystemd;

  private constructor(
    readonly dir: string,
    version: string,
    port: number,
    maxAttempts: number,
    restartDelayMs: number,
    appArgs: string[],
  ) {
    this.root = join(dir, 'opt');
    this.data = join(dir, 'var');
    mkdirSync(this.data, { recursive: true });
    this.keys = generateKeys(join(dir, 'keys'));
    // Where the app and the agent look for it on a device.
    mkdirSync(join(this.data, 'keys'));
    copyFileSync(this.keys.publicKey, join(this.data, 'keys', PUBKEY_FILE));
    this.slots = installFirstRelease(this.root, version);
    this.systemd = new FakeSystemd({ root: this.root, dataDir: this.data, httpPort: port, maxAttempts, restartDelayMs, appArgs });
  }

  /**
   * `restartDelayMs` is systemd's RestartSec (2 s in the unit; 100 ms by default here, to keep tests short);
   * `appArgs` go to every `outpost run` (`--mqtt URL`, `--node-id ID`); `config` becomes its config.json.
   */
  static async start(options: { version?: string; maxAttempts?: number; restartDelayMs?: number; appArgs?: string[]; config?: object } = {}): Promise<TestBox> {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-ota-'));
    if (options.config) {
      mkdirSync(join(dir, 'var'), { recursive: true });
      writeFileSync(join(dir, 'var', 'config.json'), JSON.stringify(options.config));
    }
    const box = new TestBox(dir, options.version ?? '1.0.0', await freePort(), options.maxAttempts ?? 3, options.restartDelayMs ?? 100, options.appArgs ?? []);
    await box.systemd.start();
    await box.serving(options.version ?? '1.0.0').catch((error: unknown) => {
      throw new Error(`${String(error)}; the app said:\n${box.systemd.output.join('').slice(-2000)}`);
    });
    return box;
  }

  bundle(name: string, options: { version: string; variant?: Variant; minVersion?: string; compatible?: string; key?: string }) {
    return makeBundle(this.dir, name, { key: this.keys.privateKey, ...options });
  }

  /** Waits until `version` answers /api/health with 200 and ready. */
  async serving(version: string, timeoutMs = 60_000): Promise<void> {
    await until(`${version} healthy`, async () => {
      const h = await this.systemd.health();
      return h.status === 200 && h.version === version;
    }, timeoutMs);
  }

  /** Cookie and CSRF header of the admin: a login, or on a fresh box the setup with the code it wrote to its data dir. */
  async admin(): Promise<Record<string, string>> {
    const base = this.systemd.healthUrl.replace('/api/health', '');
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(`${base}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
      const { csrf } = (await response.json()) as { csrf: string };
      return { cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '', 'x-csrf-token': csrf };
    };
    const password = 'Ota-Owner-Passw0rd';
    const { setupDone } = (await (await fetch(`${base}/api/session`)).json()) as { setupDone: boolean };
    if (setupDone) return post('/api/login', { password });
    const code = await until('the setup code', () => existingSetupCode(this.data));
    const setup = await post('/api/setup/code', { code });
    return post('/api/setup', { password, siteName: 'OTA', nodeName: 'ota', timeZone: 'UTC' }, setup);
  }

  state(): UpdateState {
    return readState(this.root);
  }

  async agent(command: 'apply' | 'resume', options: { bundle?: string; killAt?: string; deadlineSeconds?: number } = {}): Promise<AgentRun> {
    const args = [CLI, 'update', command, '--root', this.root, '--data', this.data, '--pubkey', this.keys.publicKey];
    args.push('--health-url', this.systemd.healthUrl, '--service-ctl', this.systemd.ctl, '--deadline', String(options.deadlineSeconds ?? 60));
    if (options.bundle) args.push('--bundle', options.bundle);
    const env = { ...process.env, OUTPOST_LOG_LEVEL: 'warn', ...(options.killAt ? { OUTPOST_OTA_KILL_AT: options.killAt } : {}) };
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    // The record is the one line that is not a log line (those carry `msg`).
    const record = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as UpdateRecord & { msg?: string })
      .find((line) => line.msg === undefined && line.outcome !== undefined);
    return { code, signal, stdout, stderr, ...(record ? { record } : {}) };
  }

  async close(): Promise<void> {
    await this.systemd.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
