import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTopic, type RecordingSubscriber } from '../support/mosquitto-subscriber.js';
import { until } from '../support/until.js';
import { summariesReceived } from './summaries-received.js';

/**
 * The tiers on separate network stacks: gateway, edge server and cloud broker each in a network namespace,
 * joined only gateway↔edge (10.77.1.0/24) and edge↔cloud (10.77.2.0/24); the test reaches each one over a
 * management link from the root namespace. Needs root (`ip netns`); skipped with the reason otherwise.
 * The edge outage is 10 s in `npm test`; the issue's 30 s runs with
 * `OUTPOST_TIER_OUTAGE_S=30 npx vitest run test/e2e/tiers-netns.test.ts` (20 s more than CI can spare).
 */
const NS = { gw: 'op10-gw', edge: 'op10-edge', cloud: 'op10-cloud' } as const;
const MGMT = { gw: '10.77.10.2', edge: '10.77.11.2', cloud: '10.77.12.2' } as const;
const OUTAGE_MS = Number(process.env.OUTPOST_TIER_OUTAGE_S ?? 10) * 1000;
const BOILER = { name: 'boiler', token: 'boiler-token-0123456789' };

function ip(...args: string[]): { ok: boolean; err: string } {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: result.status === 0, err: result.stderr };
}

function teardownNetwork(): void {
  for (const ns of Object.values(NS)) ip('netns', 'del', ns);
  for (const link of ['op10m-gw', 'op10m-edge', 'op10m-cloud']) ip('link', 'del', link);
}

