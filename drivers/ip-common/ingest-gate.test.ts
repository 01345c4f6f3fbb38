import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../appliance/log.js';
import { RecordingSink } from '../../test/support/recording-sink.js';
import { OutpostError } from '../types.js';
import { IngestGate } from './ingest-gate.js';

const one = () => ({ measurements: [{ metric: 'temperature', unit: '°C', value: 21 }], ignored: [] });

describe('ingest gate', () => {
  let sink: RecordingSink;
  let gate: IngestGate;

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    sink = new RecordingSink();
    gate = new IngestGate({
      protocol: 'mqtt',
      devices: [{ name: 'logger', offlineAfterSeconds: 30 }, { name: 'plug' }],
      rateLimit: { readingsPerSecond: 2, burst: 3 },
      log: silentLogger(),
    });
    gate.open(sink);
  });

  afterEach(() => {
    gate.close();
    vi.useRealTimers();
  });

  it('reports a push device offline after its silence limit, and ok again when it sends', () => {
    gate.admit('logger', one);
    vi.advanceTimersByTime(29_000);
    expect(sink.reached('mqtt:logger', 'offline')).toBeUndefined();
    vi.advanceTimersByTime(2_000);
    expect(sink.reached('mqtt:logger', 'offline')?.health.reason).toBe('nothing received for 30 s');
    expect(gate.devices().find((d) => d.id === 'mqtt:plug')?.health.state).toBe('starting');
    gate.admit('logger', one);
    expect(gate.devices().find((d) => d.id === 'mqtt:logger')?.health.state).toBe('ok');
  });

  it('refills the rate limit over time and refuses a message whole when it does not fit', () => {
    const three = () => ({ measurements: [1, 2, 3].map((value) => ({ metric: 'count', unit: '', value })), ignored: [] });
    expect(gate.admit('plug', three).accepted).toBe(3);
    expect(() => gate.admit('plug', one)).toThrow(OutpostError);
    vi.advanceTimersByTime(500);
    expect(gate.admit('plug', one).accepted).toBe(1);
    expect(() => gate.admit('plug', three)).toThrow(/more than 2 readings\/s/);
    expect(sink.countFrom('mqtt:plug')).toBe(4);
    expect(gate.stats().devices.plug).toEqual({ accepted: 4, refused: { RATE_LIMITED: 2 } });
  });

  it('counts messages for devices it does not know without keeping their names', () => {
    expect(() => gate.admit('stranger', one)).toThrow(/no mqtt device "stranger"/);
    expect(() => gate.admit('another', one)).toThrow(OutpostError);
    expect(gate.stats().unknownDevices).toBe(2);
    expect(Object.keys(gate.stats().devices)).toEqual(['logger', 'plug']);
  });
});
