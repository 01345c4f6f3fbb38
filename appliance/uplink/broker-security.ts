import { readFileSync } from 'node:fs';
import { OutpostError } from '../../drivers/types.js';
import type { UplinkClientOptions } from './mqtt-uplink.js';

/** How an uplink authenticates and encrypts; file paths point at PEM files. */
export interface BrokerSecurity {
  username?: string;
  password?: string;
  /** CA bundle the broker's certificate must chain to; without it, the system's CAs. */
  caFile?: string;
  /** Client certificate and its key, for brokers that authenticate clients by certificate. */
  certFile?: string;
  keyFile?: string;
  /** Plain-text MQTT to a broker that is not on this machine is refused unless this is true. */
  allowInsecure?: boolean;
}

const PLAIN = new Set(['mqtt:', 'tcp:', 'ws:']);
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * The TLS and credential options of one uplink, checked before any socket opens: server certificates
 * are always verified, and credentials never cross a network in plain text unless the config says so.
 */
export function brokerClientOptions(url: string, security: BrokerSecurity): UplinkClientOptions {
  const parsed = new URL(url);
  if (PLAIN.has(parsed.protocol) && !LOCAL_HOSTS.has(parsed.hostname) && !security.allowInsecure) {
    throw new OutpostError(
      'UPLINK_INSECURE',
      `refusing plain-text MQTT to ${parsed.host}: use mqtts:// (or wss://), or set allowInsecure for a trusted network`,
      { host: parsed.host },
    );
  }
  if (Boolean(security.certFile) !== Boolean(security.keyFile)) {
    throw new OutpostError('UPLINK_TLS_FILE', 'a client certificate needs both certFile and keyFile', {});
  }
  return {
    ...(security.username === undefined ? {} : { username: security.username }),
    ...(security.password === undefined ? {} : { password: security.password }),
    ...(security.caFile ? { ca: pem(security.caFile, 'caFile') } : {}),
    ...(security.certFile ? { cert: pem(security.certFile, 'certFile') } : {}),
    ...(security.keyFile ? { key: pem(security.keyFile, 'keyFile') } : {}),
    rejectUnauthorized: true,
  };
}

function pem(path: string, field: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new OutpostError('UPLINK_TLS_FILE', `cannot read ${field} ${path}: ${(err as Error).message}`, { path, field }, { cause: err });
  }
}

const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/** CONNACK return codes (MQTT 3.1.1: 4, 5; MQTT 5: 134, 135) that mean "your credentials". */
const AUTH_REFUSED = new Set([4, 5, 134, 135]);

/** A connection failure as a code and a sentence an operator can act on; never includes credentials. */
export function describeConnectionError(err: Error & { code?: unknown }): { code: string; message: string } {
  const code = err.code;
  if (typeof code === 'string' && UNTRUSTED.has(code)) {
    return { code: 'UPLINK_TLS_UNTRUSTED', message: `the broker's TLS certificate is not trusted (${code}): check caFile and the broker's host name` };
  }
  if (typeof code === 'number' && AUTH_REFUSED.has(code)) {
    return { code: 'UPLINK_AUTH_REFUSED', message: `the broker refused the credentials (${err.message}): check username and password or the client certificate` };
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') {
    return { code: 'UPLINK_UNREACHABLE', message: `the broker cannot be reached (${code})` };
  }
  if (typeof code === 'string' && code.startsWith('ERR_SSL')) {
    return { code: 'UPLINK_TLS_FAILED', message: `TLS handshake failed (${code}): ${err.message}` };
  }
  return { code: 'UPLINK_CONNECT_FAILED', message: err.message || String(code ?? err.name) };
}

/** Doubles the delay up to `maxMs`, then takes 50–100 % of it, so a fleet does not reconnect in lockstep. */
export function jitteredBackoff(previousMs: number, limits: { minMs: number; maxMs: number }, random = Math.random): number {
  const base = Math.min(limits.maxMs, Math.max(limits.minMs, previousMs * 2));
  return Math.round(base * (0.5 + random() / 2));
}

/** The broker URL as it may appear in logs and the API: without user name or password. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
