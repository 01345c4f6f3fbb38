import { OutpostError } from '../../drivers/types.js';
import type { Detector } from './detector.js';

export interface CsvRow {
  timestamp: string;
  value: number;
  /** The value as written, echoed unchanged in the output. */
  text: string;
}

/** `timestamp,value` rows; a header line is skipped, a value that is not a number is kept as NaN (scored 0). */
export function parseCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, n) => {
    if (line.trim() === '' || (n === 0 && /^\s*timestamp\s*,/i.test(line))) return;
    const comma = line.indexOf(',');
    if (comma < 0) throw new OutpostError('DETECT_CSV', `line ${n + 1}: expected "timestamp,value", got "${line.slice(0, 80)}"`, { line: n + 1 });
    const field = line.slice(comma + 1).trim();
    rows.push({ timestamp: line.slice(0, comma), value: field === '' ? Number.NaN : Number(field), text: field });
  });
  return rows;
}

/**
 * Scores each row with only the rows before it, one row at a time through the appliance's detector, so
 * the CLI and the NAB benchmark exercise exactly what runs on the box.
 */
export async function scoreRows(rows: readonly CsvRow[], detector: Detector, stream = 'csv'): Promise<number[]> {
  const out: number[] = [];
  for (const row of rows) {
    const [score = 0] = await detector.score([{ stream, value: row.value }]);
    out.push(score);
  }
  return out;
}

export function formatCsv(rows: readonly CsvRow[], scores: readonly number[]): string {
  const lines = rows.map((row, i) => `${row.timestamp},${row.text},${(scores[i] ?? 0).toFixed(6)}`);
  return `timestamp,value,anomaly_score\n${lines.join('\n')}\n`;
}
