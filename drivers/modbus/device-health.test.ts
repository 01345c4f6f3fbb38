import { describe, expect, it } from 'vitest';
import { DeviceHealthTracker } from './device-health.js';
import { classifyModbusError, isRetryable } from './errors.js';

describe('device health', () => {
  it('goes degraded at the first failed poll, offline after N in a row, ok again after one good poll', () => {
    const health = new DeviceHealthTracker(3);
    expect(health.recordSuccess(1)).toBe(true);
    expect(health.recordFailure('timeout')).toBe(true);
    expect(health.health).toMatchObject({ state: 'degraded', reason: 'timeout', lastSeen: 1 });
    expect(health.recordFailure('timeout')).toBe(false);
    expect(health.recordFailure('timeout')).toBe(true);
    expect(health.health.state).toBe('offline');
    expect(health.recordSuccess(9)).toBe(true);
    expect(health.health).toEqual({ state: 'ok', lastSeen: 9 });
  });

  it('calls a device that answers only some requests degraded, with what failed', () => {
    const health = new DeviceHealthTracker(3);
    health.recordSuccess(1, 'input 342+2: exception 2 (illegal data address)');
    expect(health.health).toMatchObject({ state: 'degraded', reason: /exception 2/ });
  });
});

describe('modbus error classification', () => {
  it('names modbus-serial errors in one vocabulary and retries only what can succeed later', () => {
    const timeout = classifyModbusError({ errno: 'ETIMEDOUT', message: 'Timed out' });
    expect(timeout.kind).toBe('timeout');
    expect(isRetryable(timeout)).toBe(true);
    const illegal = classifyModbusError(Object.assign(new Error('Modbus exception 2'), { modbusCode: 2 }));
    expect(illegal).toMatchObject({ kind: 'exception', message: 'exception 2 (illegal data address)' });
    expect(isRetryable(illegal)).toBe(false);
    expect(isRetryable(classifyModbusError({ modbusCode: 6 }))).toBe(true);
    expect(classifyModbusError(new Error('CRC error')).kind).toBe('crc');
    expect(classifyModbusError(new Error('Data length error, expected 9 got 8')).kind).toBe('malformed');
    expect(classifyModbusError(new Error('connect ECONNREFUSED 127.0.0.1:502')).kind).toBe('connection');
  });
});
