/** A web app over a real store and real access control in a temp folder, for `inject` tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ModbusDeviceConfig } from '../../drivers/modbus/config-schema.js';
import type { Driver } from '../../drivers/types.js';
import { AccessControl } from '../auth/access-control.js';
import { HealthRegistry } from '../health.js';
import { silentLogger } from '../log.js';
import { Store } from '../store/store.js';
import { buildWebApp, type WebDeps } from './app.js';
import { LiveFeed } from './live-feed.js';
import { TimeZoneSetter } from './time-zone.js';

export const ADMIN_PASSWORD = 'Correct-Horse-42';

export interface TestWeb {
  app: FastifyInstance;
  access: AccessControl;
  store: Store;
  live: LiveFeed;
  dataDir: string;
  bootDir: string;
  code: () => string;
  added: ModbusDeviceConfig[];
  close: () => Promise<void>;
}

export async function testWeb(overrides: Partial<WebDeps> = {}): Promise<TestWeb> {
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-web-'));
  const bootDir = mkdtempSync(join(tmpdir(), 'outpost-boot-'));
  let code = '';
  const log = silentLogger();
  const access = new AccessControl({ dataDir, bootDir, log, console: (line) => (code = line.split(': ')[1] ?? '') });
  await access.start();
  const store = new Store({ path: join(dataDir, 'outpost.db'), log });
  await store.start();
  const live = new LiveFeed();
  const added: ModbusDeviceConfig[] = [];
  const drivers: Driver[] = [];
  const app = buildWebApp({
    health: new HealthRegistry(),
    store: () => store,
    drivers: () => drivers,
    access,
    live,
    log,
    version: '9.9.9-test',
    dataDir,
    configPath: join(dataDir, 'config.json'),
    current: () => ({ nodeId: 'test-node', mqttUrl: undefined }),
    startModbusDevice: async (config) => void added.push(config),
    // Never the host's own clock: a test that wants timedatectl passes a setter with a fake on PATH.
    timeZone: new TimeZoneSetter(async () => Promise.reject(Object.assign(new Error('spawn timedatectl ENOENT'), { code: 'ENOENT' }))),
    ...overrides,
  });
  await app.ready();
  return {
    app, access, store, live, dataDir, bootDir, added,
    code: () => code,
    close: async () => {
      await app.close();
      await store.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(bootDir, { recursive: true, force: true });
    },
  };
}

export interface Client {
  cookie: string;
  csrf: string;
}

export function cookieOf(response: LightMyRequestResponse): string {
  const header = String(response.headers['set-cookie'] ?? '');
  return header.split(';')[0] ?? '';
}

export async function openSetup(web: TestWeb): Promise<Client> {
  const r = await web.app.inject({ method: 'POST', url: '/api/setup/code', payload: { code: web.code() } });
  return { cookie: cookieOf(r), csrf: r.json<{ csrf: string }>().csrf };
}

export function setupBody(extra: Record<string, unknown> = {}) {
  return { password: ADMIN_PASSWORD, siteName: 'Hall 3', nodeName: 'hall-3', timeZone: 'Europe/Berlin', ...extra };
}

/** Runs the whole setup and returns the admin's session. */
export async function setUpAdmin(web: TestWeb): Promise<Client> {
  const setup = await openSetup(web);
  const r = await web.app.inject({ method: 'POST', url: '/api/setup', headers: asClient(setup), payload: setupBody() });
  if (r.statusCode !== 200) throw new Error(`setup failed: ${r.body}`);
  return { cookie: cookieOf(r), csrf: r.json<{ csrf: string }>().csrf };
}

export function asClient(client: Client): Record<string, string> {
  return { cookie: client.cookie, 'x-csrf-token': client.csrf };
}
