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
