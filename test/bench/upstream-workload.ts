import { buildScenario } from '../../drivers/sim/scenario.js';
import type { Reading } from '../../drivers/types.js';
import type { Summary } from '../../appliance/model/summary.js';
import { Pipeline } from '../../appliance/pipeline/pipeline.js';
import { decodePoint, encodePoint } from '../../drivers/modbus/profile.js';

export interface UpstreamHour {
  /** Every reading of the hour, as the drivers would deliver them. */
  readings: number;
  /** Each reading as the one-JSON-message-per-reading baseline would send it. */
  eachReading: (visit: (reading: Reading) => void) => void;
  /** The window summaries the pipeline closed in the hour. */
  summaries: Summary[];
  devices: number;
  streams: number;
}

const START_MS = Date.UTC(2026, 0, 5, 8, 0, 0);

/**
 * One hour of the factory scenario as the appliance sees it: every profile point of every device polled
 * each `pollMs` (the scenario's default 1 s), through the real pipeline with `windowSeconds` windows.
 */
export function factoryHour(opts: { windowSeconds: number; pollMs?: number; hours?: number }): UpstreamHour {
  const scenario = buildScenario('factory', { startMs: START_MS, days: 0 });
  const pollMs = opts.pollMs ?? 1000;
  const endMs = START_MS + (opts.hours ?? 1) * 3_600_000;
  const eachReading = (visit: (reading: Reading) => void): void => {
    for (let t = START_MS; t < endMs; t += pollMs) {
      for (const device of scenario.devices) {
        if (device.isDown(t)) continue;
        const id = `modbus:tcp/127.0.0.1:5020/${device.bus}/${device.unitId}`;
        for (const point of device.profile.points) {
          // The value as the driver reads it off the register: scaled integers keep only their resolution.
          const value = decodePoint(point, encodePoint(point, device.read(point.metric, t)));
          visit({ device: id, metric: point.metric, value, unit: point.unit, ts: t, quality: 'good' });
        }
      }
    }
  };
  const pipeline = new Pipeline({ windowMs: opts.windowSeconds * 1000, graceMs: 2000 });
  const summaries: Summary[] = [];
  let readings = 0;
  let batch: Reading[] = [];
  let batchTs = START_MS;
  eachReading((reading) => {
    readings++;
    if (reading.ts !== batchTs) {
      summaries.push(...pipeline.process(batch, batchTs + 1000).summaries);
      batch = [];
      batchTs = reading.ts;
    }
    batch.push(reading);
  });
  summaries.push(...pipeline.process(batch, endMs + 10_000).summaries);
  const streams = new Set(summaries.map((s) => `${s.device}|${s.metric}`)).size;
  return { readings, eachReading, summaries, devices: scenario.devices.length, streams };
}

/** Bytes of an MQTT 3.1.1 PUBLISH on the wire: fixed header, topic, packet id (QoS 1), payload. */
export function publishBytes(topic: string, payloadBytes: number, qos: 0 | 1 = 1): number {
  const remaining = 2 + Buffer.byteLength(topic) + (qos > 0 ? 2 : 0) + payloadBytes;
  const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
  return 1 + lengthBytes + remaining;
}
