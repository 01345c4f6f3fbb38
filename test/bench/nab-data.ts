import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCsv, type CsvRow } from '../../appliance/detect/detect-csv.js';

export const NAB_DIR = resolve(process.env['NAB_DIR'] ?? join(import.meta.dirname, '../../../shared/data/nab'));

export interface NabFile {
  name: string;
  rows: CsvRow[];
  ts: number[];
  windows: [number, number][];
}

/** NAB's timestamps are UTC without a zone: `2014-07-01 00:00:00[.000000]`. */
export function nabTime(text: string): number {
  return Date.parse(`${text.trim().replace(' ', 'T').replace(/\.\d+$/, '')}Z`);
}

/** Every file listed in `combined_windows.json`, with its rows and windows. */
export function loadNab(dir = NAB_DIR): NabFile[] {
  const windows = JSON.parse(readFileSync(join(dir, 'combined_windows.json'), 'utf8')) as Record<string, [string, string][]>;
  return Object.keys(windows)
    .sort()
    .map((name) => {
      const rows = parseCsv(readFileSync(join(dir, name), 'utf8'));
      return {
        name,
        rows,
        ts: rows.map((r) => nabTime(r.timestamp)),
        windows: (windows[name] ?? []).map(([a, b]) => [nabTime(a), nabTime(b)] as [number, number]),
      };
    });
}
