import Database from 'better-sqlite3';
import { OutpostError } from '../../drivers/types.js';

/** SQLite result codes that mean the medium failed us rather than the data being wrong. */
const IO_CODES = ['SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PROTOCOL', 'SQLITE_NOLFS'];
const CORRUPT_CODES = ['SQLITE_CORRUPT', 'SQLITE_NOTADB'];

/**
 * Wraps an error from SQLite (or from the file system while opening) into an OutpostError that
 * names the database file and what the store was doing. Codes: `STORE_FULL` (disk or size limit
 * full), `STORE_IO` (the medium failed), `STORE_CORRUPT`, and `STORE_WRITE` for anything else SQLite
 * refused.
 */
export function storeError(err: unknown, path: string, doing: string): OutpostError {
  if (err instanceof OutpostError) return err;
  const cause = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  const why = err instanceof Error ? err.message : String(err);
  return new OutpostError(classify(cause), `store ${path}: ${doing} failed: ${why}`, { path, cause }, { cause: err });
}

/** SQLite refused or failed; anything else (a bug, a payload builder throwing) passes through as is. */
export function isSqliteError(err: unknown): boolean {
  return err instanceof Database.SqliteError;
}

function classify(code: string): string {
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC') return 'STORE_FULL';
  if (CORRUPT_CODES.some((c) => code.startsWith(c))) return 'STORE_CORRUPT';
  if (IO_CODES.some((c) => code.startsWith(c)) || !code.startsWith('SQLITE_')) return 'STORE_IO';
  return 'STORE_WRITE';
}
