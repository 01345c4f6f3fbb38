import { X509Certificate, createPrivateKey } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { IClientOptions } from 'mqtt';
import { OutpostError } from '../../drivers/types.js';

const PEM = Type.String({ maxLength: 32_768 });

export const BrokerInput = Type.Object(
  {
    url: Type.String({ maxLength: 512 }),
    username: Type.Optional(Type.String({ maxLength: 256 })),
    password: Type.Optional(Type.String({ maxLength: 256 })),
    caCert: Type.Optional(PEM),
    clientCert: Type.Optional(PEM),
    clientKey: Type.Optional(PEM),
  },
  { additionalProperties: false },
);
export type BrokerInput = Static<typeof BrokerInput>;

const PROTOCOLS = new Set(['mqtt:', 'mqtts:', 'ws:', 'wss:']);

const invalid = (code: string, field: string, message: string) => new OutpostError(code, message, { field: `mqtt.${field}` });

/**
 * Checks what a browser form cannot: the URL parses with a broker scheme and a host, each PEM is a
 * certificate or key, and a client certificate comes with its own key. Empty fields count as absent.
 */
export function checkBroker(input: BrokerInput): BrokerInput {
  let url: URL;
  try {
    url = new URL(input.url.trim());
  } catch {
    throw invalid('BROKER_URL_INVALID', 'url', `"${input.url}" is not a URL; use mqtt://host:1883 or mqtts://host:8883`);
  }
  if (!PROTOCOLS.has(url.protocol) || url.hostname === '') {
    throw invalid('BROKER_URL_INVALID', 'url', `"${input.url}" is not a broker URL; use mqtt://, mqtts://, ws:// or wss:// and a host`);
  }
  if (url.username || url.password) throw invalid('BROKER_URL_INVALID', 'url', 'put the user name and password in their own fields, not in the URL');
  const present = (s: string | undefined) => (s && s.trim() !== '' ? s.trim() : undefined);
  const caCert = present(input.caCert);
  const clientCert = present(input.clientCert);
  const clientKey = present(input.clientKey);
  if (caCert) certificate(caCert, 'caCert');
  if (clientCert || clientKey) {
    if (!clientCert || !clientKey) throw invalid('CERT_INVALID', clientCert ? 'clientKey' : 'clientCert', 'a client certificate needs its private key, and the other way round');
    const cert = certificate(clientCert, 'clientCert');
    let key;
    try {
      key = createPrivateKey(clientKey);
    } catch {
      throw invalid('CERT_INVALID', 'clientKey', 'not a PEM private key (unencrypted PKCS#8, PKCS#1 or SEC1)');
    }
    if (!cert.checkPrivateKey(key)) throw invalid('CERT_INVALID', 'clientKey', 'this key does not belong to the client certificate');
  }
  return {
    url: url.toString().replace(/\/$/, ''),
    ...(present(input.username) ? { username: present(input.username) } : {}),
    ...(input.password ? { password: input.password } : {}),
    ...(caCert ? { caCert } : {}),
    ...(clientCert ? { clientCert } : {}),
    ...(clientKey ? { clientKey } : {}),
  };
}

function certificate(pem: string, field: string): X509Certificate {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw invalid('CERT_INVALID', field, 'not a PEM certificate (-----BEGIN CERTIFICATE-----)');
  }
  if (Date.parse(cert.validTo) < Date.now()) throw invalid('CERT_INVALID', field, `the certificate expired on ${cert.validTo}`);
  return cert;
}

export function clientOptions(broker: BrokerInput): IClientOptions {
  return {
    ...(broker.username ? { username: broker.username } : {}),
    ...(broker.password ? { password: broker.password } : {}),
    ...(broker.caCert ? { ca: broker.caCert } : {}),
    ...(broker.clientCert ? { cert: broker.clientCert } : {}),
    ...(broker.clientKey ? { key: broker.clientKey } : {}),
  };
}
