import type { Logger } from '../../../appliance/log.js';
import { OutpostError } from '../../types.js';
import type { EmulatedModbusDevice, ModbusFault } from './emulated-device.js';
import { PtyPair } from './pty-pair.js';
import { ModbusRtuServer } from './rtu-server.js';
import { ModbusTcpServer } from './tcp-server.js';
import { UnitHost } from './unit-host.js';

/** The units behind one wire, as tests and the world see them. */
export interface ModbusEndpoint {
  setFault(unitId: number, fault: ModbusFault | null): void;
  /** What clients last wrote to the unit's outputs, by output name. */
  outputs(unitId: number): Record<string, number>;
  /** Requests addressed to the unit so far, answered or not. */
  requests(unitId: number): number;
}

export interface TcpGatewayEndpoint extends ModbusEndpoint {
  host: string;
  port: number;
}

export interface RtuBusEndpoint extends ModbusEndpoint {
  /** The serial path the driver opens. */
  clientPath: string;
  baudRate: number;
}

/**
 * Emulated Modbus devices on the real wire: TCP gateways on local ports and RTU buses on pty pairs, so the
 * driver and modbus-serial run unchanged against them. Endpoints are added once started and all released by
 * stop(), newest first.
 */
export class ModbusEmulator {
  private started = false;
  private readonly hosts: UnitHost[] = [];
  private readonly releases: (() => Promise<void>)[] = [];

  constructor(private readonly deps: { log: Logger; now?: () => number }) {}

  async start(): Promise<void> {
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const release of this.releases.splice(0).reverse()) await release();
    this.hosts.length = 0;
  }

  async addTcpGateway(options: { host?: string; port?: number; devices: EmulatedModbusDevice[] }): Promise<TcpGatewayEndpoint> {
    const units = this.hostFor(options.devices);
    const host = options.host ?? '127.0.0.1';
    const server = new ModbusTcpServer({ host, port: options.port ?? 0, units, log: this.deps.log });
    await this.acquire(server);
    this.hosts.push(units);
    return { host, port: server.port, ...endpoint(units) };
  }

  async addRtuBus(options: { devices: EmulatedModbusDevice[]; baudRate?: number }): Promise<RtuBusEndpoint> {
    const units = this.hostFor(options.devices);
    const baudRate = options.baudRate ?? 9600;
    const pty = new PtyPair({ log: this.deps.log });
    const { devicePath, clientPath } = await this.acquire(pty);
    await this.acquire(new ModbusRtuServer({ path: devicePath, baudRate, units, log: this.deps.log }));
    this.hosts.push(units);
    return { clientPath, baudRate, ...endpoint(units) };
  }

  /** Shortcuts for a unit id that exactly one endpoint hosts; otherwise use the endpoint's own methods. */
  setFault(unitId: number, fault: ModbusFault | null): void {
    this.only(unitId).setFault(unitId, fault);
  }

  outputs(unitId: number): Record<string, number> {
    return this.only(unitId).outputs(unitId);
  }

  requests(unitId: number): number {
    return this.only(unitId).requests(unitId);
  }

  private hostFor(devices: readonly EmulatedModbusDevice[]): UnitHost {
    if (!this.started) throw new OutpostError('EMU_NOT_STARTED', 'Modbus emulator: add endpoints after start()');
    return new UnitHost(devices, this.deps.now ?? Date.now);
  }

  /** Starts a part and registers its stop, so a failure later in the same endpoint still releases it. */
  private async acquire<T>(part: { start(): Promise<T>; stop(): Promise<void> }): Promise<T> {
    const result = await part.start();
    this.releases.push(() => part.stop());
    return result;
  }

  private only(unitId: number): UnitHost {
    const matches = this.hosts.filter((units) => units.hosts(unitId));
    const [units] = matches;
    if (units === undefined) throw new OutpostError('EMU_UNKNOWN_UNIT', `Modbus emulator: no endpoint hosts unit ${unitId}`);
    if (matches.length > 1) {
      throw new OutpostError('EMU_AMBIGUOUS_UNIT', `Modbus emulator: unit ${unitId} is on ${matches.length} endpoints; use the endpoint's methods`);
    }
    return units;
  }
}

function endpoint(units: UnitHost): ModbusEndpoint {
  return {
    setFault: (unitId, fault) => units.setFault(unitId, fault),
    outputs: (unitId) => units.outputs(unitId),
    requests: (unitId) => units.requests(unitId),
  };
}
