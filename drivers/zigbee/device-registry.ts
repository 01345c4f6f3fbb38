import type { Controller, Events } from 'zigbee-herdsman';
import type { findByDevice } from 'zigbee-herdsman-converters';
import type { Logger } from '../../appliance/log.js';
import { type DeviceInfo, type DriverSink, OutpostError } from '../types.js';
import { readingsFromConverted } from './converter-readings.js';

type HerdsmanDevice = ReturnType<Controller['getDevices']>[number];
type MessagePayload = Events.MessagePayload;
type Definition = NonNullable<Awaited<ReturnType<typeof findByDevice>>>;

/** Outputs `write()` accepts, as converter keys: a relay (`state`) and a dimmer (`brightness`, 0–254). */
const WRITABLE = ['state', 'brightness'];

export function zigbeeId(ieeeAddr: string): string {
  return `zigbee:${ieeeAddr}`;
}

/**
 * What the driver knows about each paired device: its converter definition, health, and which of its
 * keys we already warned about. Messages go through the definition's `fromZigbee` converters, exactly
 * as zigbee2mqtt runs them, and come out as canonical readings.
 */
export class DeviceRegistry {
  private readonly definitions = new Map<string, Definition | null>();
  private readonly health = new Map<string, DeviceInfo['health']>();
  private readonly state = new Map<string, Record<string, unknown>>();
  private readonly warned = new Set<string>();

  /** `names`: the user's names by IEEE address, read on every `info()` so a rename shows at once. */
  constructor(private readonly deps: { log: Logger; sink: DriverSink; findByDevice: typeof findByDevice; names?: ReadonlyMap<string, string> }) {}

  async definitionOf(device: HerdsmanDevice): Promise<Definition | undefined> {
    if (!this.definitions.has(device.ieeeAddr)) this.definitions.set(device.ieeeAddr, (await this.deps.findByDevice(device)) ?? null);
    return this.definitions.get(device.ieeeAddr) ?? undefined;
  }

  info(device: HerdsmanDevice): DeviceInfo {
    const definition = this.definitions.get(device.ieeeAddr);
    return {
      id: zigbeeId(device.ieeeAddr),
      protocol: 'zigbee',
      name: this.deps.names?.get(device.ieeeAddr) ?? (definition ? `${definition.vendor} ${definition.model}` : (device.modelID ?? device.ieeeAddr)),
      model: definition?.model ?? device.modelID ?? 'unknown',
      outputs: WRITABLE.filter((key) => definition?.toZigbee.some((tz) => tz.key?.includes(key))),
      health: this.health.get(device.ieeeAddr) ?? { state: 'starting' },
    };
  }

  /** The converters' latest values for a device, as zigbee2mqtt would publish them (brightness, VOC index, ...). */
  values(ieeeAddr: string): Record<string, unknown> {
    return { ...this.state.get(ieeeAddr) };
  }

  /** A device was heard from: it is alive. */
  seen(device: HerdsmanDevice, now: number): void {
    const before = this.health.get(device.ieeeAddr)?.state;
    this.health.set(device.ieeeAddr, { state: 'ok', lastSeen: now });
    if (before !== 'ok') this.deps.sink.deviceHealth(this.info(device));
  }

  /** The device left the network: a later join starts from scratch (new definition lookup, new warnings). */
  forget(ieeeAddr: string): void {
    this.definitions.delete(ieeeAddr);
    this.health.delete(ieeeAddr);
    this.state.delete(ieeeAddr);
    for (const key of this.warned) if (key.startsWith(`${ieeeAddr}/`)) this.warned.delete(key);
  }

  /** When the device was last heard from in this run, if at all. */
  lastHeard(ieeeAddr: string): number | undefined {
    return this.health.get(ieeeAddr)?.lastSeen;
  }

