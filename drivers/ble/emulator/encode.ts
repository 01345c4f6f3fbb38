import { bthomeEncrypt, bthomeNonce, macBytes } from '../decoders/bthome-crypto.js';
import type { EmulatedAdvert } from './emulated-binding.js';

/** What an emulated tag measures at one moment. */
export interface TagValues {
  temperature: number;
  humidity: number;
  battery: number;
  pressure?: number;
  co2?: number;
  pm25?: number;
}

export type TagFormat = 'bthome' | 'ruuvi-5' | 'atc1441' | 'pvvx' | 'govee-h5075';

export interface TagFrame {
  address: string;
  rssi: number;
  /** The sender's counter: BTHome packet id / encryption counter, Ruuvi sequence, Xiaomi frame counter. */
  sequence: number;
  /** BTHome bind key: the advert is encrypted when set. */
  key?: Buffer;
}

function int(value: number, bytes: number, signed: boolean, littleEndian: boolean): Buffer {
  const buffer = Buffer.alloc(bytes);
  const n = Math.round(value);
  if (littleEndian && signed) buffer.writeIntLE(n, 0, bytes);
  else if (littleEndian) buffer.writeUIntLE(n, 0, bytes);
  else if (signed) buffer.writeIntBE(n, 0, bytes);
  else buffer.writeUIntBE(n, 0, bytes);
  return buffer;
}

/** The advert a real tag of this format would send: the inverse of our decoders, used by the world only. */
export function encodeAdvert(format: TagFormat, v: TagValues, frame: TagFrame): EmulatedAdvert {
  const base = { address: frame.address, rssi: frame.rssi };
  const mac = macBytes(frame.address);
  switch (format) {
    case 'bthome': {
      const objects = [
        Buffer.from([0x00, frame.sequence & 0xff, 0x01, Math.round(v.battery)]),
        Buffer.from([0x02]), int(v.temperature * 100, 2, true, true),
        Buffer.from([0x03]), int(v.humidity * 100, 2, false, true),
        ...(v.pm25 === undefined ? [] : [Buffer.from([0x0d]), int(v.pm25, 2, false, true)]),
        ...(v.co2 === undefined ? [] : [Buffer.from([0x12]), int(v.co2, 2, false, true)]),
      ];
      const plain = Buffer.concat(objects);
      if (!frame.key) return { ...base, serviceData: [{ uuid: 'fcd2', data: Buffer.concat([Buffer.from([0x40]), plain]) }] };
      const counter = int(frame.sequence, 4, false, true);
      const { ciphertext, mic } = bthomeEncrypt(frame.key, bthomeNonce(mac, 0x41, counter), plain);
      return { ...base, serviceData: [{ uuid: 'fcd2', data: Buffer.concat([Buffer.from([0x41]), ciphertext, counter, mic]) }] };
    }
    case 'ruuvi-5': {
      const batteryMv = 2000 + v.battery * 10;
      const power = ((batteryMv - 1600) << 5) | ((4 + 40) / 2);
      const payload = Buffer.concat([
        Buffer.from([0x99, 0x04, 0x05]),
        int(v.temperature / 0.005, 2, true, false),
        int(v.humidity / 0.0025, 2, false, false),
        int((v.pressure ?? 1013.25) * 100 - 50_000, 2, false, false),
        int(0, 2, true, false), int(0, 2, true, false), int(1000, 2, true, false),
        int(power, 2, false, false),
        Buffer.from([0]),
        int(frame.sequence % 0xffff, 2, false, false),
        mac,
      ]);
      return { ...base, manufacturerData: payload };
    }
    case 'atc1441': {
      const data = Buffer.concat([mac, int(v.temperature * 10, 2, true, false), Buffer.from([Math.round(v.humidity), Math.round(v.battery)]),
        int(2000 + v.battery * 10, 2, false, false), Buffer.from([frame.sequence & 0xff])]);
      return { ...base, serviceData: [{ uuid: '181a', data }] };
    }
    case 'pvvx': {
      const data = Buffer.concat([Buffer.from(mac).reverse(), int(v.temperature * 100, 2, true, true), int(v.humidity * 100, 2, false, true),
        int(2000 + v.battery * 10, 2, false, true), Buffer.from([Math.round(v.battery), frame.sequence & 0xff, 0])]);
      return { ...base, serviceData: [{ uuid: '181a', data }] };
    }
    case 'govee-h5075': {
      const magnitude = Math.round(Math.abs(v.temperature) * 10) * 1000 + Math.round(v.humidity * 10);
      const packed = v.temperature < 0 ? magnitude | 0x800000 : magnitude;
      return { ...base, manufacturerData: Buffer.concat([Buffer.from([0x88, 0xec, 0x00]), int(packed, 3, false, false), Buffer.from([Math.round(v.battery), 0])]) };
    }
  }
}
