import { connect, type ErrorWithReasonCode } from 'mqtt';
import { clientOptions, type BrokerInput } from './broker-settings.js';

export interface ProbeAnswer {
  ok: boolean;
  /** What the broker (or the network) actually said: the CONNACK, or the socket or TLS error. */
  answer: string;
  ms: number;
}

/** MQTT v3.1.1 CONNACK return codes, as brokers send them to a v4 client. */
const CONNACK: Record<number, string> = {
  1: 'unacceptable protocol version',
  2: 'identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
};

/** One connection attempt, no retry: the answer the setup page shows next to "test connection". */
export function probeBroker(broker: BrokerInput, timeoutMs = 5_000): Promise<ProbeAnswer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const client = connect(broker.url, {
      ...clientOptions(broker),
      clientId: `outpost-probe-${process.pid}-${started}`,
      connectTimeout: timeoutMs,
      reconnectPeriod: 0,
      clean: true,
    });
    let settled = false;
    const finish = (ok: boolean, answer: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end(true);
      resolve({ ok, answer, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false, `no answer within ${timeoutMs} ms`), timeoutMs + 500);
    client.on('connect', (connack) => finish(true, `connected: CONNACK return code ${connack.returnCode ?? 0} (accepted)`));
    client.on('error', (error: ErrorWithReasonCode | NodeJS.ErrnoException) => {
      const code = (error as ErrorWithReasonCode).code;
      if (typeof code === 'number') finish(false, `refused: CONNACK return code ${code} (${CONNACK[code] ?? error.message})`);
      else finish(false, `${code ? `${code}: ` : ''}${error.message}`);
    });
    client.on('close', () => finish(false, 'the broker closed the connection without a CONNACK'));
  });
}
