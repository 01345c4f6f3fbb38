import type { Rule } from '../../../appliance/rules/config-schema.js';
import type { ScenarioName } from '../../sim/scenario.js';
import { EmulatedGpioChip } from './emulated-gpio.js';
import { GpioWorld, type GpioScenario } from './gpio-world.js';
import { scenarioGpio } from './scenario-lines.js';

export interface RunningGpio {
  chip: EmulatedGpioChip;
  /** Driver config for the scenario's lines. */
  config: GpioScenario['config'];
  /** The scenario's rules over its lines, e.g. a door contact switching a relay. */
  rules: Rule[];
  /** Copies of the site on the header: fewer than asked when the header ran out of pins. */
  copies: number;
  stop(): void;
}

/** A scenario's header lines on an emulated chip, driven by its contacts and pulse outputs. */
export function startGpioScenario(name: ScenarioName, scale = 1): RunningGpio {
  const chip = new EmulatedGpioChip();
  const scenario = scenarioGpio(name, scale);
  const world = new GpioWorld({ chip, scenario });
  world.start();
  return { chip, config: scenario.config, rules: scenario.rules, copies: scenario.copies, stop: () => world.stop() };
}
