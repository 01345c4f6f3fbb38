/**
 * Zigbee footprint: VmRSS of `outpost run` with `--devices` emulated Zigbee devices paired through its
 * coordinator and reporting every `--every` s, against the same appliance with Zigbee disabled, both
 * running at the same time. The devices and their ZNP coordinator run in a process of their own
 * (`zigbee-world.ts`), as a real dongle would be outside the appliance. Needs `npm run build`.
 *
 *   node --import tsx test/bench/zigbee-footprint.ts [--devices 100] [--every 10] [--warmup 30] [--duration 60]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, mib, note, numberFlag, printTable } from './bench-kit.js';
import { freePort } from '../support/free-port.js';
import { BenchProcess, CLI, getJson, msUntilOk, sleep } from './bench-process.js';

const devices = numberFlag('devices', 100);
const everyS = numberFlag('every', 10);
const warmupS = numberFlag('warmup', 30);
const durationS = numberFlag('duration', 60);
const WORLD = fileURLToPath(new URL('./zigbee-world.ts', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-zigbee-rss-'));
const world = BenchProcess.spawn(['--import', 'tsx', WORLD, '--devices', String(devices), '--every', String(everyS)]);
const apps: BenchProcess[] = [];
let coordinator = '';
let paired = 0;
world.child.stdout?.on('data', (chunk: Buffer) => {
  for (const line of chunk.toString().split('\n')) {
    if (line.startsWith('tcp://')) coordinator = line.trim();
    const match = /^paired (\d+)/.exec(line);
    if (match) paired = Number(match[1]);
  }
});

async function appliance(name: string, zigbee: boolean): Promise<{ proc: BenchProcess; url: string }> {
  const data = join(dir, name);
  const config = join(dir, `${name}.json`);
  writeFileSync(config, JSON.stringify(zigbee ? { zigbee: { enabled: true, port: coordinator, permitJoinOnStart: 254 } } : {}));
  const port = await freePort();
  const proc = BenchProcess.spawn([CLI, 'run', '--config', config, '--data', data, '--http', `127.0.0.1:${port}`]);
  apps.push(proc);
  const url = `http://127.0.0.1:${port}`;
  await msUntilOk(proc, `${url}/api/health`, 120_000);
  return { proc, url };
}

type DriverStatus = { state?: string; devices?: { ok: number; degraded: number; offline: number } };
async function zigbeeHealth(url: string): Promise<DriverStatus | undefined> {
  return (await getJson<{ services?: Record<string, DriverStatus> }>(`${url}/api/health`))?.body.services?.['zigbee'];
}

try {
  while (!coordinator) {
    if (!world.alive) throw new Error(`zigbee world exited: ${world.describeFailure()}`);
    await sleep(100);
  }
  const [withZigbee, without] = [await appliance('zigbee', true), await appliance('bare', false)];
  // Joined the emulated network is not yet paired: wait until herdsman has interviewed every device and it has reported.
  const pairStart = Date.now();
  let ok = 0;
  while (ok < devices && Date.now() - pairStart < 250_000) {
    await sleep(1000);
    ok = (await zigbeeHealth(withZigbee.url))?.devices?.ok ?? 0;
  }
  note(`${paired} devices joined, ${ok} interviewed and ok after ${fmt((Date.now() - pairStart) / 1000)} s; warming up ${warmupS} s`);
  await sleep(warmupS * 1000);
  const rss = { zigbee: [] as number[], bare: [] as number[], world: [] as number[] };
  for (let s = 0; s < durationS; s++) {
    rss.zigbee.push(withZigbee.proc.rss());
    rss.bare.push(without.proc.rss());
    rss.world.push(world.rss());
    await sleep(1000);
  }
  printTable(`Resident memory (VmRSS, ${durationS} samples at 1 s after ${warmupS} s warm-up)`, ['process', 'median', 'max'], [
    [`outpost run, Zigbee on: ${paired} devices reporting every ${everyS} s`, mib(median(rss.zigbee)), mib(Math.max(...rss.zigbee))],
    ['outpost run, Zigbee off (baseline)', mib(median(rss.bare)), mib(Math.max(...rss.bare))],
    ['Zigbee on − off', mib(median(rss.zigbee) - median(rss.bare)), mib(Math.max(...rss.zigbee) - Math.max(...rss.bare))],
  ]);
  note(`zigbee driver health at the end: ${JSON.stringify(await zigbeeHealth(withZigbee.url))}`);
  note(`the emulated coordinator and devices (own process) used ${mib(median(rss.world))} besides`);
  note(`errors logged: Zigbee on ${withZigbee.proc.errorsLogged}, off ${without.proc.errorsLogged}`);
} finally {
  for (const app of apps) await app.stop();
  await world.stop();
  rmSync(dir, { recursive: true, force: true });
}
