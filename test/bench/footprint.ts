/**
 * Footprint of `outpost run` polling 1,104 emulated Modbus registers at 1 Hz (the factory scenario at scale 4,
 * served over TCP and an RTU pty by a separate `outpost emulate` process, as real devices would be) next to
 * a bare Node process: resident memory, bytes written to disk per hour, and start-up time to a healthy
 * /api/health. Runs the built dist/, as a device does; the emulator's own RSS is printed apart.
 *
 *   node --import tsx test/bench/footprint.ts [--warmup 60] [--duration 180] [--scale 4] [--starts 5]
 *     [--node-flags "--max-semi-space-size=1"]   (V8 flags for both processes, to compare settings)
 *     [--detect on|off]                          (off: without the anomaly detector and its ONNX runtime)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { buildScenario, registerCount } from '../../drivers/sim/scenario.js';
import { fmt, median, mib, note, numberFlag, printTable, stringFlag } from './bench-kit.js';
import { freePort } from '../support/free-port.js';
import { BenchProcess, CLI, getJson, msUntilOk, sleep } from './bench-process.js';

const TARGET_EXTRA_RSS = 80 * 1024 * 1024;
const HOUR_MS = 3_600_000;

/** /api/health needs no login (/api/stats does) and carries the store's counter too. */
interface Health {
  services?: {
    store?: { bytesWritten?: number };
    modbus?: { devices?: { ok: number; degraded: number; offline: number } };
  };
}

