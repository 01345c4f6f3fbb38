import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt at N=2^15: ~100 ms and 32 MiB on a Pi 4, slow enough to make offline guessing expensive. */
const PARAMS = { N: 32_768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_BYTES = 32;

export interface PasswordHash {
  algorithm: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
}

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return { algorithm: 'scrypt', N: PARAMS.N, r: PARAMS.r, p: PARAMS.p, salt: salt.toString('base64'), hash: key.toString('base64') };
}

/** Constant-time comparison; the stored parameters are used so a later change of PARAMS keeps old hashes valid. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(password, Buffer.from(stored.salt, 'base64'), { N: stored.N, r: stored.r, p: stored.p, maxmem: PARAMS.maxmem });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

const COMMON = ['password', 'outpost', 'admin', 'raspberry', 'qwerty', '123456', 'letmein', 'welcome', 'changeme'];

/**
 * Why a password is too weak, or undefined. Length counts most (NIST SP 800-63B); a mix of character
 * classes is asked of short ones only, and the names the box itself shows are refused as a password.
 */
export function passwordWeakness(password: string, context: readonly string[] = []): string | undefined {
  if (password.length < 10) return 'at least 10 characters';
  if (password.length > 256) return 'at most 256 characters';
  const lower = password.toLowerCase();
  if (new Set(lower).size < 5) return 'too many repeated characters';
  for (const word of [...COMMON, ...context.map((c) => c.toLowerCase()).filter((c) => c.length >= 4)]) {
    if (lower.includes(word)) return `must not contain "${word}"`;
  }
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (password.length < 16 && classes < 3) return 'use 16+ characters, or mix three of: lower case, upper case, digits, symbols';
  return undefined;
}
