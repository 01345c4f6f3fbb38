import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { existingSetupCode } from '../../appliance/auth/setup-code.js';
import { parseConfig } from '../../appliance/config/load.js';
import { Appliance } from '../../appliance/main.js';
import { until } from './until.js';
import { adminHeaders } from './web-admin.js';

export interface LogLine {
  msg: string;
  level: number;
  code?: string;
  device?: string;
  reason?: string;
}

export interface InProcessAppliance {
  appliance: Appliance;
  dataDir: string;
  base: string;
  /** Every JSON log line so far, in order. */
  logs: LogLine[];
  /** GET as the admin (set up on first use with the code from the data folder). */
  api<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

/** The whole appliance in this process on a free port and a fresh data folder, logging into `logs`. */
export async function startInProcessAppliance(rawConfig: Record<string, unknown>): Promise<InProcessAppliance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-in-process-'));
  const logs: LogLine[] = [];
  const captured = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const config = parseConfig({ dataDir, http: { port: 0 }, ...rawConfig }, 'test');
  const appliance = new Appliance({ config, log: pino({ level: 'info' }, captured), version: 'test' });
  await appliance.start();
  const base = `http://127.0.0.1:${appliance.httpAddress?.port}`;
  let admin: Record<string, string> | undefined;
  return {
    appliance,
    dataDir,
    base,
    logs,
    async api<T>(path: string): Promise<T> {
      admin ??= await adminHeaders(base, async () => until('the setup code', () => existingSetupCode(dataDir)));
      return (await (await fetch(`${base}${path}`, { headers: admin })).json()) as T;
    },
    stop: () => appliance.stop(),
  };
}
