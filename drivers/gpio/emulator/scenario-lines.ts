import type { ScenarioName } from '../../sim/scenario.js';
import type { GpioScenario } from './gpio-world.js';
import { scaleLines } from './scale-lines.js';

/**
 * One site's header: the factory's door contacts, an S0 energy meter and the cold store's door-alarm relay,
 * switched by a rule shipped with the scenario while the door stands open; the city's street-light relays
 * and a traffic loop counted as pulses.
 */
function siteLines(name: ScenarioName): GpioScenario {
  if (name === 'factory') {
    return {
      config: {
        inputs: [
          { name: 'cold store 1 door', pin: 17, metric: 'contact', activeLow: false, debounceMs: 30 },
          { name: 'loading bay door', pin: 27, metric: 'contact', activeLow: false, debounceMs: 30 },
        ],
        counters: [{ name: 'S0 energy meter (1000 imp/kWh)', pin: 5, edge: 'falling', debounceMs: 10, intervalMs: 5_000 }],
        outputs: [{ name: 'cold store 1 door alarm relay', pin: 22, safeState: 0 }],
      },
      contacts: [
        { pin: 17, everyMs: 7_000, bounces: 3 },
        { pin: 27, everyMs: 11_000, bounces: 2 },
      ],
      pulsers: [{ pin: 5, pulsesPerMinute: 120, pulseMs: 30 }],
      // The contact pulls up to 1 when the door opens (see GpioInputSchema.activeLow).
      rules: [
        {
          name: 'cold-store-1-door-alarm',
          device: 'gpio:17',
          metric: 'contact',
          when: { kind: 'threshold', above: 0.5 },
          then: { device: 'gpio:22', output: 'state', value: 1, clearValue: 0 },
        },
      ],
    };
  }
  return {
    config: {
      inputs: [],
      counters: [{ name: 'traffic loop, main street', pin: 6, edge: 'falling', debounceMs: 20, intervalMs: 5_000 }],
      outputs: [
        { name: 'street lights, main street', pin: 23, safeState: 1 },
        { name: 'street lights, park', pin: 24, safeState: 1 },
      ],
    },
    contacts: [],
    pulsers: [{ pin: 6, pulsesPerMinute: 40, pulseMs: 50 }],
    rules: [],
  };
}

/** A scenario's header lines for `scale` copies of its site, as many as the header has pins for. */
export function scenarioGpio(name: ScenarioName, scale = 1): GpioScenario & { copies: number } {
  return scaleLines(siteLines(name), scale);
}
