import type { ScenarioName } from '../../sim/scenario.js';
import type { ZigbeeConfig } from '../config-schema.js';
import { scenarioZigbeeDevices, type ZigbeeSimDevice } from './scenario-devices.js';
import { ZnpEmulator } from './znp-emulator.js';

export interface ZigbeeScenarioOptions {
  /** Copies of the site, as the scenario's `scale`. */
  scale?: number;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Wall time between two rounds of reports from every joined device. */
  reportEveryMs?: number;
}

export interface RunningZigbee {
  emulator: ZnpEmulator;
  devices: ZigbeeSimDevice[];
  /** The zigbee config section that points the driver at this coordinator and opens pairing at start. */
  config: Pick<ZigbeeConfig, 'enabled' | 'port' | 'permitJoinOnStart'>;
  stop(): Promise<void>;
}

/** How long pairing stays open when the scenario's driver starts: every device is in pairing mode and joins at once. */
const PERMIT_JOIN_S = 120;

/**
 * A scenario's Zigbee devices behind an emulated Z-Stack coordinator on TCP. Each device sits in pairing
 * mode until the host opens the network, joins, and from then on reports what the world gives it at its
 * instant of world time, every `reportEveryMs`.
 */
export async function startZigbeeScenario(name: ScenarioName, worldNow: () => number, options: ZigbeeScenarioOptions = {}): Promise<RunningZigbee> {
  const scale = options.scale ?? 1;
  const devices = Array.from({ length: scale }, (_, i) => scenarioZigbeeDevices(name, i + 1)).flat();
  const emulator = new ZnpEmulator({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  await emulator.start();
  const network = emulator.coordinator.network;
  const joined = new Set<ZigbeeSimDevice>();
  const pairing = setInterval(() => {
    for (const d of devices) if (!joined.has(d) && network.join(d.device)) joined.add(d);
  }, 250);
  const reporting = setInterval(() => {
    const now = worldNow();
    for (const d of joined) network.deliver(d.device, d.report(now));
  }, options.reportEveryMs ?? 2000);
  pairing.unref();
  reporting.unref();
  return {
    emulator,
    devices,
    config: { enabled: true, port: emulator.path, permitJoinOnStart: PERMIT_JOIN_S },
    async stop() {
      clearInterval(pairing);
      clearInterval(reporting);
      await emulator.stop();
    },
  };
}
