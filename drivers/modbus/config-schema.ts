import { Type, type Static } from '@sinclair/typebox';

const Table = Type.Union([Type.Literal('input'), Type.Literal('holding'), Type.Literal('coil'), Type.Literal('discrete')]);

export const RegisterPointSchema = Type.Object(
  {
    metric: Type.String({ minLength: 1, description: 'Canonical metric, optionally with a channel: temperature, voltage.l1' }),
    table: Table,
    address: Type.Integer({ minimum: 0, maximum: 0xffff }),
    type: Type.Union([
      Type.Literal('int16'),
      Type.Literal('uint16'),
      Type.Literal('int32'),
      Type.Literal('uint32'),
      Type.Literal('float32'),
      Type.Literal('bool'),
    ]),
    wordOrder: Type.Optional(Type.Union([Type.Literal('big'), Type.Literal('little')])),
    scale: Type.Optional(Type.Number()),
    unit: Type.String(),
  },
  { additionalProperties: false },
);

export const OutputPointSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    table: Type.Union([Type.Literal('coil'), Type.Literal('holding')]),
    address: Type.Integer({ minimum: 0, maximum: 0xffff }),
    type: Type.Union([Type.Literal('bool'), Type.Literal('int16'), Type.Literal('uint16')]),
    scale: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

export const ModbusTransportSchema = Type.Union([
  Type.Object(
    { type: Type.Literal('tcp'), host: Type.String({ minLength: 1 }), port: Type.Integer({ minimum: 1, maximum: 65535, default: 502 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('rtu'),
      path: Type.String({ minLength: 1, description: 'Serial device, e.g. /dev/ttyUSB0' }),
      baudRate: Type.Integer({ default: 9600 }),
      parity: Type.Union([Type.Literal('none'), Type.Literal('even'), Type.Literal('odd')], { default: 'none' }),
      dataBits: Type.Union([Type.Literal(7), Type.Literal(8)], { default: 8 }),
      stopBits: Type.Union([Type.Literal(1), Type.Literal(2)], { default: 1 }),
    },
    { additionalProperties: false },
  ),
]);

export const ModbusDeviceSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    transport: ModbusTransportSchema,
    unitId: Type.Integer({ minimum: 0, maximum: 247 }),
    profile: Type.String({ minLength: 1, description: 'sdm120, sdm630, xy-md02, or generic with points' }),
    points: Type.Optional(Type.Array(RegisterPointSchema)),
    outputs: Type.Optional(Type.Array(OutputPointSchema)),
    intervalMs: Type.Integer({ minimum: 50, default: 1000 }),
    timeoutMs: Type.Integer({ minimum: 20, default: 500 }),
    retries: Type.Integer({ minimum: 0, maximum: 10, default: 2 }),
    /** Consecutive failed polls before the device is offline. */
    offlineAfter: Type.Integer({ minimum: 1, default: 3 }),
  },
  { additionalProperties: false },
);

export type ModbusTransport = Static<typeof ModbusTransportSchema>;
export type ModbusDeviceConfig = Static<typeof ModbusDeviceSchema>;
