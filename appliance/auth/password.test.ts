import { describe, expect, it } from 'vitest';
import { hashPassword, passwordWeakness, verifyPassword } from './password.js';

describe('admin password', () => {
  it('is stored as a salted scrypt hash that verifies only the same password', async () => {
    const stored = await hashPassword('Correct-Horse-42');
    expect(stored).toMatchObject({ algorithm: 'scrypt', N: 32_768, r: 8, p: 1 });
    expect(JSON.stringify(stored)).not.toContain('Correct-Horse-42');
    expect(await verifyPassword('Correct-Horse-42', stored)).toBe(true);
    expect(await verifyPassword('correct-horse-42', stored)).toBe(false);
    expect((await hashPassword('Correct-Horse-42')).salt).not.toBe(stored.salt);
  });

  it('refuses short, repetitive, common or site-named passwords and says why', () => {
    expect(passwordWeakness('Ab1!')).toBe('at least 10 characters');
    expect(passwordWeakness('aaaaaaaaaaaa')).toBe('too many repeated characters');
    expect(passwordWeakness('MyPassword2024!')).toBe('must not contain "password"');
    expect(passwordWeakness('Machinehall-99', ['machinehall'])).toBe('must not contain "machinehall"');
    expect(passwordWeakness('lowercaseonly')).toMatch(/16\+ characters, or mix three/);
    expect(passwordWeakness('a long passphrase of plain words')).toBeUndefined();
    expect(passwordWeakness('Correct-Horse-42')).toBeUndefined();
  });
});
