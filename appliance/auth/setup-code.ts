import { randomInt, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../durable-fs.js';

/** Without 0/O, 1/I/L: the code is read off a console or a card and typed on a phone. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const GROUPS = 3;
const GROUP_LENGTH = 4;
export const SETUP_CODE_FILE = 'outpost-setup-code.txt';

/** 12 symbols from 31: ~59 bits, with a rate limit on guesses. */
export function generateSetupCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/** Case, spaces and dashes do not matter when typed. */
export function normaliseSetupCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export function setupCodeMatches(expected: string, typed: string): boolean {
  const a = Buffer.from(normaliseSetupCode(expected));
  const b = Buffer.from(normaliseSetupCode(typed));
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Where the code is written: the data folder, and the boot partition when there is one (readable from the SD card). */
export function setupCodePaths(dataDir: string, bootDir: string | undefined): string[] {
  return [join(dataDir, SETUP_CODE_FILE), ...(bootDir && existsSync(bootDir) ? [join(bootDir, SETUP_CODE_FILE)] : [])];
}

/** The code already written by an earlier start, so a reboot during setup does not change it. */
export function existingSetupCode(dataDir: string): string | undefined {
  try {
    const match = /code:\s*([A-Z0-9-]+)/.exec(readFileSync(join(dataDir, SETUP_CODE_FILE), 'utf8'));
    return match?.[1];
  } catch {
    return undefined;
  }
}

export function writeSetupCode(paths: readonly string[], code: string): string[] {
  const text = `Outpost setup code: ${code}\nOpen http://outpost.local (or this box's address) and enter it to set the admin password.\n`;
  const written: string[] = [];
  for (const path of paths) {
    try {
      writeFileAtomic(path, text, 0o600);
      written.push(path);
    } catch {
      // A read-only or missing boot partition: the console and the journal still show the code.
    }
  }
  return written;
}

export function removeSetupCode(paths: readonly string[]): void {
  for (const path of paths) rmSync(path, { force: true });
}
