import type { DiscoveredTag } from '../../drivers/ble/ble-driver.js';
import type { Driver } from '../../drivers/types.js';

/**
 * What the page drives beyond the Driver contract, found by shape so the web layer needs no driver's
 * class (and so the Zigbee driver's `removeDevice`, when it has one, is used without a version check).
 */
export interface ZigbeeControl {
  permitJoin(seconds: number): Promise<void>;
  permitJoinEnd(): number | undefined;
  /** `left: false` when the device never confirmed and was forgotten anyway. */
  removeDevice?(ieeeAddress: string): Promise<{ left: boolean } | void>;
  /** Every device in the network, including one still being interviewed right after it joined. */
  pairedDevices?(): PairedDevice[];
  /** Shows a new display name at once; without it a rename waits for the restart that reads the config. */
  setName?(ieeeAddress: string, name: string): void;
}

export interface PairedDevice {
  ieeeAddress: string;
  id: string;
  interview: string;
  name: string;
  model: string;
}

export interface BleScanner {
  discovered(): DiscoveredTag[];
}

const has = (driver: Driver, method: string) => typeof (driver as unknown as Record<string, unknown>)[method] === 'function';

export function zigbeeControl(drivers: readonly Driver[]): (Driver & ZigbeeControl) | undefined {
  return drivers.find((d): d is Driver & ZigbeeControl => d.protocol === 'zigbee' && has(d, 'permitJoin') && has(d, 'permitJoinEnd'));
}

export function bleScanner(drivers: readonly Driver[]): (Driver & BleScanner) | undefined {
  return drivers.find((d): d is Driver & BleScanner => d.protocol === 'ble' && has(d, 'discovered'));
}
