import { Type, type Static } from '@sinclair/typebox';

const DeviceName = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'Becomes the device id: http:<name>, coap:<name>, mqtt:<name>' });

export const JsonMappingSchema = Type.Object(
  {
    fields: Type.Array(
      Type.Object(
        {
          path: Type.String({ minLength: 1, description: 'Dotted path into the payload; array items by index: sensors.0.value' }),
          metric: Type.String({ minLength: 1, description: 'Canonical metric, optionally with a channel' }),
          unit: Type.String({ default: '' }),
          scale: Type.Optional(Type.Number()),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    timePath: Type.Optional(Type.String({ minLength: 1, description: 'Epoch seconds, milliseconds or ISO 8601; arrival time without it' })),
  },
  { additionalProperties: false },
);

export const RateLimitSchema = Type.Object(
  {
    readingsPerSecond: Type.Number({ exclusiveMinimum: 0, default: 50, description: 'Sustained readings accepted per device' }),
    burst: Type.Integer({ minimum: 1, default: 500, description: 'Readings a device may send at once before the rate applies' }),
  },
  { additionalProperties: false, default: {} },
);

/** A device that posts to us over HTTP or CoAP and proves who it is with its own token. */
export const TokenDeviceSchema = Type.Object(
  {
    name: DeviceName,
    token: Type.String({ minLength: 16, description: 'Per-device secret: HTTP `Authorization: Bearer`, CoAP `?token=`' }),
    offlineAfterSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Silence after which the device is reported offline (raises an alert); never by default, as some devices only send on change' })),
    model: Type.Optional(Type.String()),
    mapping: Type.Optional(JsonMappingSchema),
  },
  { additionalProperties: false },
);

/** `outpost-summary`: the summaries of a gateway Outpost (`outpost/<gateway>/summary/#`), for an edge server. */
export const MqttFormatSchema = Type.Union([Type.Literal('senml'), Type.Literal('tasmota'), Type.Literal('shelly'), Type.Literal('json'), Type.Literal('outpost-summary')]);

/** A device that publishes to a broker; the broker's own accounts and ACLs are its credentials. */
export const MqttIngestDeviceSchema = Type.Object(
  {
    name: DeviceName,
    topic: Type.String({ minLength: 1, description: 'tele/<topic>/SENSOR for Tasmota, <shelly-id>/events/rpc for Shelly' }),
    format: MqttFormatSchema,
    offlineAfterSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Silence after which the device is reported offline (raises an alert); never by default, as some devices only send on change' })),
    model: Type.Optional(Type.String()),
    mapping: Type.Optional(JsonMappingSchema),
  },
  { additionalProperties: false },
);

export const IpIngestSchema = Type.Object(
  {
    http: Type.Object(
      { devices: Type.Array(TokenDeviceSchema, { default: [] }), rateLimit: RateLimitSchema },
      { additionalProperties: false, default: {}, description: 'POST /ingest/<name> on the appliance HTTP port' },
    ),
    coap: Type.Object(
      {
        host: Type.String({ default: '0.0.0.0' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 5683 }),
        devices: Type.Array(TokenDeviceSchema, { default: [] }),
        rateLimit: RateLimitSchema,
      },
      { additionalProperties: false, default: {}, description: 'POST/PUT coap://<host>/ingest/<name>?token=…' },
    ),
    mqtt: Type.Object(
      {
        url: Type.Optional(Type.String({ pattern: '^(mqtts?|tcp|ssl)://', description: 'Broker the devices publish to' })),
        clientId: Type.Optional(Type.String({ minLength: 1, description: 'Stable id, so the broker keeps QoS 1 messages while the appliance restarts; outpost-ingest-<host> by default' })),
        username: Type.Optional(Type.String()),
        password: Type.Optional(Type.String()),
        devices: Type.Array(MqttIngestDeviceSchema, { default: [] }),
        rateLimit: RateLimitSchema,
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export type IpIngestConfig = Static<typeof IpIngestSchema>;
export type TokenDeviceConfig = Static<typeof TokenDeviceSchema>;
export type MqttIngestDeviceConfig = Static<typeof MqttIngestDeviceSchema>;
export type RateLimitConfig = Static<typeof RateLimitSchema>;
