import { describe, expect, it } from 'vitest';
import type { Summary } from '../model/summary.js';
import { SUMMARY_SCHEMA_VERSION, summaryMessage, topicSegment } from './summary-message.js';

const summary: Summary = {
  device: 'modbus:tcp/127.0.0.1:5020/1',
  metric: 'voltage.l2',
  unit: 'V',
  start: 1_700_000_000_000,
  end: 1_700_000_060_000,
  count: 60,
  min: 229.1,
  max: 231.4,
  mean: 230.2,
  last: 230.9,
  stddev: 0.4,
  firstTs: 1_700_000_000_500,
  lastTs: 1_700_000_059_500,
  maxScore: null,
};

describe('summaryMessage', () => {
  it('publishes under one topic level per id, with the device id encoded reversibly', () => {
    const { topic } = summaryMessage('node-7', summary, 42);
    expect(topic).toBe('outpost/node-7/summary/modbus:tcp%2F127.0.0.1:5020%2F1/voltage.l2');
    const level = topic.split('/')[3] ?? '';
    expect(decodeURIComponent(level)).toBe(summary.device);
  });

  it('never leaves a wildcard or separator in a level, and round-trips % itself', () => {
    for (const id of ['a+b', 'x#y', 'rtu/dev/ttyUSB0/3', '50%/2', '%2F literally', 'zigbee:0x00124b0012345678']) {
      const level = topicSegment(id);
      expect(level).not.toMatch(/[/+#]/);
      expect(decodeURIComponent(level)).toBe(id);
    }
  });

  it('carries the schema version, the seq and every summary figure, times in ms epoch', () => {
    const { payload } = summaryMessage('node-7', { ...summary, maxScore: 0.93 }, 42);
    expect(JSON.parse(payload.toString('utf8'))).toEqual({
      v: SUMMARY_SCHEMA_VERSION,
      seq: 42,
      device: 'modbus:tcp/127.0.0.1:5020/1',
      metric: 'voltage.l2',
      unit: 'V',
      start: 1_700_000_000_000,
      end: 1_700_000_060_000,
      count: 60,
      min: 229.1,
      max: 231.4,
      mean: 230.2,
      last: 230.9,
      stddev: 0.4,
      maxScore: 0.93,
    });
  });

  it('sends maxScore as null until a detector has scored the stream', () => {
    const body = JSON.parse(summaryMessage('n', summary, 1).payload.toString('utf8')) as Record<string, unknown>;
    expect(body.maxScore).toBeNull();
  });
});
