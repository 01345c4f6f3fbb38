/**
 * BTHome v2 object ids (bthome.io/format), each with its size so the parser can step over objects that
 * have no canonical metric of ours (mass, UV index, events, firmware version…). Objects that do map
 * carry the metric, the scale that turns the raw integer into the metric's canonical unit, and the unit.
 */
export interface BthomeObject {
  /** Bytes after the id; `variable` objects (text, raw) carry their length in the first byte. */
  size: number | 'variable';
  signed?: boolean;
  metric?: string;
  scale?: number;
  unit?: string;
}

const u = (size: number, metric?: string, scale = 1, unit = ''): BthomeObject =>
  metric === undefined ? { size } : { size, metric, scale, unit };
const s = (size: number, metric: string, scale: number, unit: string): BthomeObject => ({ size, signed: true, metric, scale, unit });
/** Binary sensors: one byte, 0 or 1. */
const flag = (metric?: string): BthomeObject => u(1, metric);

export const PACKET_ID = 0x00;

export const BTHOME_OBJECTS: ReadonlyMap<number, BthomeObject> = new Map<number, BthomeObject>([
  [0x00, u(1)],
  [0x01, u(1, 'battery', 1, '%')],
  [0x02, s(2, 'temperature', 0.01, '°C')],
  [0x03, u(2, 'humidity', 0.01, '%')],
  [0x04, u(3, 'pressure', 0.01, 'hPa')],
  [0x05, u(3, 'illuminance', 0.01, 'lx')],
  [0x06, u(2)], // mass kg
  [0x07, u(2)], // mass lb
  [0x08, s(2, 'temperature.dewpoint', 0.01, '°C')],
  [0x09, u(1, 'count')],
  [0x0a, u(3, 'energy', 0.001, 'kWh')],
  [0x0b, u(3, 'power', 0.01, 'W')],
  [0x0c, u(2, 'voltage', 0.001, 'V')],
  [0x0d, u(2, 'pm25', 1, 'µg/m³')],
  [0x0e, u(2)], // pm10
  [0x0f, flag('state')],
  [0x10, flag('state.power')],
  [0x11, flag('contact.opening')],
  [0x12, u(2, 'co2', 1, 'ppm')],
  [0x13, u(2)], // tvoc
  [0x14, u(2)], // moisture
  ...[0x15, 0x16, 0x17, 0x18, 0x19, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x22, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c].map(
    (id): [number, BthomeObject] => [id, flag()],
  ),
  [0x1a, flag('contact')], // door
  [0x1b, flag('contact.garage')],
  [0x21, flag('occupancy.motion')],
  [0x23, flag('occupancy')],
  [0x25, flag('occupancy.presence')],
  [0x2d, flag('contact.window')],
  [0x2e, u(1, 'humidity', 1, '%')],
  [0x2f, u(1)], // moisture
  [0x3a, u(1)], // button event
  [0x3c, u(2)], // dimmer event
  [0x3d, u(2, 'count')],
  [0x3e, u(4, 'count')],
  [0x3f, u(2)], // rotation
  [0x40, u(2)], // distance mm
  [0x41, u(2)], // distance m
  [0x42, u(3)], // duration
  [0x43, u(2, 'current', 0.001, 'A')],
  [0x44, u(2)], // speed m/s
  [0x45, s(2, 'temperature', 0.1, '°C')],
  [0x46, u(1)], // UV index
  [0x47, u(2, 'volume', 0.1e-3, 'm³')], // 0.1 L
  [0x48, u(2, 'volume', 1e-6, 'm³')], // mL
  [0x49, u(2, 'flow', 0.001, 'm³/h')],
  [0x4a, u(2, 'voltage', 0.1, 'V')],
  [0x4b, u(3, 'volume.gas', 0.001, 'm³')],
  [0x4c, u(4, 'volume.gas', 0.001, 'm³')],
  [0x4d, u(4, 'energy', 0.001, 'kWh')],
  [0x4e, u(4, 'volume', 1e-6, 'm³')], // 0.001 L
  [0x4f, u(4, 'volume.water', 1e-6, 'm³')],
  [0x50, u(4)], // timestamp
  [0x51, u(2)], // acceleration
  [0x52, u(2)], // gyroscope
  [0x53, { size: 'variable' }], // text
  [0x54, { size: 'variable' }], // raw
  [0x55, u(4, 'volume.storage', 1e-6, 'm³')],
  [0x56, u(2)], // conductivity
  [0x57, s(1, 'temperature', 1, '°C')],
  [0x58, s(1, 'temperature', 0.35, '°C')],
  [0x59, s(1, 'count', 1, '')],
  [0x5a, s(2, 'count', 1, '')],
  [0x5b, s(4, 'count', 1, '')],
  [0x5c, s(4, 'power', 0.01, 'W')],
  [0x5d, s(2, 'current', 0.001, 'A')],
  [0x5e, u(2)], // direction
  [0x5f, u(2)], // precipitation
  [0xf0, u(2)], // device type id
  [0xf1, u(4)], // firmware version
  [0xf2, u(3)], // firmware version
]);
