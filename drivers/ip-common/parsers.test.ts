import { encode } from 'cborg';
import { describe, expect, it } from 'vitest';
import { OutpostError } from '../types.js';
import * as doc from './fixtures/documented-payloads.js';
import { parseMappedJson } from './json-mapping.js';
import { compactSummaryMessages } from '../../appliance/uplink/summary-message-v2.js';
import { parseOutpostRaw, rawReadings } from './outpost-raw.js';
import { parseOutpostSummaries, summaryReadings } from './outpost-summary.js';
import { parseSenmlCbor, parseSenmlJson } from './senml.js';
import { parseShellyNotification } from './shelly-gen2.js';
import { parseTasmotaSensor } from './tasmota.js';

const NOW = Date.UTC(2026, 0, 1);

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof OutpostError) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('SenML (RFC 8428)', () => {
  it('reads a single datapoint whose name is only a device id by its unit', () => {
    const { measurements } = parseSenmlJson(doc.SENML_SINGLE_DATAPOINT, NOW);
    expect(measurements).toEqual([{ metric: 'temperature', unit: '°C', value: 23.1, ts: NOW }]);
  });

  it('joins the base name to each record name and takes the metric from the last segment', () => {
    const { measurements } = parseSenmlJson(doc.SENML_MULTIPLE_DATAPOINTS, NOW);
    expect(measurements.map((m) => [m.metric, m.unit, m.value])).toEqual([['voltage', 'V', 120.1], ['current', 'A', 1.2]]);
  });

  it('resolves base time, base unit and relative times', () => {
    const { measurements } = parseSenmlJson(doc.SENML_MULTIPLE_MEASUREMENTS, NOW);
    expect(measurements).toHaveLength(7);
    expect(measurements[0]).toEqual({ metric: 'voltage', unit: 'V', value: 120.1, ts: 1276020076001 });
    expect(measurements.slice(1).map((m) => [m.unit, m.value, m.ts])).toEqual([
      ['A', 1.2, 1276020071001], ['A', 1.3, 1276020072001], ['A', 1.4, 1276020073001],
      ['A', 1.5, 1276020074001], ['A', 1.6, 1276020075001], ['A', 1.7, 1276020076001],
    ]);
  });

  it('keeps humidity and battery and lists the position records it has no metric for', () => {
    const { measurements, ignored } = parseSenmlJson(doc.SENML_MULTIPLE_DATA_TYPES, NOW);
    expect(measurements.filter((m) => m.metric === 'humidity').map((m) => m.value)).toEqual([20, 20.3, 20.7, 21.2]);
    expect(measurements.find((m) => m.metric === 'battery')).toEqual({ metric: 'battery', unit: '%', value: 98, ts: 1320067614000 });
    expect(ignored).toHaveLength(8);
    expect(ignored[0]?.reason).toMatch(/lon/);
  });

  it('decodes the CBOR example with integer labels to the same readings as its JSON', () => {
    const { measurements } = parseSenmlCbor(Buffer.from(doc.SENML_CBOR_EXAMPLE_HEX, 'hex'), NOW);
    expect(measurements).toEqual([
      { metric: 'voltage', unit: 'V', value: 120.1, ts: 1276020076001 },
      { metric: 'current', unit: 'A', value: 1.2, ts: 1276020076001 },
    ]);
  });

  it('turns sums, booleans and joules into numbers in our units', () => {
    const pack = [{ bn: 'meter-1/', n: 'energy', u: 'J', s: 7_200_000 }, { n: 'door', vb: true }, { n: 'note', vs: 'hello' }];
    const { measurements, ignored } = parseSenmlJson(JSON.stringify(pack), NOW);
    expect(measurements.map((m) => [m.metric, m.unit, m.value])).toEqual([['energy', 'kWh', 2], ['door', '', 1]]);
    expect(ignored).toEqual([{ field: 'meter-1/note', reason: 'carries a string or data value, not a number' }]);
  });

  it('refuses what is not a SenML pack, naming the record and the field', () => {
    expect(refusal(() => parseSenmlJson('{"n":', NOW))).toMatch(/^PAYLOAD_NOT_JSON/);
    expect(refusal(() => parseSenmlCbor(Buffer.from('{"n":"x"}'), NOW))).toMatch(/^PAYLOAD_NOT_CBOR/);
    expect(refusal(() => parseSenmlJson('{"n":"x","v":1}', NOW))).toMatch(/^SENML_INVALID: a SenML pack is an array/);
    expect(refusal(() => parseSenmlJson('[{"u":"Cel","v":21}]', NOW))).toMatch(/^SENML_NO_NAME: SenML record 0 has no name/);
    expect(refusal(() => parseSenmlJson('[{"bn":"a:","bt":"yesterday","n":"temp","v":1}]', NOW))).toMatch(/record 0 has a "bt" that is not a number/);
    expect(refusal(() => parseSenmlJson('[{"n":"temp","v":"21"}]', NOW))).toMatch(/"v" that is not a number/);
    expect(refusal(() => parseSenmlJson('[{"n":"temp","v":1,"foo_":2}]', NOW))).toMatch(/must-understand/);
    expect(refusal(() => parseSenmlJson('[{"n":"-bad name","v":1}]', NOW))).toMatch(/§4.5.1/);
    expect(refusal(() => parseSenmlJson('[{"bver":11,"n":"temp","v":1}]', NOW))).toMatch(/version 11/);
    expect(refusal(() => parseSenmlCbor(encode([{ n: 'x', v: 1 }, 'not a record']), NOW))).toMatch(/record 1 is not an object/);
  });
});

