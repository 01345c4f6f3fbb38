import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { PrimaryHostState } from './sparkplug-host-state.js';

const state = (online: boolean, timestamp?: number) => Buffer.from(JSON.stringify({ online, ...(timestamp === undefined ? {} : { timestamp }) }));

describe('PrimaryHostState (Sparkplug 3.0 STATE)', () => {
  it('ignores a STATE older than the last one seen, and takes a newer or equally timed one', () => {
    const host = new PrimaryHostState({ host: 'scada', log: silentLogger() });
    expect(host.receive(state(true, 2_000))).toBe(true);
    expect(host.receive(state(false, 1_000)), 'a delayed death of an earlier host session').toBeUndefined();
    expect(host.receive(state(false, 2_000))).toBe(false);
    expect(host.receive(state(true, 1_999))).toBeUndefined();
    expect(host.receive(state(true, 3_000))).toBe(true);
  });

  it('treats a STATE that is not JSON as offline, and one without a timestamp at its word', () => {
    const host = new PrimaryHostState({ host: 'scada', log: silentLogger() });
    expect(host.receive(Buffer.from('ONLINE'))).toBe(false);
    expect(host.receive(state(true))).toBe(true);
  });
});
