import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutpostError } from '../types.js';

/** Labels of the chip that drives the 40-pin header: Pi 1–3, Pi 4, Pi 5 (the RP1 south bridge). */
const HEADER_CHIP_LABELS = ['pinctrl-bcm2835', 'pinctrl-bcm2711', 'pinctrl-rp1'] as const;

export interface HeaderChip {
  chip: string;
  label: string;
  /** The kernel's number for BCM 0: 0 before kernel 6.6, 512 on a Pi 4 since, 571 on a Pi 5. */
  base: number;
  ngpio: number;
}

/**
 * Finds the header's GPIO chip under `/sys/class/gpio` by its label and returns its base, because onoff
 * writes raw kernel numbers and since kernel 6.6 they no longer start at 0.
 */
export function findHeaderChip(sysfsRoot: string): HeaderChip {
  let entries: string[];
  try {
    entries = readdirSync(sysfsRoot).filter((name) => name.startsWith('gpiochip'));
  } catch (error) {
    throw new OutpostError('GPIO_NO_SYSFS', `cannot list ${sysfsRoot}: ${(error as Error).message} (is this a Raspberry Pi with sysfs GPIO?)`, {
      sysfsRoot,
    });
  }
  const chips = entries.map((chip) => readChip(sysfsRoot, chip)).filter((c): c is HeaderChip => c !== undefined);
  const header = chips.find((c) => (HEADER_CHIP_LABELS as readonly string[]).includes(c.label));
  if (!header) {
    const seen = chips.map((c) => `${c.chip} "${c.label}"`).join(', ') || 'none';
    throw new OutpostError(
      'GPIO_NO_HEADER_CHIP',
      `no Raspberry Pi header GPIO chip under ${sysfsRoot} (looked for ${HEADER_CHIP_LABELS.join(', ')}; found ${seen})`,
      { sysfsRoot, chips },
    );
  }
  return header;
}

function readChip(root: string, chip: string): HeaderChip | undefined {
  try {
    const read = (file: string) => readFileSync(join(root, chip, file), 'utf8').trim();
    const base = Number.parseInt(read('base'), 10);
    const ngpio = Number.parseInt(read('ngpio'), 10);
    if (!Number.isInteger(base) || !Number.isInteger(ngpio)) return undefined;
    return { chip, label: read('label'), base, ngpio };
  } catch {
    return undefined;
  }
}
