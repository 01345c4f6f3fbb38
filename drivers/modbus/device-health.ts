import type { DeviceHealth } from '../types.js';

/**
 * Health from consecutive poll outcomes: one failed poll makes a device `degraded`, `offlineAfter`
 * failed polls in a row make it `offline`; one good poll makes it `ok` again.
 * `record*` return true when the state changed, so only changes are reported upward.
 */
export class DeviceHealthTracker {
  private failures = 0;
  private current: DeviceHealth = { state: 'starting' };

  constructor(private readonly offlineAfter: number) {}

  get health(): DeviceHealth {
    return this.current;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  recordSuccess(ts: number, partialFailure?: string): boolean {
    this.failures = 0;
    const state = partialFailure ? 'degraded' : 'ok';
    return this.set({ state, lastSeen: ts, ...(partialFailure ? { reason: partialFailure } : {}) });
  }

  recordFailure(reason: string): boolean {
    this.failures += 1;
    const state = this.failures >= this.offlineAfter ? 'offline' : 'degraded';
    const lastSeen = this.current.lastSeen;
    return this.set({ state, reason, ...(lastSeen !== undefined ? { lastSeen } : {}) });
  }

  private set(next: DeviceHealth): boolean {
    const changed = next.state !== this.current.state || next.reason !== this.current.reason;
    this.current = next;
    return changed;
  }
}
