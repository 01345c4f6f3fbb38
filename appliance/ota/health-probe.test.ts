import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { probeHealth } from './health-probe.js';

let server: Server | undefined;
afterEach(() => void server?.close());

/** A /api/health that answers `body` with `status`; returns its URL. */
async function serve(status: number, body: unknown): Promise<string> {
  server = createServer((_request, response) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return `http://127.0.0.1:${address && typeof address === 'object' ? address.port : 0}/api/health`;
}

const services = (extra: Record<string, { state: string }>) => ({ release: { state: 'ok', version: '2.0.0' }, store: { state: 'ok' }, ...extra });

describe('the health gate of an update', () => {
  it('passes a ready version whose detector answered its sample, or that has detection off', async () => {
    expect(await probeHealth(await serve(200, { ready: true, services: services({ detect: { state: 'ok' } }) }), '2.0.0')).toEqual({ healthy: true });
    server?.close();
    expect(await probeHealth(await serve(200, { ready: true, services: services({}) }), '2.0.0')).toEqual({ healthy: true });
  });

  it('fails a ready version whose detector is degraded at once, without waiting for the deadline', async () => {
    const result = await probeHealth(await serve(200, { ready: true, status: 'degraded', services: services({ detect: { state: 'degraded' } }) }), '2.0.0');
    expect(result).toEqual({ healthy: false, final: true, problem: "detector degraded: no model loaded that gives its sample's output" });
  });

  it('keeps waiting while another version answers, or the new one is not ready or its uplink is down', async () => {
    expect(await probeHealth(await serve(200, { ready: true, services: services({}) }), '3.0.0')).toMatchObject({ healthy: false, problem: expect.stringMatching(/served by version 2\.0\.0/) });
    server?.close();
    const notReady = await probeHealth(await serve(503, { ready: false, services: services({ detect: { state: 'degraded' } }) }), '2.0.0');
    expect(notReady).toMatchObject({ healthy: false, problem: 'health 503, not ready: detect degraded' });
    expect(notReady.final).toBeUndefined();
    server?.close();
    expect(await probeHealth(await serve(200, { ready: true, services: services({ uplink: { state: 'connecting' } }) }), '2.0.0')).toEqual({ healthy: false, problem: 'uplink connecting' });
  });
});
