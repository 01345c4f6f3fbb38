import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalise } from '../../appliance/pipeline/normalise.js';
import type { Driver } from '../../drivers/types.js';
import { RecordingSink } from './recording-sink.js';
import { until } from './until.js';

export interface ContractSubject {
  driver: Driver;
  /** Device ids the driver must report, every one of which must deliver readings. */
  expectedDevices: string[];
  /** A write the driver must accept, and how to observe it on the other side of the wire. */
  write?: { command: Parameters<NonNullable<Driver['write']>>[0]; observed: () => Promise<number | boolean | undefined> };
  teardown(): Promise<void>;
}


/**
 * The behaviour every driver owes the appliance, whatever its protocol or transport (MQTT.js runs one
 * abstract suite against every store the same way). Call it inside a test file with a subject factory.
 */
export function driverContract(name: string, setup: () => Promise<ContractSubject>): void {
  describe(`driver contract: ${name}`, () => {
    let subject: ContractSubject;
    const sink = new RecordingSink();
    const controller = new AbortController();

    beforeAll(async () => {
      subject = await setup();
      await subject.driver.start(sink, controller.signal);
    });

    afterAll(async () => {
      await subject.driver.stop();
      await subject.teardown();
    });

    it('lists its devices with protocol-prefixed ids', () => {
      const ids = subject.driver.devices().map((d) => d.id).sort();
      expect(ids).toEqual([...subject.expectedDevices].sort());
      for (const device of subject.driver.devices()) expect(device.id.startsWith(`${subject.driver.protocol}:`)).toBe(true);
    });

    it('delivers readings from every device that the pipeline can make canonical', async () => {
      await until('a reading from every device', () =>
        subject.expectedDevices.every((id) => sink.received.some((r) => r.device === id)),
      );
      for (const reading of sink.received) {
        expect(normalise(reading).ok, `${reading.metric} [${reading.unit}] from ${reading.device}`).toBe(true);
        expect(reading.ts).toBeGreaterThan(Date.now() - 60_000);
      }
    });

    it('reports every device healthy once it answers', async () => {
      await until('all devices ok', () => subject.driver.devices().every((d) => d.health.state === 'ok'));
      expect(subject.driver.health().state).toBe('ok');
      expect(sink.changes.some((d) => d.health.state === 'ok')).toBe(true);
    });

    it('writes to an output when it has one', async (ctx) => {
      if (!subject.write || !subject.driver.write) return ctx.skip();
      await subject.driver.write(subject.write.command);
      expect(await subject.write.observed()).toEqual(subject.write.command.value);
    });

    it('stops delivering after stop, and stop is idempotent', async () => {
      await subject.driver.stop();
      await subject.driver.stop();
      const count = sink.received.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sink.received.length).toBe(count);
    });
  });
}
