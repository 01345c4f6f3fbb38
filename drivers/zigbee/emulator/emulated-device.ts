import {
  type Attribute,
  type AttributeValue,
  attributeRecord,
  decodeValue,
  decodeZcl,
  encodeFromDevice,
  ZclGlobal,
  ZclStatus,
} from './zcl-frame.js';

export interface EmulatedEndpoint {
  id: number;
  profile: number;
  deviceId: number;
  inClusters: number[];
  outClusters: number[];
}

export interface EmulatedDeviceSpec {
  ieeeAddress: string;
  /** Routers (mains-powered) need no route discovery; end devices (battery) sleep behind a parent. */
  role: 'router' | 'end-device';
  manufacturerCode: number;
  endpoints: EmulatedEndpoint[];
  /** Attribute values by `endpoint/cluster`, then attribute id. */
  attributes: Record<string, Record<number, Attribute>>;
  /** Cluster-specific commands the device obeys: returns the attribute changes they cause, on this or another cluster of the endpoint. */
  onCommand?: (
    command: { endpoint: number; cluster: number; command: number; payload: Buffer },
    /** An attribute's value now, on the command's cluster unless another is named. */
    current: (attr: number, cluster?: number) => AttributeValue | undefined,
  ) => AttributeChange[] | undefined;
  /**
   * How a change is announced when it is not an attribute report: an IAS zone, for one, sends a
   * zone status change notification. Returns the cluster-specific command, or undefined to report.
   */
  announce?: (endpoint: number, cluster: number, attr: number, value: AttributeValue) => { command: number; payload: Buffer } | undefined;
}

export interface AttributeChange {
  /** The command's own cluster when absent. */
  cluster?: number;
  attr: number;
  value: AttributeValue;
  /** false: the value changes without a report, as an IAS zone's enrollment state does. */
  report?: false;
}

/** A ZCL frame leaving the device: from which endpoint, on which cluster. */
export interface DeviceFrame {
  endpoint: number;
  cluster: number;
  data: Buffer;
}

/** A Zigbee device at the ZCL level: answers reads, writes and reporting configuration, obeys commands, reports. */
export class EmulatedDevice {
  nwkAddress = 0;
  /** Out of range or out of battery: it neither hears nor answers, though the network still lists it. */
  silent = false;
  private tsn = 0;
  /** Reporting the host configured, by `endpoint/cluster/attribute`. */
  readonly reporting = new Set<string>();
  readonly bindings = new Set<string>();

  constructor(readonly spec: EmulatedDeviceSpec) {}

  get ieeeAddress(): string {
    return this.spec.ieeeAddress;
  }

  attribute(endpoint: number, cluster: number, attr: number): Attribute | undefined {
    return this.spec.attributes[`${endpoint}/${cluster}`]?.[attr];
  }

  /** Changes a value as the world would, and returns the attribute report the device sends for it. */
  set(endpoint: number, cluster: number, attr: number, value: AttributeValue): DeviceFrame {
    const current = this.attribute(endpoint, cluster, attr);
    if (!current) throw new RangeError(`${this.ieeeAddress} has no attribute ${endpoint}/${cluster}/${attr}`);
    current.value = value;
    const special = this.spec.announce?.(endpoint, cluster, attr, value);
    if (special) return { endpoint, cluster, data: encodeFromDevice(this.nextTsn(), special.command, special.payload, true) };
    return { endpoint, cluster, data: encodeFromDevice(this.nextTsn(), ZclGlobal.REPORT, attributeRecord(attr, current)) };
  }

  /** A frame from the host to one of our endpoints; returns what the device sends back. */
  receive(endpoint: number, cluster: number, data: Buffer): DeviceFrame[] {
    const frame = decodeZcl(data);
    const reply = (command: number, payload: Buffer, specific = false): DeviceFrame => ({
      endpoint,
      cluster,
      data: encodeFromDevice(frame.tsn, command, payload, specific),
    });
    if (frame.specific) {
      const command = { endpoint, cluster, command: frame.command, payload: frame.payload };
      const changes = this.spec.onCommand?.(command, (attr, other) => this.attribute(endpoint, other ?? cluster, attr)?.value);
      const out: DeviceFrame[] = [];
      const status = changes ? ZclStatus.SUCCESS : ZclStatus.UNSUP_CLUSTER_COMMAND;
      if (!frame.disableDefaultResponse || !changes) out.push(reply(ZclGlobal.DEFAULT_RSP, Buffer.from([frame.command, status])));
      for (const c of changes ?? []) {
        const frame = this.set(endpoint, c.cluster ?? cluster, c.attr, c.value);
        if (c.report !== false) out.push(frame);
      }
      return out;
    }
    switch (frame.command) {
      case ZclGlobal.READ:
        return [reply(ZclGlobal.READ_RSP, this.readRecords(endpoint, cluster, frame.payload))];
      case ZclGlobal.WRITE:
        this.write(endpoint, cluster, frame.payload);
        return [reply(ZclGlobal.WRITE_RSP, Buffer.from([ZclStatus.SUCCESS]))];
      case ZclGlobal.CONFIGURE_REPORTING:
        this.configureReporting(endpoint, cluster, frame.payload);
        return [reply(ZclGlobal.CONFIGURE_REPORTING_RSP, Buffer.from([ZclStatus.SUCCESS]))];
      default:
        return frame.disableDefaultResponse ? [] : [reply(ZclGlobal.DEFAULT_RSP, Buffer.from([frame.command, 0x82]))];
    }
  }

  private nextTsn(): number {
    this.tsn = (this.tsn + 1) & 0xff;
    return this.tsn;
  }

  private readRecords(endpoint: number, cluster: number, payload: Buffer): Buffer {
    const records: Buffer[] = [];
    for (let at = 0; at + 1 < payload.length; at += 2) {
      const id = payload.readUInt16LE(at);
      const attr = this.attribute(endpoint, cluster, id);
      if (attr) {
        const rec = attributeRecord(id, attr);
        records.push(Buffer.concat([rec.subarray(0, 2), Buffer.from([ZclStatus.SUCCESS]), rec.subarray(2)]));
      } else {
        records.push(Buffer.from([id & 0xff, id >> 8, ZclStatus.UNSUPPORTED_ATTRIBUTE]));
      }
    }
    return Buffer.concat(records);
  }

  private write(endpoint: number, cluster: number, payload: Buffer): void {
    for (let at = 0; at + 2 < payload.length; ) {
      const id = payload.readUInt16LE(at);
      const type = payload[at + 2] ?? 0;
      const { value, size } = decodeValue(type, payload, at + 3);
      const map = (this.spec.attributes[`${endpoint}/${cluster}`] ??= {});
      map[id] = { type, value };
      at += 3 + size;
    }
  }

  /** Records `direction(0), attrId, type, min, max, change` entries; the change field's size follows the type. */
  private configureReporting(endpoint: number, cluster: number, payload: Buffer): void {
    for (let at = 0; at + 7 < payload.length; ) {
      const id = payload.readUInt16LE(at + 1);
      const type = payload[at + 3] ?? 0;
      this.reporting.add(`${endpoint}/${cluster}/${id}`);
      const analog = (type >= 0x20 && type <= 0x2f) || (type >= 0x38 && type <= 0x3a);
      at += 8 + (analog ? decodeValue(type, payload, at + 8).size : 0);
    }
  }
}
