import type { EventEmitter } from 'node:events';

/** The part of noble the driver uses; `@abandonware/noble` ships no types for its binding entry points. */
export interface NoblePeripheral {
  id: string;
  address: string;
  rssi: number;
  advertisement: {
    localName?: string;
    manufacturerData?: Buffer;
    serviceData?: { uuid: string; data: Buffer }[];
  };
}

export interface NobleLike {
  on(event: 'stateChange', listener: (state: string) => void): this;
  on(event: 'discover', listener: (peripheral: NoblePeripheral) => void): this;
  on(event: 'warning' | 'scanStop' | 'scanStart', listener: (...args: unknown[]) => void): this;
  removeAllListeners(event?: string): this;
  startScanning(serviceUuids: string[], allowDuplicates: boolean, callback?: (error?: Error | null) => void): void;
  stopScanning(callback?: () => void): void;
}

/** The EventEmitter a noble binding is (hci-socket on Linux, our emulated one in tests and demos). */
export interface NobleBinding extends EventEmitter {
  init(): void;
  startScanning(serviceUuids: string[] | undefined, allowDuplicates: boolean): void;
  stopScanning(): void;
}
