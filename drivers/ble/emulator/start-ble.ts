import type { AnomalyLabel } from '../../sim/anomaly.js';
import type { BleAdopted } from '../config-schema.js';
import type { ScenarioName } from '../../sim/scenario.js';
import { adoptionFor, BleWorld } from './ble-world.js';
import { EmulatedBinding } from './emulated-binding.js';
import { scenarioTags, type TagOptions } from './scenario-tags.js';

export interface RunningBle {
  /** Hand it to noble in place of the HCI binding (see createNoble). */
  binding: EmulatedBinding;
  /** What the user adopts to receive the scenario's tags, keys included. */
  adopted: BleAdopted[];
  /** The labelled anomalies the tags' streams carry. */
  anomalies: AnomalyLabel[];
  world: BleWorld;
  stop(): void;
}

/** A scenario's BLE tags advertising through an emulated binding, in world time. */
export function startBleScenario(name: ScenarioName, worldNow: () => number, options: TagOptions = {}): RunningBle {
  const binding = new EmulatedBinding();
  const { tags, anomalies } = scenarioTags(name, options);
  const world = new BleWorld({ binding, tags, worldNow });
  world.start();
  return { binding, adopted: adoptionFor(tags), anomalies, world, stop: () => world.stop() };
}
