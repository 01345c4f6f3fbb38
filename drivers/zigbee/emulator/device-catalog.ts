import { type AttributeChange, EmulatedDevice } from './emulated-device.js';
import { type Attribute, type AttributeValue, ZclType } from './zcl-frame.js';

const HA_PROFILE = 0x0104;
const MAINS = 0x01;
const BATTERY = 0x03;

/** Cluster ids the world changes: what scenarios and tests pass to `EmulatedDevice.set`. */
export const Cluster = {
  ON_OFF: 0x0006,
  LEVEL: 0x0008,
  IAS_ZONE: 0x0500,
  TEMPERATURE: 0x0402,
  HUMIDITY: 0x0405,
  OCCUPANCY: 0x0406,
  PM25: 0x042a,
  METERING: 0x0702,
  ELECTRICAL: 0x0b04,
} as const;

/** genBasic as a real device fills it: the model id and manufacturer name are what converters match on. */
function basic(manufacturer: string, model: string, powerSource: number): Record<number, Attribute> {
  return {
    0x0000: { type: ZclType.UINT8, value: 3 }, // zclVersion
    0x0001: { type: ZclType.UINT8, value: 1 }, // appVersion
    0x0002: { type: ZclType.UINT8, value: 2 }, // stackVersion
    0x0003: { type: ZclType.UINT8, value: 1 }, // hwVersion
    0x0004: { type: ZclType.STRING, value: manufacturer },
    0x0005: { type: ZclType.STRING, value: model },
    0x0006: { type: ZclType.STRING, value: '20240101' }, // dateCode
    0x0007: { type: ZclType.ENUM8, value: powerSource },
    0x4000: { type: ZclType.STRING, value: '1.0.0' }, // swBuildId
  };
}

/** genPowerCfg of a battery device: voltage in 0.1 V, remaining in 0.5 %. */
const battery = (): Record<number, Attribute> => ({ 0x0020: { type: ZclType.UINT8, value: 30 }, 0x0021: { type: ZclType.UINT8, value: 200 } });

/** genOnOff off (0), on (1), toggle (2): the relay moves and the device reports its new state. */
function onOffCommand(command: number, current: () => AttributeValue | undefined): AttributeChange[] | undefined {
  if (command > 2) return undefined;
  const next = command === 2 ? current() !== 1 : command === 1;
  return [{ cluster: Cluster.ON_OFF, attr: 0x0000, value: next ? 1 : 0 }];
}

/** SONOFF SNZB-02 (genBasic `eWeLink`/`TH01`): temperature in 0.01 °C, humidity in 0.01 %, battery in 0.5 %. */
export function temperatureHumiditySensor(ieeeAddress: string, initial = { temperature: 21.5, humidity: 45 }): EmulatedDevice {
  return new EmulatedDevice({
    ieeeAddress,
    role: 'end-device',
    manufacturerCode: 0x1286,
    endpoints: [{ id: 1, profile: HA_PROFILE, deviceId: 0x0302, inClusters: [0x0000, 0x0001, 0x0003, Cluster.TEMPERATURE, Cluster.HUMIDITY], outClusters: [0x0003] }],
    attributes: {
      '1/0': basic('eWeLink', 'TH01', BATTERY),
      '1/1': battery(),
      '1/1026': { 0x0000: { type: ZclType.INT16, value: Math.round(initial.temperature * 100) } },
      '1/1029': { 0x0000: { type: ZclType.UINT16, value: Math.round(initial.humidity * 100) } },
    },
  });
}

/** SONOFF SNZB-03P (`eWeLink`/`SNZB-03P`): a PIR on msOccupancySensing; bit 0 of `occupancy` is someone there. */
export function occupancySensor(ieeeAddress: string): EmulatedDevice {
  return new EmulatedDevice({
    ieeeAddress,
    role: 'end-device',
    manufacturerCode: 0x1286,
    endpoints: [{ id: 1, profile: HA_PROFILE, deviceId: 0x0107, inClusters: [0x0000, 0x0001, 0x0003, Cluster.OCCUPANCY], outClusters: [0x0003] }],
    attributes: {
      '1/0': basic('eWeLink', 'SNZB-03P', BATTERY),
      '1/1': battery(),
      '1/1030': {
        0x0000: { type: ZclType.BITMAP8, value: 0 }, // occupancy
        0x0001: { type: ZclType.ENUM8, value: 0 }, // occupancySensorType: PIR
        0x0020: { type: ZclType.UINT16, value: 30 }, // occupied-to-unoccupied delay, s
      },
    },
  });
}

/**
 * SONOFF SNZB-04 (`eWeLink`/`DS01`): an IAS zone of type contact switch. It enrolls when the host writes
 * its CIE address and answers with an enroll response; bit 0 (alarm 1) of the zone status is "open", and
 * a change goes out as a zone status change notification, not as an attribute report.
 */
