import type { Logger } from '../../appliance/log.js';
import type { Rule } from '../../appliance/rules/config-schema.js';
import { startBleScenario, type RunningBle } from '../ble/emulator/start-ble.js';
import { startGpioScenario, type RunningGpio } from '../gpio/emulator/start-gpio.js';
import type { ModbusDeviceConfig, ModbusTransport } from '../modbus/config-schema.js';
import type { EmulatedModbusDevice } from '../modbus/emulator/emulated-device.js';
import { ModbusEmulator, type ModbusEndpoint } from '../modbus/emulator/modbus-emulator.js';
import { OutpostError } from '../types.js';
import { startZigbeeScenario, type RunningZigbee } from '../zigbee/emulator/start-zigbee.js';
import { WorldClock } from './clock.js';
import { buildScenario, type Scenario, type ScenarioName, type SimDevice } from './scenario.js';

export interface StartScenarioOptions {
  log: Logger;
  /** Where TCP gateways listen: `port` for the first bus, then the next ports; 0 picks free ports. */
  host?: string;
  port?: number;
  scale?: number;
  seed?: number;
  /** World seconds per wall second: 60 plays a simulated hour in a minute. */
  timeFactor?: number;
  /** How often dropout anomalies are turned into silent units. */
  dropoutCheckMs?: number;
}

export interface RunningScenario {
  scenario: Scenario;
  clock: WorldClock;
  /** Driver config for every emulated device, pointing at the emulator's real endpoints. */
  modbusDevices: ModbusDeviceConfig[];
  /** The scenario's BLE tags on an emulated noble binding, and their adoption. */
  ble: RunningBle;
  /** The scenario's header lines on an emulated GPIO chip, and their driver config. */
  gpio: RunningGpio;
  /** The scenario's Zigbee devices behind an emulated Z-Stack coordinator, and the zigbee config that reaches it. */
  zigbee: RunningZigbee;
  /** Rules shipped with the scenario (a door contact switching a relay); they join the config's rules. */
  rules: Rule[];
  endpoints: Record<string, string>;
  /** The endpoint serving a bus, to inject faults in tests. */
  bus(id: string): ModbusEndpoint;
  describe(): string[];
  stop(): Promise<void>;
}

/**
 * Starts a scenario's world and serves its devices over the real Modbus wire: one TCP gateway per TCP
 * bus and one pty pair per RTU bus (skipped with a warning where socat is not installed).
 */
