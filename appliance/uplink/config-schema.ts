import { Type, type Static } from '@sinclair/typebox';

const BrokerUrl = Type.String({ pattern: '^(mqtts?|wss?|tcp|ssl)://', description: 'Broker URL' });
/** A gateway's other edge servers: tried in order while `url` is down; the uplink returns to `url` when it answers. */
export const FailoverUrls = Type.Array(BrokerUrl, {
  default: [],
  description: 'Brokers tried in order while url is down (same credentials and TLS settings; JSON mode only)',
});
/**
 * The JSON summary schema: 2 (one compact message per device and window) unless Home Assistant discovery is
 * on, whose sensors read v1's one topic per device×metric; 1 for simple consumers. Alerts are the same in both.
 */
export const JsonVersion = Type.Optional(
  Type.Union([Type.Literal(1), Type.Literal(2)], { description: 'JSON summary schema: 2 compact (default), 1 one message per device×metric (default with Home Assistant)' }),
);
/** How to reach and trust a broker: the same fields for every uplink and for the local live stream. */
export const BrokerAccess = {
  username: Type.Optional(Type.String()),
  password: Type.Optional(Type.String({ description: 'Stored in the config file (0600); never logged or shown by the API' })),
  caFile: Type.Optional(Type.String()),
  certFile: Type.Optional(Type.String()),
  keyFile: Type.Optional(Type.String()),
  allowInsecure: Type.Boolean({ default: false, description: 'Allow plain-text MQTT to a broker on another host' }),
};

/** Sparkplug ids and uplink names become topic levels: no `/`, `+`, `#`. */
const TopicLevel = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' });

export const HomeAssistantSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: 'Announce every sensor to Home Assistant by MQTT discovery' }),
    prefix: Type.String({ default: 'homeassistant', pattern: '^[A-Za-z0-9_-]+$' }),
  },
  { additionalProperties: false, default: {} },
);

export const SparkplugSchema = Type.Object(
  {
    groupId: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', default: 'outpost' }),
    /** Defaults to the node id. */
    edgeNodeId: Type.Optional(TopicLevel),
    /** Hold births and data while this host application's STATE is not online. */
    primaryHostId: Type.Optional(TopicLevel),
    dataQos: Type.Union([Type.Literal(0), Type.Literal(1)], {
      default: 0,
      description: 'QoS of births and data. 0 (Sparkplug 3.0): a row leaves the outbox once written to the socket; 1: once the broker acknowledged it',
    }),
  },
  { additionalProperties: false, default: {} },
);

/** One MQTT uplink; several may run at once, each with its own outbox cursor. */
export const UplinkSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9_-]{1,32}$', description: 'Names the uplink in status and its outbox cursor' }),
    mode: Type.Union([Type.Literal('json'), Type.Literal('sparkplug')], { default: 'json' }),
    url: BrokerUrl,
    failoverUrls: FailoverUrls,
    jsonVersion: JsonVersion,
    ...BrokerAccess,
    downlink: Type.Boolean({ default: true, description: 'Accept config, commands, models and updates from this broker' }),
    sparkplug: SparkplugSchema,
    homeAssistant: HomeAssistantSchema,
  },
  { additionalProperties: false },
);

export type UplinkConfig = Static<typeof UplinkSchema>;
export type HomeAssistantConfig = Static<typeof HomeAssistantSchema>;

/**
 * Gateway role: readings of these devices go up the tier raw (besides their summaries), for an edge server
 * that needs them in real time. Off with no devices.
 */
export const RawForwardSchema = Type.Object(
  {
    devices: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Device ids; a trailing * matches a prefix (modbus:*)' }),
    everyMs: Type.Integer({ minimum: 0, default: 1000, description: 'Each stream at most once per this many ms; 0 forwards every reading' }),
  },
  { additionalProperties: false, default: {} },
);
export type RawForwardConfig = Static<typeof RawForwardSchema>;

