import { Type, type Static } from '@sinclair/typebox';

const Output = Type.Object(
  {
    device: Type.String({ minLength: 1, description: 'Device to drive, e.g. modbus:tcp/127.0.0.1:5020/1' }),
    output: Type.String({ minLength: 1, description: 'One of the device outputs, e.g. coil.0, relay' }),
    value: Type.Union([Type.Number(), Type.Boolean()], { description: 'Written when the rule fires' }),
    clearValue: Type.Optional(Type.Union([Type.Number(), Type.Boolean()], { description: 'Written when the condition clears' })),
  },
  { additionalProperties: false },
);

/**
 * A rule: when a stream (matched by device and metric; absent matches any) raises an anomaly alert or
 * crosses a threshold, drive an output. Every alert is also sent upstream at once, ahead of summaries.
 */
export const RuleSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    device: Type.Optional(Type.String({ minLength: 1 })),
    metric: Type.Optional(Type.String({ minLength: 1 })),
    when: Type.Union([
      Type.Object({ kind: Type.Literal('anomaly') }, { additionalProperties: false }),
      Type.Object(
        {
          kind: Type.Literal('threshold'),
          above: Type.Optional(Type.Number()),
          below: Type.Optional(Type.Number()),
          deadband: Type.Optional(
            Type.Number({ minimum: 0, description: 'Once raised, the alert clears only this far back inside the limit, so a value hovering at it does not flap the output' }),
          ),
        },
        { additionalProperties: false },
      ),
    ]),
    then: Type.Optional(Output),
  },
  { additionalProperties: false },
);
export type Rule = Static<typeof RuleSchema>;

export const RulesConfigSchema = Type.Array(RuleSchema, { default: [] });
