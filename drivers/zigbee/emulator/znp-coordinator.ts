import { randomBytes } from 'node:crypto';
import { type MtFrame, MtSubsystem, MtType } from '../znp-frame.js';
import { bytes, ieee, u16, u32, u8 } from './mt-bytes.js';
import { DeviceNetwork } from './device-network.js';
import { type FormedNetwork, ZnpNvMemory } from './znp-nv.js';

const SUCCESS = 0x00;
const FAILURE = 0x01;
const NV_ITEM_UNINIT = 0x09;
const DEV_HOLD = 0x00;
const DEV_ZB_COORD = 0x09;
/** Z-Stack 3.x.0 on a CC26x2: the product id hosts use to pick NV layouts and concurrency. */
const PRODUCT_ZSTACK_3X0 = 2;
const RPC_ERR_COMMAND_ID = 0x02;

interface Endpoint {
  endpoint: number;
  profile: number;
  deviceId: number;
  version: number;
  inClusters: number[];
  outClusters: number[];
}

type Handler = (data: Buffer) => Buffer | undefined;

/**
 * A ZNP coordinator at the MT level: SYS, UTIL, AF, ZDO and APP_CNF requests in, SRSP and AREQ frames
 * out. It keeps NV memory (and so the network) across host connections; registered endpoints and the
 * device state are volatile and vanish on reset, as on the chip.
 */
export class ZnpCoordinator {
  readonly ieeeAddress = `0x00124b${randomBytes(5).toString('hex')}`;
  readonly nv = new ZnpNvMemory();
  private devState = DEV_HOLD;
  private endpoints = new Map<number, Endpoint>();
  private groups = new Set<string>();
  private permitJoinUntil = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly handlers = new Map<number, Handler>();
  private send: (frame: MtFrame) => void = () => {};
  /** Devices keep their place in the network across host reconnects and coordinator reboots, as on a real mesh. */
  readonly network = new DeviceNetwork({
    areq: (subsystem, command, data) => this.reply(MtType.AREQ, subsystem, command, data),
    later: (ms, fn) => this.later(ms, fn),
    joinPermitted: () => this.joinPermitted(),
  });

  constructor() {
    this.registerHandlers();
  }

  /** Where SRSP and AREQ frames go: the one connected host. */
  attach(send: (frame: MtFrame) => void): void {
    this.send = send;
  }

