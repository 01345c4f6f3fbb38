import type { ScenarioName } from '../../sim/scenario.js';
import { EmulatedGpioChip } from './emulated-gpio.js';
import { GpioWorld, type GpioScenario } from './gpio-world.js';
import { scenarioGpio } from './scenario-lines.js';

export interface RunningGpio {
  chip: EmulatedGpioChip;
  /** Driver config for the scenario's lines. */
  config: GpioScenario['config'];
  stop(): void;
}

/** A scenario's header lines on an emulated chip, driven by its contacts and pulse outputs. */
export function startGpioScenario(name: ScenarioName): RunningGpio {
  const chip = new EmulatedGpioChip();
  const scenario = scenarioGpio(name);
  const world = new GpioWorld({ chip, scenario });
  world.start();
  return { chip, config: scenario.config, stop: () => world.stop() };
}