/** Namespaces, the two tier links and a management link from the root namespace to each; the reason if it cannot. */
function buildNetwork(): string | undefined {
  teardownNetwork();
  for (const ns of Object.values(NS)) {
    const made = ip('netns', 'add', ns);
    if (!made.ok) {
      teardownNetwork();
      return made.err.trim() || `ip netns add ${ns} failed`;
    }
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  const pair = (a: [string, string, string], b: [string, string, string]): void => {
    ip('link', 'add', a[1], 'type', 'veth', 'peer', 'name', b[1]);
    for (const [ns, dev, address] of [a, b]) {
      if (ns !== '') ip('link', 'set', dev, 'netns', ns);
      const inNs = ns === '' ? [] : ['-n', ns];
      ip(...inNs, 'addr', 'add', `${address}/24`, 'dev', dev);
      ip(...inNs, 'link', 'set', dev, 'up');
    }
  };
  pair([NS.gw, 'op10-g0', '10.77.1.1'], [NS.edge, 'op10-e0', '10.77.1.2']);
  pair([NS.edge, 'op10-e1', '10.77.2.1'], [NS.cloud, 'op10-c0', '10.77.2.2']);
  pair(['', 'op10m-gw', '10.77.10.1'], [NS.gw, 'op10-gm', MGMT.gw]);
  pair(['', 'op10m-edge', '10.77.11.1'], [NS.edge, 'op10-em', MGMT.edge]);
  pair(['', 'op10m-cloud', '10.77.12.1'], [NS.cloud, 'op10-cm', MGMT.cloud]);
  return undefined;
}

/** A process inside a namespace; `ip netns exec` execs it, so signals reach it directly. */
class NsProcess {
  private child: ChildProcess | undefined;
  log = '';
  constructor(private readonly ns: string, private readonly argv: string[]) {}

  start(): void {
    const child = spawn('ip', ['netns', 'exec', this.ns, ...this.argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => void (this.log = (this.log + chunk.toString()).slice(-4_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.child = child;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

function mosquitto(ns: string, dir: string, persist: boolean): NsProcess {
  const conf = join(dir, `${ns}-mosquitto.conf`);
  writeFileSync(conf, ['listener 1883 0.0.0.0', 'allow_anonymous true', 'user root', ...(persist ? ['persistence true', `persistence_location ${dir}/`] : []), ''].join('\n'));
  return new NsProcess(ns, ['/usr/sbin/mosquitto', '-c', conf]);
}

function outpost(ns: string, dir: string, name: string, config: Record<string, unknown>): NsProcess {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ nodeId: name, dataDir: join(dir, name), http: { host: '0.0.0.0', port: 8080 }, pipeline: { tickMs: 100, windowSeconds: 1, graceSeconds: 0.5 }, ...config }));
  return new NsProcess(ns, [process.execPath, '--import', 'tsx', join(process.cwd(), 'appliance/cli.ts'), 'run', '--config', file]);
}

async function health(host: string): Promise<Record<string, { counters?: { devices: Record<string, { accepted: number }> } }> | undefined> {
  try {
    const response = await fetch(`http://${host}:8080/api/health`);
    return response.status === 200 ? ((await response.json()) as { services: Record<string, never> }).services : undefined;
  } catch {
    return undefined;
  }
}

const skipReason = process.getuid?.() === 0 ? buildNetwork() : 'not root';
const dir = mkdtempSync(join(tmpdir(), 'outpost-netns-'));
const lanBroker = mosquitto(NS.edge, dir, true);
const cloudBroker = mosquitto(NS.cloud, dir, false);
const edge = outpost(NS.edge, dir, 'edge', {
  mqtt: { url: 'mqtt://10.77.2.2:1883', allowInsecure: true },
  ipIngest: { mqtt: { url: 'mqtt://127.0.0.1:1883', clientId: 'edge-ingest', rateLimit: { readingsPerSecond: 10_000, burst: 10_000 }, devices: [{ name: 'gw1', topic: 'outpost/gw1/summary/#', format: 'outpost-summary' }] } },
});
const gateway = outpost(NS.gw, dir, 'gw1', { mqtt: { url: 'mqtt://10.77.1.2:1883', allowInsecure: true }, ipIngest: { http: { devices: [BOILER] } } });
const sensor = new NsProcess(NS.gw, ['sh', '-c', `i=0; while true; do i=$((i+1)); curl -s -o /dev/null -H 'Authorization: Bearer ${BOILER.token}' -H 'Content-Type: application/json' --data-binary "{\\"metric\\":\\"temperature\\",\\"unit\\":\\"°C\\",\\"value\\":$((60 + i % 5))}" http://127.0.0.1:8080/ingest/boiler; sleep 0.05; done`]);
let cloud: RecordingSubscriber;
let witness: RecordingSubscriber;

describe.skipIf(skipReason !== undefined)(`tiers in network namespaces${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  beforeAll(async () => {
    for (const p of [lanBroker, cloudBroker]) p.start();
    cloud = await until('the cloud broker', () => recordTopic(`mqtt://${MGMT.cloud}:1883`, 'outpost/edge/summary/#').catch(() => undefined));
    witness = await until('the LAN broker', () => recordTopic(`mqtt://${MGMT.edge}:1883`, 'outpost/gw1/summary/#', { clientId: 'lan-witness', clean: false }).catch(() => undefined));
    edge.start();
    gateway.start();
    await until('both Outposts healthy', async () => (await health(MGMT.edge)) !== undefined && (await health(MGMT.gw)) !== undefined, 30_000);
    sensor.start();
  }, 60_000);

  afterAll(async () => {
    for (const p of [sensor, gateway, edge]) await p.stop();
    await cloud?.close();
    await witness?.close();
    for (const p of [lanBroker, cloudBroker]) await p.stop();
    teardownNetwork();
  });

  it('gateway summaries cross to the edge server, whose summaries of mqtt:gw1/http:boiler reach the cloud', async () => {
    await until('an edge summary of the gateway device in the cloud', () => summariesReceived(cloud).some((s) => s.device === 'mqtt:gw1/http:boiler'), 20_000);
  });

  it('with the edge server and its broker down for a while, the gateway buffers and replays with no window missing, and the edge forwards again', async () => {
    await edge.stop();
    await lanBroker.stop();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS)); // the outage is what is under test
    lanBroker.start();
    edge.start();
    const distinct = () => new Set(summariesReceived(witness).map((s) => s.seq)).size;
    const accepted = async () => (await health(MGMT.edge))?.mqtt?.counters?.devices.gw1?.accepted ?? -1;
    const cloudBefore = cloud.messages.length;
    // The edge restarted, so its counter starts again: it has to take what was queued and buffered since.
    await until('the edge to report again', async () => (await accepted()) > 0, 30_000);
    const windows = summariesReceived(witness).map((s) => s.start).sort((a, b) => a - b);
    expect(windows.slice(1).filter((start, i) => start - (windows[i] ?? start) > 1_000), 'a window missing at the gateway').toEqual([]);
    expect(distinct()).toBeGreaterThan(OUTAGE_MS / 1000);
    await until('edge summaries in the cloud after the outage', () => cloud.messages.length > cloudBefore, 20_000);
  }, 60_000 + OUTAGE_MS);

  it('every gateway summary is counted exactly once in the edge summaries the cloud received', async () => {
    await sensor.stop();
    const gatewaySeqs = () => new Set(summariesReceived(witness).map((s) => s.seq)).size;
    // Each gateway summary is one reading at the edge; the cloud's edge summaries (deduplicated by the edge's seq) must count each once.
    const countedInCloud = () => {
      const bySeq = new Map(summariesReceived(cloud).filter((s) => s.device === 'mqtt:gw1/http:boiler').map((s) => [s.seq, s.count]));
      return [...bySeq.values()].reduce((a, b) => a + b, 0);
    };
    let last = '';
    await until('the cloud to count every gateway summary once', () => {
      last = `${countedInCloud()} counted in the cloud, ${gatewaySeqs()} gateway summaries`;
      return gatewaySeqs() > 0 && countedInCloud() === gatewaySeqs();
    }, 20_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${last}`);
    });
  });
});
