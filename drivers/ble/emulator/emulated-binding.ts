import { EventEmitter } from 'node:events';
import type { NobleBinding } from '../noble-types.js';

export type AdapterState = 'poweredOn' | 'poweredOff' | 'unsupported' | 'unauthorized';

/** One advertisement on air, in the shape noble's HCI binding reports it. */
export interface EmulatedAdvert {
  address: string;
  rssi: number;
  localName?: string;
  manufacturerData?: Buffer;
  serviceData?: { uuid: string; data: Buffer }[];
}

/**
 * A noble binding with no radio: the world calls `advertise()` and real noble, above, turns it into
 * `discover` events exactly as it does for the HCI binding. `stall()` reproduces noble's known failure on
 * the Pi where scanning silently stops delivering until it is restarted.
 */
export class EmulatedBinding extends EventEmitter implements NobleBinding {
  scanning = false;
  scanStarts = 0;
  private stalled = false;

  constructor(private adapterState: AdapterState = 'poweredOn') {
    super();
  }

  init(): void {
    queueMicrotask(() => this.emit('stateChange', this.adapterState));
  }

  startScanning(_serviceUuids: string[] | undefined, allowDuplicates: boolean): void {
    this.scanning = true;
    this.stalled = false;
    this.scanStarts += 1;
    queueMicrotask(() => this.emit('scanStart', !allowDuplicates));
  }

  stopScanning(): void {
    this.scanning = false;
    queueMicrotask(() => this.emit('scanStop'));
  }

  setScanParameters(): void {
    queueMicrotask(() => this.emit('scanParametersSet'));
  }

  reset(): void {
    this.scanning = false;
  }

  /** The adapter is unplugged, powered off, or back. */
  setAdapterState(state: AdapterState): void {
    this.adapterState = state;
    if (state !== 'poweredOn') this.scanning = false;
    this.emit('stateChange', state);
  }

  stall(): void {
    this.stalled = true;
  }

  /** True when the advert reached noble (scanning, powered, not stalled). */
  advertise(advert: EmulatedAdvert): boolean {
    if (!this.scanning || this.stalled || this.adapterState !== 'poweredOn') return false;
    const advertisement = {
      localName: advert.localName,
      txPowerLevel: undefined,
      manufacturerData: advert.manufacturerData,
      serviceData: advert.serviceData ?? [],
      serviceUuids: [],
      solicitationServiceUuids: [],
      serviceSolicitationUuids: [],
    };
    const uuid = advert.address.replace(/:/g, '');
    // noble's signature: (uuid, address, addressType, connectable, advertisement, rssi, scannable)
    this.emit('discover', uuid, advert.address, 'public', false, advertisement, advert.rssi, false);
    return true;
  }
}