/** `outpost emulate` serving the scenario, and the config file it wrote for `outpost run`. */
async function startEmulators(scale: number, detect: boolean): Promise<{ proc: BenchProcess; config: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-emulate-'));
  const config = join(dir, 'config.json');
  const proc = BenchProcess.spawn([CLI, 'emulate', '--scenario', 'factory', '--scale', String(scale), '--port', '0', '--write-config', config]);
  while (!existsSync(config)) {
    if (!proc.alive) throw new Error(`outpost emulate stopped: ${proc.describeFailure()}`);
    await sleep(100);
  }
  // Detection is on by default; `--detect off` measures the appliance without the ONNX runtime loaded.
  if (!detect) writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), detect: { enabled: false } }));
  return { proc, config, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `outpost run` with a fresh data dir and a known port; `remove()` deletes the dir once it has stopped. */
async function startAppliance(config: string, nodeFlags: readonly string[]): Promise<{ proc: BenchProcess; url: string; db: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-footprint-'));
  const port = await freePort();
  const proc = BenchProcess.spawn([...nodeFlags, CLI, 'run', '--config', config, '--data', dir, '--http', `127.0.0.1:${port}`]);
  return { proc, url: `http://127.0.0.1:${port}`, db: join(dir, 'outpost.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function startupTimes(config: string, starts: number, nodeFlags: readonly string[]): Promise<{ outpost: number[]; bare: number[] }> {
  const outpost: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < starts; i++) {
    const app = await startAppliance(config, nodeFlags);
    try {
      outpost.push(await msUntilOk(app.proc, `${app.url}/api/health`));
    } finally {
      await app.proc.stop();
      app.remove();
    }
    const node = BenchProcess.spawn([...nodeFlags, '-e', '']);
    await node.exit();
    bare.push(performance.now() - node.spawnedAt);
  }
  return { outpost, bare };
}

function readingRows(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) FROM readings').pluck().get() as number;
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const warmupS = numberFlag('warmup', 60);
  const durationS = numberFlag('duration', 180);
  const scale = numberFlag('scale', 4);
  const starts = numberFlag('starts', 5);
  const nodeFlags = stringFlag('node-flags', '').split(' ').filter((f) => f !== '');
  const scenario = buildScenario('factory', { startMs: Date.now(), scale });
  const points = scenario.devices.reduce((n, d) => n + d.profile.points.length, 0);
  note(
    `footprint: factory scenario at scale ${scale}: ${scenario.devices.length} Modbus devices, ${fmt(registerCount(scenario))} registers (${fmt(points)} points) polled at 1 Hz; ` +
      `warm-up ${warmupS} s, measured ${durationS} s, ${starts} starts; node ${process.version} ${nodeFlags.join(' ') || '(no flags)'}`,
  );
  // The first fetch loads undici; done here so it is not counted in the first start-up.
  await getJson('http://127.0.0.1:9/');

  const detect = stringFlag('detect', 'on') !== 'off';
  const emulators = await startEmulators(scale, detect);
  const startup = await startupTimes(emulators.config, starts, nodeFlags);

  const app = await startAppliance(emulators.config, nodeFlags);
  const bare = BenchProcess.spawn([...nodeFlags, '-e', 'setInterval(() => {}, 1000)']);
  try {
    await msUntilOk(app.proc, `${app.url}/api/health`);
    await sleep(warmupS * 1000);
    const stats = async () => (await getJson<Health>(`${app.url}/api/health`))?.body.services?.store?.bytesWritten ?? Number.NaN;
    const begin = { at: performance.now(), io: app.proc.writeBytes(), store: await stats(), rows: readingRows(app.db) };
    const rss = { outpost: [] as number[], bare: [] as number[], emulators: [] as number[] };
    while (performance.now() - begin.at < durationS * 1000) {
      if (!app.proc.alive) throw new Error(`outpost stopped during the measurement: ${app.proc.describeFailure()}`);
      rss.outpost.push(app.proc.rss());
      rss.bare.push(bare.rss());
      rss.emulators.push(emulators.proc.rss());
      await sleep(1000);
    }
    const end = { at: performance.now(), io: app.proc.writeBytes(), store: await stats(), rows: readingRows(app.db) };
    const health = (await getJson<Health>(`${app.url}/api/health`))?.body;
    const elapsedMs = end.at - begin.at;
    const perHour = (bytes: number) => mib((bytes / elapsedMs) * HOUR_MS);

    const extra = median(rss.outpost) - median(rss.bare);
    printTable(
      `Resident memory (VmRSS, ${rss.outpost.length} samples at 1 s after ${warmupS} s warm-up)`,
      ['process', 'median', 'max'],
      [
        [`outpost run (factory at scale ${scale}, detection ${detect ? 'on' : 'off'}, emulators apart)`, mib(median(rss.outpost)), mib(Math.max(...rss.outpost))],
        ['node -e "setInterval(()=>{},1000)"', mib(median(rss.bare)), mib(Math.max(...rss.bare))],
        ['outpost − bare', mib(extra), mib(Math.max(...rss.outpost) - Math.max(...rss.bare))],
      ],
    );
    note(`target: < ${mib(TARGET_EXTRA_RSS)} more than bare node: ${extra < TARGET_EXTRA_RSS ? 'met' : 'MISSED'}`);
    note(`the emulator process (outpost emulate --scale ${scale}) used ${mib(median(rss.emulators))} besides`);

    printTable(
      `Flash wear (over ${fmt(elapsedMs / 1000, 0)} s, extrapolated to an hour)`,
      ['measure', 'in interval', 'per hour'],
      [
        ['/proc/<pid>/io write_bytes (kernel)', mib(end.io - begin.io), perHour(end.io - begin.io)],
        ['store estimate (store.bytesWritten)', mib(end.store - begin.store), perHour(end.store - begin.store)],
      ],
    );
    const rowsPerS = ((end.rows - begin.rows) / elapsedMs) * 1000;
    const modbus = health?.services?.modbus?.devices;
    note(
      `load: ${fmt(rowsPerS, 0)} readings stored per second; modbus devices ${modbus ? JSON.stringify(modbus) : 'unknown'}; ` +
        `error lines logged: ${app.proc.errorsLogged}`,
    );

    printTable(
      `Start-up (ms, median of ${starts}, fresh data dir each)`,
      ['command', 'median', 'min', 'max'],
      [
        [`outpost run --config (scale ${scale}) → /api/health 200`, fmt(median(startup.outpost)), fmt(Math.min(...startup.outpost)), fmt(Math.max(...startup.outpost))],
        ['node -e "" → exit', fmt(median(startup.bare)), fmt(Math.min(...startup.bare)), fmt(Math.max(...startup.bare))],
      ],
    );
  } finally {
    await Promise.all([app.proc.stop(), bare.stop(), emulators.proc.stop()]);
    app.remove();
    emulators.remove();
  }
}

await main();
