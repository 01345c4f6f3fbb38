import type { DeviceInfo, DriverHealth } from './types.js';

/** A driver's health from its devices': ok when all are (or there are none), offline when all are, else degraded. */
export function driverHealthOf(devices: readonly DeviceInfo[]): DriverHealth {
  const counts = { ok: 0, degraded: 0, offline: 0 };
  for (const { health } of devices) {
    if (health.state === 'ok' || health.state === 'degraded' || health.state === 'offline') counts[health.state] += 1;
  }
  const total = devices.length;
  const state = total === 0 || counts.ok === total ? 'ok' : counts.offline === total ? 'offline' : 'degraded';
  return { state, devices: counts };
}
