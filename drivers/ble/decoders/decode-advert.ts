import { BTHOME_UUID, decodeBthome } from './bthome.js';
import { decodeGovee, GOVEE_COMPANY_ID } from './govee.js';
import { decodeRuuvi, RUUVI_COMPANY_ID } from './ruuvi.js';
import { failure, type Advert, type DecodeResult } from './types.js';
import { decodeXiaomiCustom, ENVIRONMENTAL_SENSING_UUID } from './xiaomi-custom.js';

/**
 * Picks the decoder by what the advert carries (service UUID or manufacturer company id) and runs it.
 * Never throws: whatever arrives on air, the answer is a reading set or a typed error.
 */
export function decodeAdvert(advert: Advert, key?: Buffer): DecodeResult {
  try {
    for (const { uuid, data } of advert.serviceData) {
      if (uuid === BTHOME_UUID) return decodeBthome(data, advert.address, key);
      if (uuid === ENVIRONMENTAL_SENSING_UUID) return decodeXiaomiCustom(data, advert.address);
    }
    const maker = advert.manufacturerData;
    if (maker && maker.length >= 2) {
      const company = maker.readUInt16LE(0);
      if (company === RUUVI_COMPANY_ID) return decodeRuuvi(maker.subarray(2));
      if (company === GOVEE_COMPANY_ID) return decodeGovee(maker.subarray(2));
    }
    return failure('BLE_NOT_RECOGNISED', 'no supported service data or manufacturer data in the advert');
  } catch (error) {
    // Every decoder checks lengths first; this is the backstop that keeps a bad advert from killing the scan.
    return failure('BLE_MALFORMED', `advert could not be decoded: ${(error as Error).message}`);
  }
}
