import { Type, type Static } from '@sinclair/typebox';
import { BleConfigSchema } from '../../drivers/ble/config-schema.js';
import { GpioConfigSchema } from '../../drivers/gpio/config-schema.js';
import { IpIngestSchema } from '../../drivers/ip-common/config-schema.js';
import { ModbusDeviceSchema } from '../../drivers/modbus/config-schema.js';
import { ZigbeeConfigSchema } from '../../drivers/zigbee/config-schema.js';
import { DetectConfigSchema } from '../detect/config-schema.js';
import { LiveStreamSchema } from '../live/config-schema.js';
import { RulesConfigSchema } from '../rules/config-schema.js';
import { BrokerAccess, FailoverUrls, HomeAssistantSchema, JsonVersion, RawForwardSchema, UplinkSchema } from '../uplink/config-schema.js';

/**
 * The appliance's configuration: one schema gives the TypeScript type, validation with the failing
 * field's path, defaults, and (later) the setup page's form.
 */
export const ConfigSchema = Type.Object(
  {
    version: Type.Literal(1, { default: 1 }),
    nodeId: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Name of this box upstream; defaults to the host name' }),
    ),
    dataDir: Type.String({ default: './var', description: 'Database, keys and state' }),
    scenario: Type.Union([Type.Literal('none'), Type.Literal('factory'), Type.Literal('city')], { default: 'none' }),
    scenarioScale: Type.Integer({ minimum: 1, default: 1, description: 'Copies of the scenario site to emulate (factory at 4 ≈ 1,100 registers)' }),
    http: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
      },
      { additionalProperties: false, default: {} },
    ),
    mqtt: Type.Object(
      {
        url: Type.Optional(Type.String({ pattern: '^(mqtts?|wss?|tcp|ssl)://', description: 'Broker URL; none keeps summaries in the outbox' })),
        failoverUrls: FailoverUrls,
        jsonVersion: JsonVersion,
        ...BrokerAccess,
        homeAssistant: HomeAssistantSchema,
      },
      { additionalProperties: false, default: {} },
    ),
    /** More uplinks beside `mqtt` (the simple JSON one), e.g. Sparkplug B to the plant's broker. */
    uplinks: Type.Array(UplinkSchema, { default: [] }),
    /** Readings and alerts as they happen on a local broker, for local apps; off without a url. */
    live: LiveStreamSchema,
    /** Gateway role: readings of these devices also go up raw, for an edge server that needs them in real time. */
    rawForward: RawForwardSchema,
    pipeline: Type.Object(
      {
        windowSeconds: Type.Number({ exclusiveMinimum: 0, default: 60 }),
        graceSeconds: Type.Number({ minimum: 0, default: 2 }),
        tickMs: Type.Integer({ minimum: 10, default: 1000, description: 'One store transaction per tick' }),
      },
      { additionalProperties: false, default: {} },
    ),
    detect: DetectConfigSchema,
    rules: RulesConfigSchema,
    store: Type.Object(
      {
        readingsMaxAgeDays: Type.Number({ exclusiveMinimum: 0, default: 7 }),
        summariesMaxAgeDays: Type.Number({ exclusiveMinimum: 0, default: 90 }),
        maxMegabytes: Type.Number({ exclusiveMinimum: 0, default: 1024 }),
        outboxMaxMegabytes: Type.Number({ exclusiveMinimum: 0, default: 256 }),
      },
      { additionalProperties: false, default: {} },
    ),
    modbus: Type.Object(
      { devices: Type.Array(ModbusDeviceSchema, { default: [] }) },
      { additionalProperties: false, default: {} },
    ),
    ble: BleConfigSchema,
    gpio: GpioConfigSchema,
    zigbee: ZigbeeConfigSchema,
    ipIngest: IpIngestSchema,
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
