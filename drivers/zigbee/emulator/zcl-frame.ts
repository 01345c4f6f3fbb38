/**
 * The slice of the Zigbee Cluster Library that emulated devices speak: the frame header, attribute
 * records for the data types our devices use, and the global commands a host sends during interview,
 * configuration and normal operation.
 */

export const ZclGlobal = {
  READ: 0x00,
  READ_RSP: 0x01,
  WRITE: 0x02,
  WRITE_RSP: 0x04,
  CONFIGURE_REPORTING: 0x06,
  CONFIGURE_REPORTING_RSP: 0x07,
  REPORT: 0x0a,
  DEFAULT_RSP: 0x0b,
} as const;

export const ZclType = {
  BOOL: 0x10,
  BITMAP8: 0x18,
  BITMAP16: 0x19,
  UINT8: 0x20,
  UINT16: 0x21,
  UINT24: 0x22,
  UINT32: 0x23,
  UINT48: 0x25,
  INT16: 0x29,
  ENUM8: 0x30,
  ENUM16: 0x31,
  SINGLE: 0x39,
  STRING: 0x42,
  IEEE: 0xf0,
} as const;

export const ZclStatus = { SUCCESS: 0x00, UNSUP_CLUSTER_COMMAND: 0x81, UNSUPPORTED_ATTRIBUTE: 0x86 } as const;

export type AttributeValue = number | string;
export interface Attribute {
  type: number;
  value: AttributeValue;
}

export interface ZclFrame {
  /** true: cluster-specific command; false: global (profile-wide) command. */
  specific: boolean;
  /** true when the server side (the device) sends it. */
  fromServer: boolean;
  disableDefaultResponse: boolean;
  manufacturerCode?: number;
  tsn: number;
  command: number;
  payload: Buffer;
}

export function decodeZcl(data: Buffer): ZclFrame {
  const fc = data[0] ?? 0;
  const manufacturer = (fc & 0x04) !== 0;
  const at = manufacturer ? 3 : 1;
  return {
    specific: (fc & 0x03) === 0x01,
    fromServer: (fc & 0x08) !== 0,
    disableDefaultResponse: (fc & 0x10) !== 0,
    ...(manufacturer ? { manufacturerCode: data.readUInt16LE(1) } : {}),
    tsn: data[at] ?? 0,
    command: data[at + 1] ?? 0,
    payload: data.subarray(at + 2),
  };
}

/** A frame from a device to the host: server-to-client, default responses off (hosts do not send them to us). */
export function encodeFromDevice(tsn: number, command: number, payload: Buffer, specific = false): Buffer {
  const fc = (specific ? 0x01 : 0x00) | 0x08 | 0x10;
  return Buffer.concat([Buffer.from([fc, tsn & 0xff, command]), payload]);
}

export function encodeValue(attr: Attribute): Buffer {
  const { type, value } = attr;
  const n = typeof value === 'number' ? value : 0;
  switch (type) {
    case ZclType.BOOL:
    case ZclType.BITMAP8:
    case ZclType.UINT8:
    case ZclType.ENUM8:
      return Buffer.from([n & 0xff]);
    case ZclType.UINT16:
    case ZclType.BITMAP16:
    case ZclType.ENUM16: {
      const b = Buffer.alloc(2);
      b.writeUInt16LE(n);
      return b;
    }
    case ZclType.SINGLE: {
      const b = Buffer.alloc(4);
      b.writeFloatLE(n);
      return b;
    }
    case ZclType.INT16: {
      const b = Buffer.alloc(2);
      b.writeInt16LE(n);
      return b;
    }
    case ZclType.UINT24: {
      const b = Buffer.alloc(3);
      b.writeUIntLE(n, 0, 3);
      return b;
    }
    case ZclType.UINT32: {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(n);
      return b;
    }
    case ZclType.UINT48: {
      const b = Buffer.alloc(6);
      b.writeUIntLE(n, 0, 6);
      return b;
    }
    case ZclType.STRING: {
      const text = Buffer.from(String(value), 'utf8');
      return Buffer.concat([Buffer.from([text.length]), text]);
    }
    case ZclType.IEEE:
      return Buffer.from(String(value).replace(/^0x/, '').padStart(16, '0'), 'hex').reverse();
    default:
      throw new RangeError(`ZCL type 0x${type.toString(16)} is not emulated`);
  }
}

/** Decodes one attribute value of `type` at `at`; returns the value and the bytes it took. */
export function decodeValue(type: number, data: Buffer, at: number): { value: AttributeValue; size: number } {
  switch (type) {
    case ZclType.BOOL:
    case ZclType.BITMAP8:
    case ZclType.UINT8:
    case ZclType.ENUM8:
      return { value: data[at] ?? 0, size: 1 };
    case ZclType.UINT16:
    case ZclType.BITMAP16:
    case ZclType.ENUM16:
      return { value: data.readUInt16LE(at), size: 2 };
    case ZclType.SINGLE:
      return { value: data.readFloatLE(at), size: 4 };
    case ZclType.INT16:
      return { value: data.readInt16LE(at), size: 2 };
    case ZclType.UINT24:
      return { value: data.readUIntLE(at, 3), size: 3 };
    case ZclType.UINT32:
      return { value: data.readUInt32LE(at), size: 4 };
    case ZclType.UINT48:
      return { value: data.readUIntLE(at, 6), size: 6 };
    case ZclType.IEEE:
      return { value: `0x${Buffer.from(data.subarray(at, at + 8)).reverse().toString('hex')}`, size: 8 };
    case ZclType.STRING: {
      const len = data[at] ?? 0;
      return { value: data.subarray(at + 1, at + 1 + len).toString('utf8'), size: 1 + len };
    }
    default:
      throw new RangeError(`ZCL type 0x${type.toString(16)} is not emulated`);
  }
}

export function attributeRecord(id: number, attr: Attribute): Buffer {
  const head = Buffer.alloc(3);
  head.writeUInt16LE(id);
  head[2] = attr.type;
  return Buffer.concat([head, encodeValue(attr)]);
}
