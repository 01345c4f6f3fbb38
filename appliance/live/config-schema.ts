import { Type, type Static } from '@sinclair/typebox';
import { BrokerAccess } from '../uplink/config-schema.js';

/** The local live stream: every reading and alert as it happens, for applications on this machine or LAN. */
export const LiveStreamSchema = Type.Object(
  {
    url: Type.Optional(Type.String({ pattern: '^(mqtts?|wss?|tcp|ssl)://', description: 'Local broker for the live stream; none turns it off' })),
    ...BrokerAccess,
  },
  { additionalProperties: false, default: {} },
);

export type LiveStreamConfig = Static<typeof LiveStreamSchema>;
