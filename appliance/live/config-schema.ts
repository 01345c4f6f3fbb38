import { Type, type Static } from '@sinclair/typebox';

/** The local live stream: every reading and alert as it happens, for applications on this machine or LAN. */
export const LiveStreamSchema = Type.Object(
  {
    url: Type.Optional(Type.String({ pattern: '^(mqtts?|wss?|tcp|ssl)://', description: 'Local broker for the live stream; none turns it off' })),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String({ description: 'Stored in the config file (0600); never logged or shown by the API' })),
    caFile: Type.Optional(Type.String()),
    certFile: Type.Optional(Type.String()),
    keyFile: Type.Optional(Type.String()),
    allowInsecure: Type.Boolean({ default: false, description: 'Allow plain-text MQTT to a broker on another host' }),
  },
  { additionalProperties: false, default: {} },
);

export type LiveStreamConfig = Static<typeof LiveStreamSchema>;
