import { randomBytes } from 'node:crypto';

/** OSAL NV item ids that the coordinator itself reads when it forms or resumes a network (Z-Stack `ZCD_NV_*`). */
export const NvId = {
  STARTUP_OPTION: 0x0003,
  NIB: 0x0021,
  EXTENDED_PAN_ID: 0x002d,
  NWK_ACTIVE_KEY_INFO: 0x003a,
  NWK_ALTERN_KEY_INFO: 0x003b,
  PRECFGKEY: 0x0062,
  NWKKEY: 0x0082,
  PANID: 0x0083,
  CHANLIST: 0x0084,
} as const;

/** `ZCD_STARTOPT_DEFAULT_CONFIG_STATE | ZCD_STARTOPT_DEFAULT_NETWORK_STATE`: wipe configuration and network on reset. */
const STARTOPT_CLEAR = 0x03;
const NIB_LENGTH = 110;

export interface FormedNetwork {
  panId: number;
  channel: number;
  /** As stored in NV: least significant byte first. */
  extendedPanIdLe: Buffer;
  networkKey: Buffer;
}

/**
 * The coordinator's non-volatile memory. It outlives TCP connections and soft resets, as flash does,
 * which is what lets a restarted host resume the network instead of forming a new one.
 */
export class ZnpNvMemory {
  private readonly items = new Map<number, Buffer>();

  constructor() {
    this.factoryReset();
  }

  factoryReset(): void {
    this.items.clear();
    // An unaligned (CC26xx/CC13xx) target stores ZCD_NV_NWKKEY in 21 bytes; hosts probe this to learn the alignment.
    this.items.set(NvId.NWKKEY, Buffer.alloc(21));
    this.items.set(NvId.PRECFGKEY, randomBytes(16));
  }

  length(id: number): number {
    return this.items.get(id)?.length ?? 0;
  }

  read(id: number): Buffer | undefined {
    return this.items.get(id);
  }

  /** `osalNvItemInit`: true when the item was created (Z-Stack answers NV_ITEM_UNINIT, 0x09), false when it existed. */
  init(id: number, length: number, initial: Buffer): boolean {
    if (this.items.has(id)) return false;
    const item = Buffer.alloc(length);
    initial.copy(item);
    this.items.set(id, item);
    return true;
  }

  write(id: number, offset: number, value: Buffer): boolean {
    const item = this.items.get(id);
    if (!item || offset + value.length > item.length) return false;
    value.copy(item, offset);
    return true;
  }

  delete(id: number): void {
    this.items.delete(id);
  }

  /** A soft reset honours the startup option the host wrote before it, as the real stack does. */
  onReset(): void {
    const option = this.items.get(NvId.STARTUP_OPTION)?.[0] ?? 0;
    if ((option & STARTOPT_CLEAR) === 0) return;
    for (const id of [NvId.NIB, NvId.NWK_ACTIVE_KEY_INFO, NvId.NWK_ALTERN_KEY_INFO]) this.items.delete(id);
  }

  /** The network the host commissioned, read back from the items it wrote; undefined until it wrote them. */
  commissioned(): FormedNetwork | undefined {
    const pan = this.items.get(NvId.PANID);
    const chanList = this.items.get(NvId.CHANLIST);
    const epid = this.items.get(NvId.EXTENDED_PAN_ID);
    const key = this.items.get(NvId.PRECFGKEY);
    if (!pan || !chanList || !epid || !key) return undefined;
    const mask = chanList.readUInt32LE(0);
    let channel = 11;
    while (channel < 26 && (mask & (1 << channel)) === 0) channel++;
    return { panId: pan.readUInt16LE(0), channel, extendedPanIdLe: Buffer.from(epid), networkKey: Buffer.from(key) };
  }

  /** BDB formation done: write the NIB and the active/alternate key descriptors the host reads back. */
  storeFormed(network: FormedNetwork): void {
    const nib = Buffer.alloc(NIB_LENGTH);
    nib[12] = 5; // SecurityLevel
    nib[17] = 2; // nwkProtocolVersion (Zigbee PRO)
    nib.writeUInt16LE(0x0000, 20); // nwkDevAddress: the coordinator
    nib[22] = network.channel;
    nib.writeUInt16LE(network.panId, 33);
    nib[35] = 9; // nwkState: coordinator
    nib.writeUInt32LE((1 << network.channel) >>> 0, 36);
    network.extendedPanIdLe.copy(nib, 53);
    nib[61] = 1; // nwkKeyLoaded
    const descriptor = Buffer.concat([Buffer.from([0]), network.networkKey]);
    this.items.set(NvId.NIB, nib);
    this.items.set(NvId.NWK_ACTIVE_KEY_INFO, descriptor);
    this.items.set(NvId.NWK_ALTERN_KEY_INFO, Buffer.from(descriptor));
  }

  formed(): FormedNetwork | undefined {
    const nib = this.items.get(NvId.NIB);
    const key = this.items.get(NvId.NWK_ACTIVE_KEY_INFO);
    if (!nib || !key) return undefined;
    return { panId: nib.readUInt16LE(33), channel: nib[22] ?? 0, extendedPanIdLe: Buffer.from(nib.subarray(53, 61)), networkKey: Buffer.from(key.subarray(1)) };
  }
}
