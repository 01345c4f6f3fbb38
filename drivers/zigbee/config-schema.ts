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
  },
  { additionalProperties: false, default: {} },
);

export type ZigbeeConfig = Static<typeof ZigbeeConfigSchema>;
