import { OutpostError } from '../../types.js';
import type { EmulatedModbusDevice, ModbusFault } from './emulated-device.js';
import { exceptionPdu, handlePdu, isWriteFunction } from './pdu.js';
import { UnitRegisters } from './unit-registers.js';

/** A reply to frame and send; `corrupt` asks the transport to damage it the way its `bad-crc` fault does. */
export interface Answer {
  pdu: Buffer;
  corrupt: boolean;
}

interface HostedUnit {
  registers: UnitRegisters;
  fault: ModbusFault | null;
  requests: number;
}

/** The units behind one wire (a TCP gateway or an RTU bus), with their faults and request counts. */
export class UnitHost {
  private readonly units = new Map<number, HostedUnit>();

  constructor(
    devices: readonly EmulatedModbusDevice[],
    private readonly now: () => number,
  ) {
    for (const device of devices) {
      if (!Number.isInteger(device.unitId) || device.unitId < 1 || device.unitId > 247) {
        throw new OutpostError('EMU_BAD_UNIT', `emulated ${device.profile.name}: unit id ${device.unitId} is not 1–247`);
      }
      if (this.units.has(device.unitId)) {
        throw new OutpostError('EMU_DUPLICATE_UNIT', `emulated ${device.profile.name}: unit id ${device.unitId} is used twice on one wire`);
      }
      this.units.set(device.unitId, { registers: new UnitRegisters(device), fault: null, requests: 0 });
    }
  }

  unitIds(): number[] {
    return [...this.units.keys()];
  }

  hosts(unitId: number): boolean {
    return this.units.has(unitId);
  }

  /** The reply of `unitId` to a request PDU, or undefined when it stays silent (not hosted, or timing out). */
  answer(unitId: number, request: Buffer): Answer | undefined {
    const unit = this.units.get(unitId);
    if (unit === undefined) return undefined;
    unit.requests++;
    const fault = unit.fault;
    if (fault?.kind === 'timeout') return undefined;
    if (fault?.kind === 'exception') return { pdu: exceptionPdu(request[0] ?? 0, fault.code), corrupt: false };
    const override = fault?.kind === 'value' ? fault : undefined;
    return { pdu: handlePdu(request, unit.registers.at(this.now(), override)), corrupt: fault?.kind === 'bad-crc' };
  }

  /** A write to unit 0 reaches every powered unit and nobody answers (RTU broadcast). */
  broadcast(request: Buffer): void {
    if (!isWriteFunction(request[0] ?? 0)) return;
    for (const unit of this.units.values()) {
      if (unit.fault?.kind !== 'timeout') handlePdu(request, unit.registers.at(this.now()));
    }
  }

  setFault(unitId: number, fault: ModbusFault | null): void {
    const unit = this.unit(unitId);
    if (fault?.kind === 'value' && !unit.registers.hasMetric(fault.metric)) {
      throw new OutpostError('EMU_UNKNOWN_METRIC', `emulated unit ${unitId}: no point serves metric '${fault.metric}'`);
    }
    unit.fault = fault;
  }

  outputs(unitId: number): Record<string, number> {
    return this.unit(unitId).registers.outputs();
  }

  /** Requests addressed to the unit so far, answered or not (RTU frames with a bad CRC never count). */
  requests(unitId: number): number {
    return this.unit(unitId).requests;
  }

  private unit(unitId: number): HostedUnit {
    const unit = this.units.get(unitId);
    if (unit === undefined) {
      throw new OutpostError('EMU_UNKNOWN_UNIT', `no emulated unit ${unitId} here (hosted: ${this.unitIds().join(', ')})`);
    }
    return unit;
  }
}
