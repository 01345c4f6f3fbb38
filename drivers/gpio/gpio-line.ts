/** The part of onoff's `Gpio` class we use; the emulated lines implement the same. */
export interface GpioLine {
  readSync(): 0 | 1;
  writeSync(value: 0 | 1): void;
  watch(callback: (error: Error | null | undefined, value: 0 | 1) => void): void;
  unwatchAll(): void;
  unexport(): void;
}

export type GpioDirection = 'in' | 'out' | 'high' | 'low';
export type GpioEdge = 'none' | 'rising' | 'falling' | 'both';

/** Opens one header pin (BCM number); the real backend maps it to the kernel's number. */
export interface GpioBackend {
  /** Where the lines live, for the log: `gpiochip512 pinctrl-bcm2711 base 512`, `emulated`. */
  readonly description: string;
  open(pin: number, direction: GpioDirection, edge: GpioEdge): GpioLine;
}
