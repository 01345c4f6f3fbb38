import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from './load.js';
import { saveConfigAtomically } from './save.js';

const meter = { name: 'press 1', transport: { type: 'tcp', host: '127.0.0.1', port: 5020 }, unitId: 1, profile: 'sdm120' };

describe('config', () => {
  it('fills defaults a laptop can run with, down to nested transports', () => {
    const config = parseConfig({ modbus: { devices: [meter, { ...meter, unitId: 2, transport: { type: 'rtu', path: '/dev/ttyUSB0' } }] } }, 'test');
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.dataDir).toBe('./var');
    expect(config.pipeline.windowSeconds).toBe(60);
    expect(config.modbus.devices[0]).toMatchObject({ intervalMs: 1000, timeoutMs: 500, retries: 2 });
    expect(config.modbus.devices[1]?.transport).toEqual({ type: 'rtu', path: '/dev/ttyUSB0', baudRate: 9600, parity: 'none', dataBits: 8, stopBits: 1 });
    expect(config.nodeId).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Object.isFrozen(config.modbus.devices[0])).toBe(true);
  });

  it('refuses a broken field with a message naming it', () => {
    expect(() => parseConfig({ modbus: { devices: [{ ...meter, unitId: 300 }] } }, 'site.json')).toThrow(/site\.json: \/modbus\/devices\/0\/unitId/);
    expect(() => parseConfig({ http: { port: 'eighty' } }, 'c')).toThrow(/\/http\/port/);
    expect(() => parseConfig({ windowSecs: 5 }, 'c')).toThrow(/CONFIG|windowSecs|additional/i);
  });

  it('refuses unknown profiles, empty generic maps, non-canonical metrics and duplicate unit ids', () => {
    expect(() => parseConfig({ modbus: { devices: [{ ...meter, profile: 'sdm999' }] } }, 'c')).toThrow(/\/modbus\/devices\/0\/profile: unknown profile "sdm999"/);
    expect(() => parseConfig({ modbus: { devices: [{ ...meter, profile: 'generic' }] } }, 'c')).toThrow(/\/points/);
    const odd = { ...meter, profile: 'generic', points: [{ metric: 'vibes', table: 'input', address: 0, type: 'int16', unit: '' }] };
    expect(() => parseConfig({ modbus: { devices: [odd] } }, 'c')).toThrow(/points\/0\/metric: "vibes" is not a canonical metric/);
    expect(() => parseConfig({ modbus: { devices: [meter, { ...meter, name: 'twin' }] } }, 'c')).toThrow(/devices\/1\/unitId: unit 1/);
  });

  it('lets command-line flags override the file without dropping its other fields', () => {
    const config = parseConfig({ http: { host: '0.0.0.0', port: 80 } }, 'c', { http: { port: 9000 }, scenario: 'factory' });
    expect(config.http).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(config.scenario).toBe('factory');
  });

  it('reports unreadable and non-JSON files by path, and round-trips an atomic save', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-config-'));
    const path = join(dir, 'config.json');
    expect(() => loadConfigFile(path)).toThrow(/cannot read config .*config\.json/);
    writeFileSync(path, '{ "http": ');
    expect(() => loadConfigFile(path)).toThrow(/config\.json: not valid JSON/);
    const config = parseConfig({ nodeId: 'line-3', modbus: { devices: [meter] } }, 'c');
    saveConfigAtomically(path, config);
    expect(loadConfigFile(path)).toEqual(config);
    expect(JSON.parse(readFileSync(path, 'utf8')).nodeId).toBe('line-3');
  });
});
