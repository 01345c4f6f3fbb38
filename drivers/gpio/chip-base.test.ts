import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findHeaderChip } from './chip-base.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/sysfs/${name}`, import.meta.url));

describe('header chip discovery from sysfs', () => {
  it.each([
    ['pi4-kernel-6.1', 'gpiochip0', 'pinctrl-bcm2711', 0],
    ['pi4-kernel-6.6', 'gpiochip512', 'pinctrl-bcm2711', 512],
    ['pi5-kernel-6.6', 'gpiochip571', 'pinctrl-rp1', 571],
    ['pi3-kernel-6.6', 'gpiochip512', 'pinctrl-bcm2835', 512],
  ])('%s: header on %s (%s) at base %i', (tree, chip, label, base) => {
    expect(findHeaderChip(fixture(tree))).toMatchObject({ chip, label, base });
  });

  it('fails with a message naming what it found when no chip is a Pi header', () => {
    expect(() => findHeaderChip(fixture('no-header-chip'))).toThrow(/GPIO|header/);
    try {
      findHeaderChip(fixture('no-header-chip'));
    } catch (error) {
      expect((error as { code: string }).code).toBe('GPIO_NO_HEADER_CHIP');
      expect((error as Error).message).toContain('gpiochip0 "gpio-mockup-A"');
    }
  });

  it('fails clearly where there is no sysfs GPIO at all', () => {
    expect(() => findHeaderChip(fixture('does-not-exist'))).toThrow(expect.objectContaining({ code: 'GPIO_NO_SYSFS' }));
  });
});
