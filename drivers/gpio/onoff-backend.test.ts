import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openOnoffBackend } from './onoff-backend.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/sysfs/${name}`, import.meta.url));

describe('the onoff backend', () => {
  it('maps a header pin onto the chip base it found (Pi 4, kernel 6.6: BCM 17 is sysfs 529)', async () => {
    const backend = await openOnoffBackend(fixture('pi4-kernel-6.6'));
    expect(backend.description).toBe('gpiochip512 "pinctrl-bcm2711" base 512');
    // No real header here: onoff's export fails, and the error says which kernel number it tried.
    if (!existsSync('/sys/class/gpio/export')) {
      expect(() => backend.open(17, 'in', 'both')).toThrow(expect.objectContaining({ code: 'GPIO_OPEN_FAILED', message: expect.stringContaining('GPIO 17 (sysfs 529 on gpiochip512)') }));
    }
  });

  it('refuses a pin beyond the chip and fails clearly where no header chip exists', async () => {
    const backend = await openOnoffBackend(fixture('pi5-kernel-6.6'));
    expect(backend.description).toBe('gpiochip571 "pinctrl-rp1" base 571');
    expect(() => backend.open(60, 'in', 'both')).toThrow(expect.objectContaining({ code: 'GPIO_NO_SUCH_PIN' }));
    await expect(openOnoffBackend(fixture('no-header-chip'))).rejects.toMatchObject({ code: 'GPIO_NO_HEADER_CHIP' });
  });
});
