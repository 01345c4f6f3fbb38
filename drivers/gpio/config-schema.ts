import { Type, type Static } from '@sinclair/typebox';

/** BCM numbers of the 40-pin header: the same on the Pi 3, 4 and 5 whatever the kernel numbers them. */
export const HEADER_PINS = { min: 0, max: 27 } as const;

// The header range is checked in checkGpioConfig, whose message names the pin; the schema only asks for an integer.
const Pin = Type.Integer({ description: `BCM number on the 40-pin header (${HEADER_PINS.min}–${HEADER_PINS.max})` });
const Name = Type.String({ minLength: 1 });

export const GpioInputSchema = Type.Object(
  {
    name: Name,
    pin: Pin,
    metric: Type.Union([Type.Literal('contact'), Type.Literal('occupancy')], { default: 'contact' }),
    /** A contact to ground with a pull-up reads 0 when closed; `activeLow` reports it as 1. */
    activeLow: Type.Boolean({ default: false }),
    debounceMs: Type.Integer({ minimum: 0, maximum: 10_000, default: 50 }),
  },
  { additionalProperties: false },
);

export const GpioCounterSchema = Type.Object(
  {
    name: Name,
    pin: Pin,
    /** S0 outputs close the line to ground for each pulse: the falling edge is the pulse. */
    edge: Type.Union([Type.Literal('falling'), Type.Literal('rising')], { default: 'falling' }),
    debounceMs: Type.Integer({ minimum: 0, maximum: 10_000, default: 10 }),
    /** How often the total and the rate per minute are reported. */
    intervalMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);

export const GpioOutputSchema = Type.Object(
  {
    name: Name,
    pin: Pin,
    /** The level the output is driven to at start and at stop, so a crash or restart leaves the relay safe. */
    safeState: Type.Union([Type.Literal(0), Type.Literal(1)], { default: 0 }),
  },
  { additionalProperties: false },
);

export const GpioConfigSchema = Type.Object(
  {
    sysfsRoot: Type.String({ default: '/sys/class/gpio', description: 'Where the kernel exposes the GPIO chips' }),
    inputs: Type.Array(GpioInputSchema, { default: [] }),
    counters: Type.Array(GpioCounterSchema, { default: [] }),
    outputs: Type.Array(GpioOutputSchema, { default: [] }),
  },
  { additionalProperties: false, default: {} },
);

export type GpioInputConfig = Static<typeof GpioInputSchema>;
export type GpioCounterConfig = Static<typeof GpioCounterSchema>;
export type GpioOutputConfig = Static<typeof GpioOutputSchema>;
export type GpioConfig = Static<typeof GpioConfigSchema>;

export interface ConfigProblem {
  path: string;
  message: string;
}

/** Pins that exist on the header, and one job per pin; each message names the pin (and both claimants). */
export function checkGpioConfig(config: Pick<GpioConfig, 'inputs' | 'counters' | 'outputs'>, path = '/gpio'): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const claimed = new Map<number, string>();
  for (const kind of ['inputs', 'counters', 'outputs'] as const) {
    config[kind].forEach((line, index) => {
      const previous = claimed.get(line.pin);
      if (line.pin < HEADER_PINS.min || line.pin > HEADER_PINS.max) {
        problems.push({
          path: `${path}/${kind}/${index}/pin`,
          message: `GPIO ${line.pin} ("${line.name}") does not exist on the header: BCM ${HEADER_PINS.min}–${HEADER_PINS.max}`,
        });
      } else if (previous !== undefined) {
        problems.push({ path: `${path}/${kind}/${index}/pin`, message: `GPIO ${line.pin} is claimed twice: by ${previous} and by "${line.name}"` });
      } else {
        claimed.set(line.pin, `"${line.name}"`);
      }
    });
  }
  return problems;
}
