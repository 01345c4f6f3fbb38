import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestPki {
  dir: string;
  /** The test CA that signed the broker's and the client's certificates. */
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** Another CA, which signed nothing here: a client trusting only it must refuse the broker. */
  otherCaFile: string;
  remove(): Promise<void>;
}

/**
 * A throwaway PKI made with the `openssl` CLI: a CA, a server certificate for 127.0.0.1/localhost, a
 * client certificate, and an unrelated CA. EC P-256 keys keep it to well under a second.
 */
export async function createTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-pki-'));
  const file = (name: string): string => path.join(dir, name);
  const key = (name: string) => run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file(name)]);
  const ca = async (name: string): Promise<void> => {
    await key(`${name}.key`);
    await run('openssl', ['req', '-x509', '-new', '-key', file(`${name}.key`), '-days', '2', '-subj', `/CN=${name}`, '-out', file(`${name}.crt`)]);
  };
  const leaf = async (name: string, cn: string, extensions: string): Promise<void> => {
    await key(`${name}.key`);
    await run('openssl', ['req', '-new', '-key', file(`${name}.key`), '-subj', `/CN=${cn}`, '-out', file(`${name}.csr`)]);
    await writeFile(file(`${name}.ext`), extensions);
    await run('openssl', [
      'x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial',
      '-days', '2', '-extfile', file(`${name}.ext`), '-out', file(`${name}.crt`),
    ]);
  };
  await Promise.all([ca('ca'), ca('other-ca')]);
  await leaf('server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  await leaf('client', 'outpost-test-client', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caFile: file('ca.crt'),
    serverCertFile: file('server.crt'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.crt'),
    clientKeyFile: file('client.key'),
    otherCaFile: file('other-ca.crt'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A Mosquitto password file (hashed by `mosquitto_passwd`) with one user. */
export async function createPasswordFile(dir: string, username: string, password: string): Promise<string> {
  const passwordFile = path.join(dir, 'passwords');
  await writeFile(passwordFile, '', { mode: 0o600 });
  await run('mosquitto_passwd', ['-b', passwordFile, username, password]);
  return passwordFile;
}
