import { EmulatedDevice } from './emulated-device.js';
import { type Attribute, ZclType } from './zcl-frame.js';

const HA_PROFILE = 0x0104;

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

/** SONOFF SNZB-02 (genBasic `eWeLink`/`TH01`): temperature in 0.01 °C, humidity in 0.01 %, battery in 0.5 %. */
export function temperatureHumiditySensor(ieeeAddress: string, initial = { temperature: 21.5, humidity: 45 }): EmulatedDevice {
  return new EmulatedDevice({
    ieeeAddress,
    role: 'end-device',
    manufacturerCode: 0x1286,
    endpoints: [{ id: 1, profile: HA_PROFILE, deviceId: 0x0302, inClusters: [0x0000, 0x0001, 0x0003, 0x0402, 0x0405], outClusters: [0x0003] }],
    attributes: {
      '1/0': basic('eWeLink', 'TH01', 0x03),
      '1/1': { 0x0020: { type: ZclType.UINT8, value: 30 }, 0x0021: { type: ZclType.UINT8, value: 200 } },
      '1/1026': { 0x0000: { type: ZclType.INT16, value: Math.round(initial.temperature * 100) } },
      '1/1029': { 0x0000: { type: ZclType.UINT16, value: Math.round(initial.humidity * 100) } },
    },
  });
}

const ON_OFF = 0x0006;

/** Innr SP 120 (genBasic `innr`/`SP 120`): a mains plug that switches on command and meters W, V, mA and 0.01 kWh. */
export function smartPlug(ieeeAddress: string, initial = { on: false, watts: 0, volts: 230, milliamps: 0, centiKwh: 0 }): EmulatedDevice {
  return new EmulatedDevice({
    ieeeAddress,
    role: 'router',
    manufacturerCode: 0x1166,
    endpoints: [{ id: 1, profile: HA_PROFILE, deviceId: 0x010a, inClusters: [0x0000, 0x0003, 0x0004, 0x0005, ON_OFF, 0x0702, 0x0b04], outClusters: [0x0019] }],
    attributes: {
      '1/0': basic('innr', 'SP 120', 0x01),
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
    // genOnOff off (0), on (1), toggle (2): the relay moves and the device reports its new state.
    onCommand: (endpoint, cluster, command, current) => {
      if (endpoint !== 1 || cluster !== ON_OFF || command > 2) return undefined;
      const next = command === 2 ? current(0x0000) !== 1 : command === 1;
      return [{ attr: 0x0000, value: next ? 1 : 0 }];
    },
  });
}