describe('Tasmota tele/<topic>/SENSOR', () => {
  it('reads a DHT22', () => {
    const { measurements } = parseTasmotaSensor(doc.TASMOTA_DHT22);
    expect(measurements).toEqual([{ metric: 'temperature', unit: '°C', value: 23.9 }, { metric: 'humidity', unit: '%', value: 34.1 }]);
  });

  it('reads an SCD40, keeping the estimated eCO2 apart from CO2 and skipping the dew point', () => {
    const { measurements } = parseTasmotaSensor(doc.TASMOTA_SCD40);
    expect(measurements.map((m) => [m.metric, m.value])).toEqual([['co2', 618], ['co2.eco2', 623], ['temperature', 23.8], ['humidity', 61.1]]);
  });

  it('reads the energy monitor of a Sonoff POW and the ADC as a light sensor', () => {
    const energy = parseTasmotaSensor(doc.TASMOTA_POW_ENERGY).measurements;
    expect(Object.fromEntries(energy.map((m) => [m.metric, m.value]))).toEqual({
      energy: 6.404, power: 2629, apparent_power: 2645, reactive_power: 288, power_factor: 0.99, voltage: 226, current: 11.677,
    });
    expect(parseTasmotaSensor(doc.TASMOTA_ANALOG_LIGHT).measurements).toEqual([{ metric: 'illuminance', unit: 'lx', value: 8 }]);
  });

  it('reads a switch as state 1/0 and Fahrenheit as °F', () => {
    expect(parseTasmotaSensor(doc.TASMOTA_SWITCH).measurements).toEqual([{ metric: 'state.switch1', unit: '', value: 1 }]);
    const f = parseTasmotaSensor('{"DS18B20":{"Temperature":70.1},"TempUnit":"F","Epoch":1700000000}').measurements;
    expect(f).toEqual([{ metric: 'temperature', unit: '°F', value: 70.1, ts: 1_700_000_000_000 }]);
  });

  it('refuses a payload that is not a JSON object', () => {
    expect(refusal(() => parseTasmotaSensor('Online'))).toMatch(/^PAYLOAD_NOT_JSON/);
    expect(refusal(() => parseTasmotaSensor('[1,2]'))).toMatch(/^PAYLOAD_INVALID/);
  });
});

describe('Shelly Gen2 NotifyStatus', () => {
  it('reads a switch output change as state with the frame time', () => {
    const { measurements } = parseShellyNotification(doc.SHELLY_NOTIFY_SWITCH_OUTPUT);
    expect(measurements).toEqual([{ metric: 'state.switch0', unit: '', value: 1, ts: 1631186545040 }]);
  });

  it('finds nothing to measure in a cloud status change', () => {
    expect(parseShellyNotification(doc.SHELLY_NOTIFY_CLOUD).measurements).toEqual([]);
  });

  it('reads power, voltage, current, energy in Wh and the switch temperature', () => {
    const { measurements } = parseShellyNotification(doc.SHELLY_NOTIFY_SWITCH_METERING);
    expect(measurements.map((m) => [m.metric, m.unit, m.value])).toEqual([
      ['power.switch0', 'W', 8.9], ['voltage.switch0', 'V', 233.1], ['current.switch0', 'A', 0.041],
      ['energy.switch0', 'Wh', 6.532], ['temperature.switch0', '°C', 43.5],
    ]);
  });

  it('gives a sensor component its plain metric name', () => {
    const frame = { method: 'NotifyStatus', params: { ts: 1, 'temperature:0': { id: 0, tC: 21.5 }, 'humidity:0': { id: 0, rh: 40 } } };
    expect(parseShellyNotification(JSON.stringify(frame)).measurements.map((m) => m.metric)).toEqual(['temperature', 'humidity']);
  });

  it('refuses a frame that is not a notification', () => {
    expect(refusal(() => parseShellyNotification('{"id":1,"result":{}}'))).toMatch(/^PAYLOAD_INVALID: a Shelly notification/);
  });
});

