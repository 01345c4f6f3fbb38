import { createRequire } from 'node:module';
import { OutpostError } from '../types.js';
import type { NobleBinding, NobleLike } from './noble-types.js';

const require = createRequire(import.meta.url);

/**
 * A noble over the given binding (the emulated one), or over the platform's own (HCI socket on Linux).
 * Loaded on demand: the HCI binding's native module is only needed where BLE is configured, and a
 * missing or unbuildable one is an adapter fault the driver reports, not a crash at import.
 */
export function createNoble(binding?: NobleBinding): NobleLike {
  try {
    if (binding) return (require('@abandonware/noble/with-bindings.js') as (b: NobleBinding) => NobleLike)(binding);
    return (require('@abandonware/noble/with-custom-binding.js') as () => NobleLike)();
  } catch (error) {
    throw new OutpostError('BLE_ADAPTER_UNAVAILABLE', `the Bluetooth stack could not be loaded: ${(error as Error).message}`, {}, { cause: error });
  }
}

type NobleCaches = Partial<Record<'_peripherals' | '_services' | '_characteristics' | '_descriptors' | '_discoveredPeripheralUUids', Record<string, unknown>>>;

/**
 * Drops noble's per-peripheral caches for one advertiser. noble keeps every address it ever heard, and
 * phones rotate private addresses every few minutes: on a street that is a leak. We never connect, so
 * forgetting a tag we do not track costs noble only a new Peripheral object on its next advert.
 */
export function forgetPeripheral(noble: NobleLike, uuid: string): void {
  const caches = noble as unknown as NobleCaches;
  for (const name of ['_peripherals', '_services', '_characteristics', '_descriptors', '_discoveredPeripheralUUids'] as const) {
    const cache = caches[name];
    if (cache) delete cache[uuid];
  }
}
