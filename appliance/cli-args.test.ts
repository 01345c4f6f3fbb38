import { describe, expect, it } from 'vitest';
import { parseCli } from './cli-args.js';

describe('command line', () => {
  it('maps run flags onto config overrides', () => {
    expect(parseCli(['run', '--scenario', 'factory', '--http', '0.0.0.0:9000', '--mqtt', 'mqtt://127.0.0.1:1883', '--window', '5', '--node-id', 'line-3', '--data', '/tmp/x'])).toEqual({
      command: 'run',
      overrides: {
        dataDir: '/tmp/x',
        scenario: 'factory',
        nodeId: 'line-3',
        http: { host: '0.0.0.0', port: 9000 },
        mqtt: { url: 'mqtt://127.0.0.1:1883' },
        pipeline: { windowSeconds: 5 },
      },
    });
    expect(parseCli(['run', '--http', '[::1]:8080'])).toMatchObject({ overrides: { http: { host: '::1', port: 8080 } } });
    expect(parseCli(['run', '--scenario', 'factory', '--scale', '4'])).toMatchObject({ overrides: { scenario: 'factory', scenarioScale: 4 } });
  });

  it('refuses bad flags with the usage text', () => {
    expect(() => parseCli(['run', '--scenario', 'moon'])).toThrow(/--scenario must be one of factory, city, none[\s\S]*Usage/);
    expect(() => parseCli(['run', '--window', '0'])).toThrow(/--window must be a positive number/);
    expect(() => parseCli(['run', '--scale', '0'])).toThrow(/--scale must be at least 1/);
    expect(() => parseCli(['run', '--http', 'localhost'])).toThrow(/HOST:PORT/);
    expect(() => parseCli(['run', '--frobnicate'])).toThrow(/frobnicate/);
    expect(() => parseCli(['emulate'])).toThrow(/emulate needs --scenario/);
  });

  it('parses the bundle, key and update commands, with device defaults for the agent', () => {
    expect(parseCli(['bundle', 'verify', '--pubkey', 'k.pub', 'x.bundle'])).toEqual({ command: 'bundle verify', pubkey: 'k.pub', file: 'x.bundle' });
    expect(parseCli(['bundle', 'create', '--key', 'k', '--out', 'o', '--min-version', '1.0.0'])).toEqual({ command: 'bundle create', key: 'k', out: 'o', from: '.', minVersion: '1.0.0' });
    expect(parseCli(['update', 'apply', '--bundle', 'b'])).toEqual({
      command: 'update apply',
      bundle: 'b',
      root: '/opt/outpost',
      data: '/var/lib/outpost',
      pubkey: '/var/lib/outpost/keys/outpost-update.pub',
      healthUrl: 'http://127.0.0.1:8080/api/health',
      serviceCtl: ['systemctl', '%s', 'outpost.service'],
      deadlineSeconds: 90,
    });
    expect(() => parseCli(['bundle', 'verify', '--pubkey', 'k.pub'])).toThrow(/exactly one FILE/);
    expect(() => parseCli(['keys', 'generate'])).toThrow(/keys generate needs --out/);
    expect(() => parseCli(['update', 'resume', '--service-ctl', 'systemctl restart'])).toThrow(/%s/);
  });

  it('defaults emulate to the loopback Modbus port range', () => {
    expect(parseCli(['emulate', '--scenario', 'factory'])).toEqual({ command: 'emulate', scenario: 'factory', host: '127.0.0.1', port: 5020, scale: 1 });
    expect(parseCli(['emulate', '--scenario', 'city', '--write-config', 'c.json'])).toMatchObject({ writeConfig: 'c.json' });
  });
});
