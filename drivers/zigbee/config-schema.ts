import { Type, type Static } from '@sinclair/typebox';

export const ZigbeeConfigSchema = Type.Object(
  {
    /** Off by default: a box without a coordinator must not try to open one. */
    enabled: Type.Boolean({ default: false }),
    port: Type.String({
      default: '/dev/ttyUSB0',
      description: 'Serial device of the TI Z-Stack (CC2652/CC1352) coordinator, or tcp://host:port for a network bridge',
    }),
    /** Only used when the network is first formed; afterwards the coordinator's own channel holds. */
    channel: Type.Optional(Type.Integer({ minimum: 11, maximum: 26 })),
    /** Opens pairing for this many seconds whenever the coordinator comes up (the emulated scenarios use it); 0 never. */
    permitJoinOnStart: Type.Integer({ minimum: 0, maximum: 254, default: 0 }),
    /**
     * Display names by IEEE address (`0x` and 16 lowercase hex digits), set from the page. Only the name
     * changes: the device id stays `zigbee:<address>`, so its stored history stays attached.
     */
    names: Type.Record(Type.String({ pattern: '^0x[0-9a-f]{16}$' }), Type.String({ minLength: 1, maxLength: 80 }), { default: {}, additionalProperties: false }),
    availability: Type.Object(
      {
        /** Mains-powered routers are pinged after this much silence and go offline if they do not answer. */
        routerSeconds: Type.Integer({ minimum: 10, default: 600 }),
        /** Battery end devices sleep and cannot be pinged: offline after this much silence. */
        endDeviceSeconds: Type.Integer({ minimum: 60, default: 90_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export type ZigbeeConfig = Static<typeof ZigbeeConfigSchema>;
