import { baseMetric } from '../model/metrics.js';

/** How Home Assistant should show one canonical metric: its device class, state class and which summary field is the state. */
interface SensorClass {
  device_class?: string;
  state_class: 'measurement' | 'total_increasing';
  /** `mean` for measurements; `last` for meters and counters, whose latest value is the state. */
  field: 'mean' | 'last';
}

const CLASSES: Readonly<Record<string, SensorClass>> = {
  temperature: { device_class: 'temperature', state_class: 'measurement', field: 'mean' },
  humidity: { device_class: 'humidity', state_class: 'measurement', field: 'mean' },
  pressure: { device_class: 'atmospheric_pressure', state_class: 'measurement', field: 'mean' },
  co2: { device_class: 'carbon_dioxide', state_class: 'measurement', field: 'mean' },
  pm25: { device_class: 'pm25', state_class: 'measurement', field: 'mean' },
  no2: { device_class: 'nitrogen_dioxide', state_class: 'measurement', field: 'mean' },
  noise: { device_class: 'sound_pressure', state_class: 'measurement', field: 'mean' },
  power: { device_class: 'power', state_class: 'measurement', field: 'mean' },
  apparent_power: { device_class: 'apparent_power', state_class: 'measurement', field: 'mean' },
  reactive_power: { device_class: 'reactive_power', state_class: 'measurement', field: 'mean' },
  power_factor: { device_class: 'power_factor', state_class: 'measurement', field: 'mean' },
  energy: { device_class: 'energy', state_class: 'total_increasing', field: 'last' },
  voltage: { device_class: 'voltage', state_class: 'measurement', field: 'mean' },
  current: { device_class: 'current', state_class: 'measurement', field: 'mean' },
  frequency: { device_class: 'frequency', state_class: 'measurement', field: 'mean' },
  illuminance: { device_class: 'illuminance', state_class: 'measurement', field: 'mean' },
  volume: { device_class: 'volume', state_class: 'total_increasing', field: 'last' },
  flow: { device_class: 'volume_flow_rate', state_class: 'measurement', field: 'mean' },
  battery: { device_class: 'battery', state_class: 'measurement', field: 'last' },
  rssi: { device_class: 'signal_strength', state_class: 'measurement', field: 'mean' },
  count: { state_class: 'total_increasing', field: 'last' },
};
const PLAIN: SensorClass = { state_class: 'measurement', field: 'mean' };

/** One `cmps` entry of a device discovery message: a sensor reading its state from a JSON summary topic. */
export function sensorComponent(uniqueId: string, metric: string, unit: string, stateTopic: string): Record<string, unknown> {
  const cls = CLASSES[baseMetric(metric)] ?? PLAIN;
  return {
    p: 'sensor',
    name: metric,
    unique_id: uniqueId,
    state_topic: stateTopic,
    value_template: `{{ value_json.${cls.field} }}`,
    state_class: cls.state_class,
    ...(cls.device_class ? { device_class: cls.device_class } : {}),
    ...(unit ? { unit_of_measurement: unit } : {}),
  };
}
