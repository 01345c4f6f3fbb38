import { OutpostError } from '../types.js';
import { findHeaderChip, type HeaderChip } from './chip-base.js';
import type { GpioBackend, GpioDirection, GpioEdge, GpioLine } from './gpio-line.js';

type OnoffGpio = new (gpio: number, direction: GpioDirection, edge?: GpioEdge) => GpioLine;

/**
 * The header through onoff and sysfs. onoff (and its native epoll) is imported only here, only when GPIO
 * lines are configured, so a laptop or a Jetson without them never loads it.
 */
export async function openOnoffBackend(sysfsRoot: string): Promise<GpioBackend> {
  const chip = findHeaderChip(sysfsRoot);
  let Gpio: OnoffGpio;
  try {
    ({ Gpio } = (await import('onoff')) as unknown as { Gpio: OnoffGpio });
  } catch (error) {
    throw new OutpostError('GPIO_ONOFF_UNAVAILABLE', `onoff could not be loaded: ${(error as Error).message}`, {}, { cause: error });
  }
  return new OnoffBackend(chip, Gpio);
}

class OnoffBackend implements GpioBackend {
  readonly description: string;

  constructor(
    private readonly chip: HeaderChip,
    private readonly Gpio: OnoffGpio,
  ) {
    this.description = `${chip.chip} "${chip.label}" base ${chip.base}`;
  }

  open(pin: number, direction: GpioDirection, edge: GpioEdge): GpioLine {
    if (pin >= this.chip.ngpio) {
      throw new OutpostError('GPIO_NO_SUCH_PIN', `GPIO ${pin} is beyond ${this.chip.chip}'s ${this.chip.ngpio} lines`, { pin });
    }
    try {
      return new this.Gpio(this.chip.base + pin, direction, edge);
    } catch (error) {
      throw new OutpostError(
        'GPIO_OPEN_FAILED',
        `GPIO ${pin} (sysfs ${this.chip.base + pin} on ${this.chip.chip}): ${(error as Error).message}`,
        { pin },
        { cause: error },
      );
    }
  }
}
