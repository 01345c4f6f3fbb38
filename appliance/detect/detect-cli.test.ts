import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runDetectCli } from './detect-cli.js';

async function detect(csv: string): Promise<string[]> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (c: Buffer) => chunks.push(c));
  await runDetectCli({ input: Readable.from([Buffer.from(csv)]), output });
  return Buffer.concat(chunks).toString('utf8').trim().split('\n');
}

const rows = Array.from({ length: 420 }, (_, i) => `2024-01-01T${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z,${(20 + Math.sin(i / 10)).toFixed(3)}`);

describe('outpost detect', () => {
  it('writes timestamp,value,anomaly_score for every row with values echoed as written, a score in [0, 1], a missing value scored 0', async () => {
    const out = await detect(`timestamp,value\n${rows.join('\n')}\n2024-01-01T07:00:00Z,\n2024-01-01T07:01:00Z,95\n`);
    expect(out[0]).toBe('timestamp,value,anomaly_score');
    expect(out).toHaveLength(rows.length + 3);
    expect(out[1]).toBe(`${rows[0]},0.000000`);
    for (const line of out.slice(1)) expect(Number(line.split(',')[2])).toBeGreaterThanOrEqual(0);
    expect(out.at(-2)).toBe('2024-01-01T07:00:00Z,,0.000000');
    expect(out.at(-1)).toBe('2024-01-01T07:01:00Z,95,1.000000');
  });

  it('scores each row with only the rows before it: a later row never changes an earlier score', async () => {
    const whole = await detect(rows.join('\n'));
    const prefix = await detect(rows.slice(0, 380).join('\n'));
    expect(whole.slice(0, prefix.length)).toEqual(prefix);
  });
});
