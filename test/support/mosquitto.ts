import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { freePort } from './free-port.js';

const MOSQUITTO = '/usr/sbin/mosquitto';
const START_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 5_000;
/** Attempts to find a port nobody grabs between our probe and mosquitto's bind. */
const PORT_ATTEMPTS = 5;

export interface MosquittoOptions {
  /** A fixed port; by default a free one is picked. */
  port?: number;
  /** With a directory, sessions, queued messages and retained messages survive `restart()`. */
  persistenceDir?: string;
  /** False makes the broker refuse every client (CONNACK 5, not authorised); true by default. */
  allowAnonymous?: boolean;
  /** A TLS listener (`mqtts://`) with these PEM files; `requireCertificate` asks clients for one signed by `caFile`. */
  tls?: { caFile: string; certFile: string; keyFile: string; requireCertificate?: boolean };
  /** Users from a `mosquitto_passwd` file; anonymous clients are then refused unless `allowAnonymous`. */
  passwordFile?: string;
}

export interface Mosquitto {
  url: string;
  port: number;
  /** SIGTERM (mosquitto saves its persistence file then) and wait for the exit; idempotent. */
  stop(): Promise<void>;
  /** Stop if running, then start again on the same port with the same persistence. */
  restart(): Promise<void>;
}

/** A real broker on 127.0.0.1 for tests; resolves once it accepts connections. */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  let child: ChildProcess | undefined;
  let port = options.port ?? 0;
  for (let attempt = 1; ; attempt++) {
    if (!options.port) port = await freePort();
    try {
      child = await spawnBroker(port, options);
      break;
    } catch (err) {
      // A picked port can be taken by someone else before mosquitto binds it: pick another.
      if (options.port || attempt >= PORT_ATTEMPTS || !(err instanceof AddressInUse)) throw err;
    }
  }
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running) await terminate(running);
  };
  return {
    url: `${options.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    port,
    stop,
    restart: async () => {
      await stop();
      child = await spawnBroker(port, options);
    },
  };
}

class AddressInUse extends Error {}

function config(port: number, { persistenceDir, tls, passwordFile, allowAnonymous = !passwordFile }: MosquittoOptions): string {
  return [
    `listener ${port} 127.0.0.1`,
    `allow_anonymous ${allowAnonymous}`,
    ...(passwordFile ? [`password_file ${passwordFile}`] : []),
    ...(tls ? [`cafile ${tls.caFile}`, `certfile ${tls.certFile}`, `keyfile ${tls.keyFile}`, `require_certificate ${tls.requireCertificate ?? false}`] : []),
    // Mosquitto started as root switches to user `mosquitto`, which cannot write our temp dirs.
    `user ${os.userInfo().username}`,
    // A test broker must never be the one that drops a message, whatever a test queues up.
    'max_queued_messages 100000',
    'set_tcp_nodelay true',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    persistenceDir ? `persistence true\npersistence_location ${persistenceDir}/` : 'persistence false',
    '',
  ].join('\n');
}

async function spawnBroker(port: number, options: MosquittoOptions): Promise<ChildProcess> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-mosquitto-'));
  const confPath = path.join(dir, 'mosquitto.conf');
  await writeFile(confPath, config(port, options));
  const child = spawn(MOSQUITTO, ['-c', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.once('exit', () => void rm(dir, { recursive: true, force: true }));
  let log = '';
  // Always drained: a full stderr pipe would block the broker mid-test.
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-8_192);
  });
  try {
    await waitUntilRunning(child, () => log);
    await acceptsConnections(port, options.tls);
    return child;
  } catch (err) {
    await terminate(child);
    throw err;
  }
}

/** Mosquitto logs `running` only after every listener is bound, so the port is its own. */
function waitUntilRunning(child: ChildProcess, log: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`mosquitto did not start in ${START_TIMEOUT_MS} ms:\n${log()}`)), START_TIMEOUT_MS);
    const onData = (): void => {
      if (/mosquitto version \S+ running/.test(log())) done();
    };
    const onExit = (code: number | null): void => {
      const text = log();
      done(/address already in use/i.test(text) ? new AddressInUse(text) : new Error(`mosquitto exited (${code}):\n${text}`));
    };
    const done = (err?: Error): void => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    // Registered after the log collector, so `log()` already holds this chunk.
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/**
 * A CONNACK (accepting or not), not just a TCP accept: the kernel accepts before the broker's loop
 * runs, and mosquitto arms its run flag after logging `running`, so an early SIGTERM would be lost.
 */
function acceptsConnections(port: number, pem: MosquittoOptions['tls']): Promise<void> {
  // MQTT 3.1.1 CONNECT: clean session, keepalive 60 s, empty client id.
  const connect = Buffer.from([0x10, 12, 0, 4, ...Buffer.from('MQTT'), 4, 0x02, 0, 60, 0, 0]);
  return new Promise((resolve, reject) => {
    // The broker's own certificate doubles as a client certificate: both are signed by the test CA.
    const socket = pem
      ? tls.connect({ port, host: '127.0.0.1', ca: readFileSync(pem.caFile), cert: readFileSync(pem.certFile), key: readFileSync(pem.keyFile) }, () => socket.write(connect))
      : net.connect(port, '127.0.0.1', () => socket.write(connect));
    socket.once('data', (reply) => {
      socket.destroy();
      if (reply[0] === 0x20) resolve();
      else reject(new Error(`mosquitto on port ${port} answered CONNECT with packet type ${reply[0]}`));
    });
    socket.once('error', (err) => reject(new Error(`mosquitto on port ${port} refuses connections: ${err.message}`)));
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