describe('generic JSON with a mapping', () => {
  const mapping = {
    fields: [
      { path: 'env.t', metric: 'temperature', unit: '°F' },
      { path: 'meters.1.p', metric: 'power', unit: 'W', scale: 0.1 },
      { path: 'env.co2', metric: 'co2', unit: 'ppm' },
    ],
    timePath: 'at',
  };

  it('picks each mapped path, scales it and takes the time from the payload', () => {
    const { measurements, ignored } = parseMappedJson('{"at":"2026-01-01T00:00:00Z","env":{"t":68},"meters":[{"p":1},{"p":1234}]}', mapping);
    expect(measurements).toEqual([
      { metric: 'temperature', unit: '°F', value: 68, ts: NOW },
      { metric: 'power', unit: 'W', value: 123.4, ts: NOW },
    ]);
    expect(ignored).toEqual([{ field: 'env.co2', reason: 'missing or not a number' }]);
  });

  it('refuses a time it cannot read', () => {
    expect(refusal(() => parseMappedJson('{"at":"soon"}', mapping))).toMatch(/^PAYLOAD_INVALID: the time at "at"/);
  });
});

describe('Outpost summaries from a gateway', () => {
  const summary = { v: 1, seq: 42, device: 'modbus:tcp/10.0.0.5:502/1', metric: 'power', unit: 'W', start: 0, end: 60_000, count: 60, min: 1, max: 3, mean: 2, last: 2, stddev: 0.5, maxScore: null };

  it('reads a summary as its mean at the window end, from the gateway device, with its sequence number', () => {
    const entries = parseOutpostSummaries(JSON.stringify(summary));
    expect(entries.map((e) => e.seq)).toEqual([42]);
    expect(summaryReadings(entries)).toEqual({ measurements: [{ metric: 'power', unit: 'W', value: 2, ts: 60_000, source: 'modbus:tcp/10.0.0.5:502/1' }], ignored: [] });
  });

  it('reads a JSON v2 message as one summary per entry, each with its own seq', () => {
    const rows = [42, 43].map((seq, i) => ({ seq, qos: 1 as const, topic: `outpost/gw/summary/d/${i ? 'energy' : 'power'}`, payload: Buffer.from(JSON.stringify({ ...summary, seq, metric: i ? 'energy' : 'power', unit: i ? 'kWh' : 'W' })) }));
    const [message] = compactSummaryMessages(rows);
    const entries = parseOutpostSummaries(message!.payload);
    expect(entries.map((e) => [e.seq, e.metric, e.mean])).toEqual([[42, 'power', 2], [43, 'energy', 2]]);
  });

  it('refuses another schema version or a missing field', () => {
    expect(refusal(() => parseOutpostSummaries(JSON.stringify({ ...summary, v: 3 })))).toMatch(/^PAYLOAD_INVALID: summary schema version 3/);
    expect(refusal(() => parseOutpostSummaries(JSON.stringify({ ...summary, mean: undefined })))).toMatch(/needs seq, device, metric/);
    expect(refusal(() => parseOutpostSummaries(JSON.stringify({ v: 2, q: 1, d: 'x', s: 0, e: 1, m: [{ k: 'power' }] })))).toMatch(/entry 0 needs k, u and av/);
  });
});

describe('Outpost raw readings (a gateway forwarding for real time)', () => {
  const raw = { v: 1, seq: 7, device: 'http:boiler', readings: [{ metric: 'temperature', unit: '°C', value: 61.5, ts: 1_000 }] };

  it('reads each reading at its own time as a reading of the gateway device', () => {
    expect(rawReadings(parseOutpostRaw(JSON.stringify(raw)))).toEqual({ measurements: [{ metric: 'temperature', unit: '°C', value: 61.5, ts: 1_000, source: 'http:boiler' }], ignored: [] });
  });

  it('refuses another version, a missing field or a reading without its time', () => {
    expect(refusal(() => parseOutpostRaw(JSON.stringify({ ...raw, v: 2 })))).toMatch(/^PAYLOAD_INVALID: raw readings schema version 2/);
    expect(refusal(() => parseOutpostRaw(JSON.stringify({ ...raw, seq: undefined })))).toMatch(/need seq, device and readings/);
    expect(refusal(() => parseOutpostRaw(JSON.stringify({ ...raw, readings: [{ metric: 'temperature', unit: '°C', value: 1 }] })))).toMatch(/raw reading 0 needs metric, unit, value and ts/);
    expect(refusal(() => parseOutpostRaw('not json'))).toMatch(/^PAYLOAD_NOT_JSON/);
  });
});
