import type { ScenarioName } from '../../sim/scenario.js';
import type { GpioScenario } from './gpio-world.js';

/**
 * GPIO on each scenario's header: the factory's door contacts, an S0 energy meter and a relay for the
 * cold-store fan; the city's street-light relays and a traffic loop counted as pulses.
 */
export function scenarioGpio(name: ScenarioName): GpioScenario {
  if (name === 'factory') {
    return {
      config: {
        inputs: [
          { name: 'cold store 1 door', pin: 17, metric: 'contact', activeLow: false, debounceMs: 30 },
          { name: 'loading bay door', pin: 27, metric: 'contact', activeLow: false, debounceMs: 30 },
        ],
        counters: [{ name: 'S0 energy meter (1000 imp/kWh)', pin: 5, edge: 'falling', debounceMs: 10, intervalMs: 5_000 }],
        outputs: [{ name: 'cold store 1 fan relay', pin: 22, safeState: 0 }],
      },
      contacts: [
        { pin: 17, everyMs: 7_000, bounces: 3 },
        { pin: 27, everyMs: 11_000, bounces: 2 },
      ],
      pulsers: [{ pin: 5, pulsesPerMinute: 120, pulseMs: 30 }],
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
  };
}