  detach(): void {
    this.send = () => {};
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Power cycle: volatile state gone, NV kept. */
  reboot(): void {
    this.devState = DEV_HOLD;
    this.permitJoinUntil = 0;
    this.endpoints = new Map();
    this.groups = new Set();
  }

  formedNetwork(): FormedNetwork | undefined {
    return this.devState === DEV_ZB_COORD ? this.nv.formed() : undefined;
  }

  handle(frame: MtFrame): void {
    if (frame.type === MtType.AREQ && frame.subsystem === MtSubsystem.SYS && frame.command === 0x00) {
      this.softReset();
      return;
    }
    if (frame.type !== MtType.SREQ) return;
    const handler = this.handlers.get((frame.subsystem << 8) | frame.command);
    if (!handler) {
      const cmd0 = (MtType.SREQ << 5) | frame.subsystem;
      this.reply(MtType.SRSP, MtSubsystem.RPC_ERROR, 0x00, bytes(u8(RPC_ERR_COMMAND_ID), u8(cmd0), u8(frame.command)));
      return;
    }
    const response = handler(frame.data);
    if (response) this.reply(MtType.SRSP, frame.subsystem, frame.command, response);
  }

  private reply(type: MtType, subsystem: number, command: number, data: Buffer): void {
    this.send({ type, subsystem, command, data });
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private softReset(): void {
    this.nv.onReset();
    this.reboot();
    // SYS_RESET_IND: reason (external), transport rev, product, major, minor, hardware rev.
    this.later(10, () => this.reply(MtType.AREQ, MtSubsystem.SYS, 0x80, bytes(u8(0), u8(2), u8(PRODUCT_ZSTACK_3X0), u8(2), u8(7), u8(1))));
  }

  private becomeCoordinator(): void {
    this.devState = DEV_ZB_COORD;
    this.later(20, () => this.reply(MtType.AREQ, MtSubsystem.ZDO, 0xc0, u8(DEV_ZB_COORD)));
  }

  private on(subsystem: MtSubsystem, command: number, handler: Handler): void {
    this.handlers.set((subsystem << 8) | command, handler);
  }

  private registerHandlers(): void {
    const { SYS, UTIL, AF, ZDO, APP_CNF } = MtSubsystem;
    this.on(SYS, 0x01, () => u16(0x0179)); // ping: capabilities SYS|AF|ZDO|SAPI|UTIL|APP_CNF
    this.on(SYS, 0x02, () => bytes(u8(2), u8(PRODUCT_ZSTACK_3X0), u8(2), u8(7), u8(1), u32(20240710)));
    this.on(SYS, 0x04, () => ieee(this.ieeeAddress));
    this.on(SYS, 0x13, (d) => u16(this.nv.length(d.readUInt16LE(0))));
    this.on(SYS, 0x07, (d) => {
      const created = this.nv.init(d.readUInt16LE(0), d.readUInt16LE(2), d.subarray(5, 5 + (d[4] ?? 0)));
      return u8(created ? NV_ITEM_UNINIT : SUCCESS);
    });
    this.on(SYS, 0x08, (d) => this.nvRead(d.readUInt16LE(0), d[2] ?? 0));
    this.on(SYS, 0x1c, (d) => this.nvRead(d.readUInt16LE(0), d.readUInt16LE(2)));
    this.on(SYS, 0x1d, (d) => {
      const len = d.readUInt16LE(4);
      return u8(this.nv.write(d.readUInt16LE(0), d.readUInt16LE(2), d.subarray(6, 6 + len)) ? SUCCESS : FAILURE);
    });
    this.on(SYS, 0x12, (d) => {
      this.nv.delete(d.readUInt16LE(0));
      return u8(SUCCESS);
    });
    // Extended (SimpleLink) NV tables: this coordinator keeps no address, key or TCLK table entries yet.
    this.on(SYS, 0x32, () => u8(0));
    this.on(SYS, 0x0f, () => u8(0));
    this.on(APP_CNF, 0x08, () => u8(SUCCESS));
    this.on(APP_CNF, 0x05, () => {
      const network = this.nv.commissioned();
      if (!network) return u8(FAILURE);
      this.nv.storeFormed(network);
      this.becomeCoordinator();
      return u8(SUCCESS);
    });
    this.on(ZDO, 0x40, () => {
      if (!this.nv.formed()) return u8(FAILURE);
      this.becomeCoordinator();
      return u8(SUCCESS);
    });
    this.on(ZDO, 0x50, () => this.extNwkInfo());
    this.on(ZDO, 0x05, (d) => this.zdoToSelf(d, 0x05, 0x85, () => this.activeEndpoints()));
    this.on(ZDO, 0x04, (d) => this.zdoToSelf(d, 0x04, 0x84, () => this.simpleDescriptor(d[4] ?? 0)));
    for (const command of [0x02, 0x21, 0x22, 0x34, 0x45]) this.on(ZDO, command, (d) => this.network.zdo(command, d));
    this.on(ZDO, 0x4a, (d) => {
      const found = this.groups.has(`${d[0]}/${d.readUInt16LE(1)}`);
      return bytes(u8(found ? SUCCESS : FAILURE), d.subarray(1, 3), u8(0));
    });
    this.on(ZDO, 0x4b, (d) => {
      this.groups.add(`${d[0]}/${d.readUInt16LE(1)}`);
      return u8(SUCCESS);
    });
    this.on(ZDO, 0x36, (d) => this.permitJoin(d));
    this.on(UTIL, 0x0a, () => u8(SUCCESS)); // ledControl
    this.on(UTIL, 0x4a, () => bytes(u16(0xfffe), u16(0), u8(0xff))); // assocGetWithAddress: no association table here, "not a child"
    this.on(UTIL, 0x00, () => bytes(u8(SUCCESS), ieee(this.ieeeAddress), u16(0), u8(0x07), u8(this.devState), u8(0)));
    this.on(AF, 0x00, (d) => this.registerEndpoint(d));
    // Broadcasts (the Green Power proxy, permit join) and frames to the coordinator itself: confirmed, unanswered.
    this.on(AF, 0x01, (d) => (d.readUInt16LE(0) === 0 ? this.confirmData(d[3] ?? 0, d[6] ?? 0) : this.network.dataRequest(d)));
    this.on(AF, 0x02, (d) => this.confirmData(d[12] ?? 0, d[15] ?? 0));
  }

  /** `addrMode, dstAddr, duration, tcSignificance`; 0xFFFC and broadcasts open the whole network. */
  private permitJoin(d: Buffer): Buffer {
    const target = d.readUInt16LE(1);
    this.permitJoinUntil = (d[3] ?? 0) === 0 ? 0 : Date.now() + (d[3] ?? 0) * 1000;
    this.later(5, () => {
      this.reply(MtType.AREQ, MtSubsystem.ZDO, 0xcb, u8(d[3] ?? 0));
      if (target === 0x0000) this.reply(MtType.AREQ, MtSubsystem.ZDO, 0xb6, bytes(u16(0), u8(SUCCESS)));
    });
    return u8(SUCCESS);
  }

  /** Whether a device may join now, as the coordinator's own permit-join timer decides. */
  joinPermitted(): boolean {
    return Date.now() < this.permitJoinUntil;
  }

  private confirmData(srcEndpoint: number, transId: number): Buffer {
    this.later(5, () => this.reply(MtType.AREQ, MtSubsystem.AF, 0x80, bytes(u8(SUCCESS), u8(srcEndpoint), u8(transId))));
    return u8(SUCCESS);
  }

  private nvRead(id: number, offset: number): Buffer {
    const item = this.nv.read(id);
    if (!item || offset > item.length) return bytes(u8(FAILURE), u8(0));
    const chunk = item.subarray(offset, offset + 240);
    return bytes(u8(SUCCESS), u8(chunk.length), chunk);
  }

  private extNwkInfo(): Buffer {
    const n = this.nv.formed();
    const epid = n ? n.extendedPanIdLe : Buffer.alloc(8);
    return bytes(u16(0), u8(this.devState), u16(n?.panId ?? 0xffff), u16(0), epid, Buffer.alloc(8), u8(n?.channel ?? 0));
  }

  /** ZDO requests addressed to the coordinator are answered by its own ZDO: SRSP now, the response as an AREQ. */
  private zdoToSelf(d: Buffer, command: number, responseCommand: number, answer: () => Buffer): Buffer {
    if (d.readUInt16LE(0) !== 0x0000) return this.network.zdo(command, d);
    this.later(5, () => this.reply(MtType.AREQ, MtSubsystem.ZDO, responseCommand, bytes(u16(0), answer())));
    return u8(SUCCESS);
  }

  private activeEndpoints(): Buffer {
    const eps = [...this.endpoints.keys()];
    return bytes(u8(SUCCESS), u16(0), u8(eps.length), Buffer.from(eps));
  }

  private simpleDescriptor(endpoint: number): Buffer {
    const ep = this.endpoints.get(endpoint);
    if (!ep) return bytes(u8(0x83), u16(0), u8(0)); // NOT_ACTIVE
    const body = bytes(
      u8(ep.endpoint),
      u16(ep.profile),
      u16(ep.deviceId),
      u8(ep.version),
      u8(ep.inClusters.length),
      ...ep.inClusters.map(u16),
      u8(ep.outClusters.length),
      ...ep.outClusters.map(u16),
    );
    return bytes(u8(SUCCESS), u16(0), u8(body.length), body);
  }

  private registerEndpoint(d: Buffer): Buffer {
    const endpoint = d[0] ?? 0;
    if (this.endpoints.has(endpoint)) return u8(0xb8); // ZApsDuplicateEntry
    let at = 7;
    const list = (): number[] => {
      const n = d[at++] ?? 0;
      const out: number[] = [];
      for (let i = 0; i < n; i++, at += 2) out.push(d.readUInt16LE(at));
      return out;
    };
    const inClusters = list();
    const outClusters = list();
    this.endpoints.set(endpoint, { endpoint, profile: d.readUInt16LE(1), deviceId: d.readUInt16LE(3), version: d[5] ?? 0, inClusters, outClusters });
    return u8(SUCCESS);
  }
}