export async function startScenario(name: ScenarioName, options: StartScenarioOptions): Promise<RunningScenario> {
  const { log, host = '127.0.0.1', port = 0 } = options;
  const startMs = Date.now();
  const clock = new WorldClock({ startMs, factor: options.timeFactor ?? 1 });
  const scale = options.scale ?? 1;
  const scenario = buildScenario(name, { startMs, scale, seed: options.seed ?? 1 });
  const emulator = new ModbusEmulator({ log });
  await emulator.start();

  const modbusDevices: ModbusDeviceConfig[] = [];
  const endpoints: Record<string, string> = {};
  const served = new Map<string, ModbusEndpoint>();
  let nextPort = port;
  try {
    for (const bus of scenario.buses) {
      const devices = scenario.devices.filter((d) => d.bus === bus.id);
      const emulated = devices.map((d) => inWorldTime(d, clock));
      let transport: ModbusTransport;
      if (bus.transport === 'tcp') {
        const gateway = await emulator.addTcpGateway({ host, port: nextPort, devices: emulated });
        if (nextPort !== 0) nextPort += 1;
        transport = { type: 'tcp', host: gateway.host, port: gateway.port };
        endpoints[bus.id] = `tcp://${gateway.host}:${gateway.port}`;
        served.set(bus.id, gateway);
      } else {
        try {
          const line = await emulator.addRtuBus({ devices: emulated });
          transport = { type: 'rtu', path: line.clientPath, baudRate: line.baudRate, parity: 'none', dataBits: 8, stopBits: 1 };
          endpoints[bus.id] = `rtu:${line.clientPath}@${line.baudRate}`;
          served.set(bus.id, line);
        } catch (error) {
          if ((error as OutpostError).code !== 'EMU_NO_SOCAT') throw error;
          log.warn({ bus: bus.id }, 'socat is not installed: the emulated RTU bus is left out (apt-get install socat)');
          continue;
        }
      }
      modbusDevices.push(...devices.map((d) => driverConfig(d, transport)));
    }
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  const zigbee = await startZigbeeScenario(name, () => clock.worldNow(), { scale, host, port: nextPort }).catch(async (error: unknown) => {
    await emulator.stop();
    throw error;
  });

  const dropouts = watchDropouts(scenario, clock, served, options.dropoutCheckMs ?? 1000);
  const ble = startBleScenario(name, () => clock.worldNow(), { scale, startMs, days: 7 });
  const gpio = startGpioScenario(name, scale);
  if (gpio.copies < scale) {
    log.warn({ scale, copies: gpio.copies }, `the header has pins for ${gpio.copies} copies of the ${name} site's GPIO lines: the others are left out`);
  }
  return {
    scenario,
    clock,
    modbusDevices,
    ble,
    gpio,
    zigbee,
    rules: gpio.rules,
    endpoints,
    bus(id) {
      const endpoint = served.get(id);
      if (!endpoint) throw new OutpostError('EMU_UNKNOWN_BUS', `scenario ${name} serves no bus ${id}`);
      return endpoint;
    },
    describe: () => [
      ...Object.entries(endpoints).map(([bus, at]) => `bus ${bus} at ${at}`),
      ...modbusDevices.map((d) => `  unit ${d.unitId} on ${busOf(d.transport, endpoints)}: ${d.name} (${d.profile})`),
      `zigbee coordinator (Z-Stack) at ${zigbee.config.port}; devices join while pairing is open`,
      ...zigbee.devices.map((d) => `  ${d.device.ieeeAddress}: ${d.name}`),
    ],
    async stop() {
      clearInterval(dropouts);
      ble.stop();
      gpio.stop();
      await zigbee.stop();
      await emulator.stop();
    },
  };
}

function inWorldTime(device: SimDevice, clock: WorldClock): EmulatedModbusDevice {
  return { unitId: device.unitId, profile: device.profile, read: (metric, wallMs) => device.read(metric, clock.worldNow(wallMs)) };
}

function driverConfig(device: SimDevice, transport: ModbusTransport): ModbusDeviceConfig {
  const generic = device.profile.name === 'generic';
  return {
    name: device.name,
    transport,
    unitId: device.unitId,
    profile: device.profile.name,
    ...(generic ? { points: device.profile.points, outputs: device.profile.outputs } : {}),
    intervalMs: 1000,
    timeoutMs: 500,
    retries: 1,
    offlineAfter: 3,
  };
}

/** A dropout anomaly makes its device fall silent, as a device that lost power would. */
function watchDropouts(scenario: Scenario, clock: WorldClock, served: Map<string, ModbusEndpoint>, everyMs: number): NodeJS.Timeout {
  const down = new Set<SimDevice>();
  const timer = setInterval(() => {
    const now = clock.worldNow();
    for (const device of scenario.devices) {
      const isDown = device.isDown(now);
      if (isDown === down.has(device)) continue;
      if (isDown) down.add(device);
      else down.delete(device);
      served.get(device.bus)?.setFault(device.unitId, isDown ? { kind: 'timeout' } : null);
    }
  }, everyMs);
  timer.unref();
  return timer;
}

function busOf(transport: ModbusTransport, endpoints: Record<string, string>): string {
  const at = transport.type === 'tcp' ? `tcp://${transport.host}:${transport.port}` : `rtu:${transport.path}@${transport.baudRate}`;
  return Object.keys(endpoints).find((bus) => endpoints[bus] === at) ?? at;
}
