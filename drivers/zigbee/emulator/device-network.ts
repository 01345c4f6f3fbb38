import { randomInt } from 'node:crypto';
import { MtSubsystem } from '../znp-frame.js';
import type { DeviceFrame, EmulatedDevice } from './emulated-device.js';
import { bytes, ieee, u16, u32, u8 } from './mt-bytes.js';

const SUCCESS = 0x00;
/** MAC_NO_ACK: the frame went out and nobody answered (device gone or asleep). */
const MAC_NO_ACK = 0xe9;
const ZDO_NOT_ACTIVE = 0x83;
const LINK_QUALITY = 200;

export interface NetworkPorts {
  areq(subsystem: MtSubsystem, command: number, data: Buffer): void;
  later(ms: number, fn: () => void): void;
  joinPermitted(): boolean;
}

/**
 * The emulated devices beyond the coordinator's radio: they join when the host permits it, answer
 * ZDO discovery and ZCL addressed to their short address, and report as the world changes them.
 */
export class DeviceNetwork {
  private readonly byNwk = new Map<number, EmulatedDevice>();

  constructor(private readonly ports: NetworkPorts) {}

  devices(): EmulatedDevice[] {
    return [...this.byNwk.values()];
  }

  /** The device asks to join; the coordinator admits it only while permit join is open. */
  join(device: EmulatedDevice): boolean {
    if (!this.ports.joinPermitted()) return false;
    let nwk = device.nwkAddress;
    while (nwk === 0 || (this.byNwk.has(nwk) && this.byNwk.get(nwk) !== device)) nwk = randomInt(0x0001, 0xfff0);
    device.nwkAddress = nwk;
    this.byNwk.set(nwk, device);
    this.announce(device);
    return true;
  }

  /** The device leaves (asked to, or reset by hand): gone from the network, the coordinator says so with ZDO_LEAVE_IND. */
  leave(device: EmulatedDevice): void {
    if (this.byNwk.get(device.nwkAddress) !== device) return;
    this.byNwk.delete(device.nwkAddress);
    device.reporting.clear();
    device.bindings.clear();
    // srcAddr, extAddr, request (0: an indication, not a request), removeChildren, rejoin; after any answer to a leave request.
    const ind = bytes(u16(device.nwkAddress), ieee(device.ieeeAddress), u8(0), u8(0), u8(0));
    this.ports.later(10, () => this.ports.areq(MtSubsystem.ZDO, 0xc9, ind));
  }

  /** ZDO_TC_DEV_IND then ZDO_END_DEVICE_ANNCE_IND, as Z-Stack reports a device that joined through it. */
  announce(device: EmulatedDevice): void {
    const nwk = device.nwkAddress;
    const capabilities = device.spec.role === 'router' ? 0x8e : 0x80;
    this.ports.later(5, () => this.ports.areq(MtSubsystem.ZDO, 0xca, bytes(u16(nwk), ieee(device.ieeeAddress), u16(0))));
    this.ports.later(10, () => this.ports.areq(MtSubsystem.ZDO, 0xc1, bytes(u16(nwk), u16(nwk), ieee(device.ieeeAddress), u8(capabilities))));
  }

  private reachable(nwk: number): EmulatedDevice | undefined {
    const device = this.byNwk.get(nwk);
    return device?.silent ? undefined : device;
  }

  /** Sends frames from a device to the host as AF_INCOMING_MSG. */
  deliver(device: EmulatedDevice, frames: DeviceFrame[]): void {
    if (device.silent) return;
    for (const f of frames) {
      const data = bytes(u16(0), u16(f.cluster), u16(device.nwkAddress), u8(f.endpoint), u8(1), u8(0), u8(LINK_QUALITY), u8(0), u32(Date.now() & 0xffffffff), u8(0), u8(f.data.length), f.data);
      this.ports.areq(MtSubsystem.AF, 0x81, data);
    }
  }

  /** AF_DATA_REQUEST to a device: confirmed (or not, if it is not there) and answered. */
  dataRequest(d: Buffer): Buffer {
    const device = this.reachable(d.readUInt16LE(0));
    const endpoint = d[2] ?? 0;
    const srcEndpoint = d[3] ?? 0;
    const cluster = d.readUInt16LE(4);
    const transId = d[6] ?? 0;
    const len = d[9] ?? 0;
    const payload = Buffer.from(d.subarray(10, 10 + len));
    this.ports.later(5, () => {
      this.ports.areq(MtSubsystem.AF, 0x80, bytes(u8(device ? SUCCESS : MAC_NO_ACK), u8(srcEndpoint), u8(transId)));
      if (device) this.deliver(device, device.receive(endpoint, cluster, payload));
    });
    return u8(SUCCESS);
  }

  /** ZDO requests for a device's short address: `dstAddr(2)` first, then the ZDO request body. */
  zdo(command: number, d: Buffer): Buffer {
    const nwk = d.readUInt16LE(0);
    const device = this.reachable(nwk);
    if (command === 0x45) return u8(SUCCESS); // extRouteDisc: routes are instant here
    if (!device) return u8(SUCCESS); // the request goes out; no answer ever comes, as with a missing device
    const answer = this.zdoAnswer(device, command, d);
    if (answer) this.ports.later(5, () => this.ports.areq(MtSubsystem.ZDO, answer.command, bytes(u16(nwk), answer.data)));
    return u8(SUCCESS);
  }

  private zdoAnswer(device: EmulatedDevice, command: number, d: Buffer): { command: number; data: Buffer } | undefined {
    const nwk = device.nwkAddress;
    switch (command) {
      case 0x02:
        return { command: 0x82, data: bytes(u8(SUCCESS), u16(nwk), this.nodeDescriptor(device)) };
      case 0x05: {
        const eps = device.spec.endpoints.map((e) => e.id);
        return { command: 0x85, data: bytes(u8(SUCCESS), u16(nwk), u8(eps.length), Buffer.from(eps)) };
      }
      case 0x04: {
        const ep = device.spec.endpoints.find((e) => e.id === d[4]);
        if (!ep) return { command: 0x84, data: bytes(u8(ZDO_NOT_ACTIVE), u16(nwk), u8(0)) };
        const body = bytes(u8(ep.id), u16(ep.profile), u16(ep.deviceId), u8(1), u8(ep.inClusters.length), ...ep.inClusters.map(u16), u8(ep.outClusters.length), ...ep.outClusters.map(u16));
        return { command: 0x84, data: bytes(u8(SUCCESS), u16(nwk), u8(body.length), body) };
      }
      case 0x21:
        device.bindings.add(`${d[10]}/${d.readUInt16LE(11)}`);
        return { command: 0xa1, data: u8(SUCCESS) };
      case 0x22:
        device.bindings.delete(`${d[10]}/${d.readUInt16LE(11)}`);
        return { command: 0xa2, data: u8(SUCCESS) };
      case 0x34:
        this.leave(device);
        return { command: 0xb4, data: u8(SUCCESS) };
      default:
        return undefined;
    }
  }

  /** ZDO node descriptor: logical type, 2.4 GHz, MAC capabilities, manufacturer code, buffer sizes, server mask. */
  private nodeDescriptor(device: EmulatedDevice): Buffer {
    const router = device.spec.role === 'router';
    return bytes(u8(router ? 0x01 : 0x02), u8(0x40), u8(router ? 0x8e : 0x80), u16(device.spec.manufacturerCode), u8(0x52), u16(0x00a0), u16(0x2c00), u16(0x00a0), u8(0x00));
  }
}