export function contactSensor(ieeeAddress: string): EmulatedDevice {
  return new EmulatedDevice({
    ieeeAddress,
    role: 'end-device',
    manufacturerCode: 0x1286,
    endpoints: [{ id: 1, profile: HA_PROFILE, deviceId: 0x0402, inClusters: [0x0000, 0x0003, Cluster.IAS_ZONE, 0x0001], outClusters: [0x0003] }],
    attributes: {
      '1/0': basic('eWeLink', 'DS01', BATTERY),
      '1/1': battery(),
      '1/1280': {
        0x0000: { type: ZclType.ENUM8, value: 0 }, // zoneState: not enrolled
        0x0001: { type: ZclType.ENUM16, value: 0x0015 }, // zoneType: contact switch
        0x0002: { type: ZclType.BITMAP16, value: 0 }, // zoneStatus
        0x0010: { type: ZclType.IEEE, value: '0x0000000000000000' }, // iasCieAddr
        0x0011: { type: ZclType.UINT8, value: 0xff }, // zoneId
      },
    },
    // enrollRsp (0x00): code, zone id. Code 0 enrolls the zone.
    onCommand: ({ cluster, command, payload }) => {
      if (cluster !== Cluster.IAS_ZONE || command !== 0x00 || payload[0] !== 0) return undefined;
      return [
        { attr: 0x0000, value: 1, report: false },
        { attr: 0x0011, value: payload[1] ?? 0, report: false },
      ];
    },
    announce: (_endpoint, cluster, attr, value) => {
      if (cluster !== Cluster.IAS_ZONE || attr !== 0x0002) return undefined;
      // zoneStatus, extendedStatus, zoneId, delay
      const payload = Buffer.from([0, 0, 0, 23, 0, 0]);
      payload.writeUInt16LE(Number(value));
      return { command: 0x00, payload };
    },
  });
}

/** IKEA VINDSTYRKA E2112 (`IKEA of Sweden`/`VINDSTYRKA`): USB-powered PM2.5 (float µg/m³), temperature, humidity and a VOC index. */
export function airQualitySensor(ieeeAddress: string, initial = { pm25: 8, temperature: 18, humidity: 55 }): EmulatedDevice {
  return new EmulatedDevice({
    ieeeAddress,
    role: 'router',
    manufacturerCode: 0x117c,
    endpoints: [
      { id: 1, profile: HA_PROFILE, deviceId: 0x0302, inClusters: [0x0000, 0x0003, 0x0004, Cluster.TEMPERATURE, Cluster.HUMIDITY, Cluster.PM25, 0xfc7e], outClusters: [0x0019] },
    ],
    attributes: {
      '1/0': basic('IKEA of Sweden', 'VINDSTYRKA', MAINS),
      '1/1026': { 0x0000: { type: ZclType.INT16, value: Math.round(initial.temperature * 100) } },
      '1/1029': { 0x0000: { type: ZclType.UINT16, value: Math.round(initial.humidity * 100) } },
      '1/1066': { 0x0000: { type: ZclType.SINGLE, value: initial.pm25 } },
      '1/64638': { 0x0000: { type: ZclType.SINGLE, value: 100 } },
    },
  });
}

/** Innr SP 120 (genBasic `innr`/`SP 120`): a mains plug that switches on command and meters W, V, mA and 0.01 kWh. */
export function smartPlug(ieeeAddress: string, initial = { on: false, watts: 0, volts: 230, milliamps: 0, centiKwh: 0 }): EmulatedDevice {
  return new EmulatedDevice({
    ieeeAddress,
    role: 'router',
    manufacturerCode: 0x1166,
    endpoints: [{ id: 1, profile: HA_PROFILE, deviceId: 0x010a, inClusters: [0x0000, 0x0003, 0x0004, 0x0005, Cluster.ON_OFF, Cluster.METERING, Cluster.ELECTRICAL], outClusters: [0x0019] }],
    attributes: {
      '1/0': basic('innr', 'SP 120', MAINS),
      '1/6': { 0x0000: { type: ZclType.BOOL, value: initial.on ? 1 : 0 } },
      '1/1794': {
        0x0000: { type: ZclType.UINT48, value: initial.centiKwh },
        0x0301: { type: ZclType.UINT24, value: 1 },
        0x0302: { type: ZclType.UINT24, value: 100 },
      },
      '1/2820': {
        0x0505: { type: ZclType.UINT16, value: initial.volts },
        0x0508: { type: ZclType.UINT16, value: initial.milliamps },
        0x050b: { type: ZclType.INT16, value: initial.watts },
      },
    },
    onCommand: ({ endpoint, cluster, command }, current) => (endpoint === 1 && cluster === Cluster.ON_OFF ? onOffCommand(command, () => current(0x0000)) : undefined),
  });
}

/**
 * Innr AE 262 (`innr`/`AE 262`): a dimmable lamp, as a street light's Zigbee driver is. genLevelCtrl
 * moveToLevel (0x00) sets the level; moveToLevelWithOnOff (0x04) also switches it, off at level 0.
 */
export function dimmableLight(ieeeAddress: string, initial = { on: false, level: 254 }): EmulatedDevice {
  return new EmulatedDevice({
    ieeeAddress,
    role: 'router',
    manufacturerCode: 0x1166,
    endpoints: [{ id: 1, profile: HA_PROFILE, deviceId: 0x0101, inClusters: [0x0000, 0x0003, 0x0004, 0x0005, Cluster.ON_OFF, Cluster.LEVEL], outClusters: [0x0019] }],
    attributes: {
      '1/0': basic('innr', 'AE 262', MAINS),
      '1/6': { 0x0000: { type: ZclType.BOOL, value: initial.on ? 1 : 0 } },
      '1/8': { 0x0000: { type: ZclType.UINT8, value: initial.level } },
    },
    onCommand: ({ endpoint, cluster, command, payload }, current) => {
      if (endpoint !== 1) return undefined;
      if (cluster === Cluster.ON_OFF) return onOffCommand(command, () => current(0x0000));
      if (cluster !== Cluster.LEVEL || (command !== 0x00 && command !== 0x04)) return undefined;
      const level = payload[0] ?? 0;
      if (command === 0x00) return [{ attr: 0x0000, value: level }];
      return [
        { attr: 0x0000, value: level },
        { cluster: Cluster.ON_OFF, attr: 0x0000, value: level > 0 ? 1 : 0 },
      ];
    },
  });
}