  /** The device is unreachable until it is heard from again; the appliance raises an alert. */
  offline(device: HerdsmanDevice, reason: string): void {
    if (this.health.get(device.ieeeAddr)?.state === 'offline') return;
    const lastSeen = this.health.get(device.ieeeAddr)?.lastSeen;
    this.health.set(device.ieeeAddr, { state: 'offline', reason, ...(lastSeen === undefined ? {} : { lastSeen }) });
    this.deps.sink.deviceHealth(this.info(device));
  }

  async onMessage(msg: MessagePayload): Promise<void> {
    const device = msg.device;
    // Mid-interview the model is not known yet: a definition looked up now would be missing for good.
    if (device.interviewState !== 'SUCCESSFUL') return;
    const now = Date.now();
    this.seen(device, now);
    const definition = await this.definitionOf(device);
    if (!definition) {
      this.warnOnce(`${device.ieeeAddr}/definition`, { device: device.ieeeAddr, model: device.modelID }, 'zigbee device has no converter definition');
      return;
    }
    const output: Record<string, unknown> = {};
    const meta = { state: this.state.get(device.ieeeAddr) ?? {}, device, deviceExposesChanged: () => {} };
    for (const converter of definition.fromZigbee) {
      const clusterMatch = converter.cluster === msg.cluster;
      const types: readonly string[] = Array.isArray(converter.type) ? converter.type : [converter.type];
      const typeMatch = types.includes(msg.type);
      if (!clusterMatch || !typeMatch) continue;
      try {
        // The converter's message type is a union over every cluster; the match above picked this one.
        const converted = await converter.convert(definition, msg as never, () => {}, {}, meta);
        if (converted) Object.assign(output, converted);
      } catch (error) {
        this.warnOnce(`${device.ieeeAddr}/${String(msg.cluster)}/error`, { device: device.ieeeAddr, cluster: msg.cluster, err: error }, 'zigbee converter failed');
      }
    }
    if (msg.type === 'attributeReport' && Object.keys(output).length === 0) {
      const attributes = Object.keys(msg.data).join(',');
      this.warnOnce(`${device.ieeeAddr}/${String(msg.cluster)}/${attributes}`, { device: device.ieeeAddr, cluster: msg.cluster, attributes }, 'zigbee report not understood by the converter');
    }
    // Merged with the state as it is now: reports handled concurrently (level, then on/off) must not undo each other.
    this.state.set(device.ieeeAddr, { ...this.state.get(device.ieeeAddr), ...output });
    const { readings, unknown } = readingsFromConverted(zigbeeId(device.ieeeAddr), output, now);
    for (const key of unknown) this.warnOnce(`${device.ieeeAddr}/${key}`, { device: device.ieeeAddr, key }, 'zigbee value has no canonical metric');
    if (readings.length > 0) this.deps.sink.readings(readings);
  }

  /** Sends a value through the definition's `toZigbee` converter, as zigbee2mqtt does for a `/set` message. */
  async write(device: HerdsmanDevice, output: string, value: number | boolean): Promise<void> {
    const definition = await this.definitionOf(device);
    const converter = WRITABLE.includes(output) ? definition?.toZigbee.find((tz) => tz.key?.includes(output)) : undefined;
    const endpoint = device.endpoints[0];
    if (!definition || !converter?.convertSet || !endpoint) {
      throw new OutpostError('ZIGBEE_OUTPUT_UNKNOWN', `${zigbeeId(device.ieeeAddr)} has no output ${output}`, { device: device.ieeeAddr, output });
    }
    const converted = output === 'state' ? (value === true || value === 1 ? 'ON' : 'OFF') : Number(value);
    const meta = { message: { [output]: converted }, device, mapped: definition, options: {}, state: this.state.get(device.ieeeAddr) ?? {}, endpoint_name: undefined, publish: () => {}, deviceExposesChanged: () => {} };
    await converter.convertSet(endpoint, output, converted, meta);
  }

  private warnOnce(key: string, context: Record<string, unknown>, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.deps.log.warn({ code: 'ZIGBEE_UNMAPPED', ...context }, message);
  }
}
