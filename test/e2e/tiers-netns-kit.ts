import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Network namespaces for the tier tests: each tier on its own network stack, joined by veth pairs the test
 * makes and removes. Needs root (`ip netns`).
 */
export function ip(...args: string[]): { ok: boolean; err: string } {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: result.status === 0, err: result.stderr };
}

/** One end of a veth pair: its namespace ('' for the root namespace), device name and address (/24). */
export type LinkEnd = [ns: string, dev: string, address: string];

export interface Network {
  namespaces: readonly string[];
  links: readonly [LinkEnd, LinkEnd][];
}

export function teardownNetwork(net: Network): void {
  for (const ns of net.namespaces) ip('netns', 'del', ns);
  // A root-namespace end outlives its peer's namespace only if the test died half-way.
  for (const [a, b] of net.links) for (const [ns, dev] of [a, b]) if (ns === '') ip('link', 'del', dev);
}

/** Makes the namespaces and links; the reason when it cannot (not root, no netns support), with nothing left behind. */
export function buildNetwork(net: Network): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  teardownNetwork(net);
  for (const ns of net.namespaces) {
    const made = ip('netns', 'add', ns);
    if (!made.ok) {
      teardownNetwork(net);
      return made.err.trim() || `ip netns add ${ns} failed`;
    }
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  for (const [a, b] of net.links) {
    ip('link', 'add', a[1], 'type', 'veth', 'peer', 'name', b[1]);
    for (const [ns, dev, address] of [a, b]) {
      if (ns !== '') ip('link', 'set', dev, 'netns', ns);
      const inNs = ns === '' ? [] : ['-n', ns];
      ip(...inNs, 'addr', 'add', `${address}/24`, 'dev', dev);
      ip(...inNs, 'link', 'set', dev, 'up');
    }
  }
  return undefined;
}

/** A process inside a namespace; `ip netns exec` execs it, so signals reach it directly. */
export class NsProcess {
  private child: ChildProcess | undefined;
  log = '';
  constructor(
    private readonly ns: string,
    private readonly argv: string[],
  ) {}

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

export function mosquitto(ns: string, dir: string, persist: boolean): NsProcess {
  const conf = join(dir, `${ns}-mosquitto.conf`);
  writeFileSync(conf, ['listener 1883 0.0.0.0', 'allow_anonymous true', 'user root', ...(persist ? ['persistence true', `persistence_location ${dir}/`] : []), ''].join('\n'));
  return new NsProcess(ns, ['/usr/sbin/mosquitto', '-c', conf]);
}

/** An Outpost (`appliance/cli.ts run`) with 1 s windows and a 100 ms tick, its HTTP API on port 8080 of the namespace. */
export function outpost(ns: string, dir: string, name: string, config: Record<string, unknown>): NsProcess {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ nodeId: name, dataDir: join(dir, name), http: { host: '0.0.0.0', port: 8080 }, pipeline: { tickMs: 100, windowSeconds: 1, graceSeconds: 0.5 }, ...config }));
  return new NsProcess(ns, [process.execPath, '--import', 'tsx', join(process.cwd(), 'appliance/cli.ts'), 'run', '--config', file]);
}

/** An HTTP device in the namespace posting a temperature to the Outpost there every 50 ms, with curl. */
export function curlSensor(ns: string, device: { name: string; token: string }): NsProcess {
  const body = `{\\"metric\\":\\"temperature\\",\\"unit\\":\\"°C\\",\\"value\\":$((60 + i % 5))}`;
  return new NsProcess(ns, ['sh', '-c', `i=0; while true; do i=$((i+1)); curl -s -o /dev/null -H 'Authorization: Bearer ${device.token}' -H 'Content-Type: application/json' --data-binary "${body}" http://127.0.0.1:8080/ingest/${device.name}; sleep 0.05; done`]);
}

export type Services = Record<string, { counters?: { devices: Record<string, { accepted: number }> }; state?: string; broker?: string }>;

/** `/api/health` services of the Outpost at `host`, or undefined while it does not answer. */
export async function health(host: string): Promise<Services | undefined> {
  try {
    const response = await fetch(`http://${host}:8080/api/health`);
    return response.status === 200 ? ((await response.json()) as { services: Services }).services : undefined;
  } catch {
    return undefined;
  }
}
