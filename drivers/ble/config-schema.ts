import { Type, type Static } from '@sinclair/typebox';

export const BleAdoptedSchema = Type.Object(
  {
    address: Type.String({ pattern: '^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$', description: 'MAC address, e.g. a4:c1:38:02:83:f4' }),
    name: Type.Optional(Type.String({ minLength: 1 })),
    /** BTHome bind key for encrypted adverts, 32 hex digits. */
    key: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{32}$' })),
  },
  { additionalProperties: false },
);

export const BleConfigSchema = Type.Object(
  {
    /** Scan even before any tag is adopted, so the ones in range can be listed for adoption. */
    scan: Type.Boolean({ default: false }),
    /** Tags whose readings flow into the pipeline; everything else in range is only listed as discovered. */
    adopted: Type.Array(BleAdoptedSchema, { default: [] }),
    offlineAfterSeconds: Type.Number({ exclusiveMinimum: 0, default: 300, description: 'A tag silent this long is offline' }),
    watchdogSeconds: Type.Number({
      exclusiveMinimum: 0,
      default: 60,
      description: 'No advert from anyone for this long restarts scanning (noble stalls on some adapters)',
    }),
  },
  { additionalProperties: false, default: {} },
);

export type BleAdopted = Static<typeof BleAdoptedSchema>;
export type BleConfig = Static<typeof BleConfigSchema>;
