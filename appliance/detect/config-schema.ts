import { Type } from '@sinclair/typebox';

/** On-box anomaly detection: which model, and when a score becomes an alert. */
export const DetectConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    model: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', default: 'forecaster-mlp', description: 'A model in models/ (or one installed by an update)' }),
    raiseScore: Type.Number({ minimum: 0, maximum: 1, default: 0.4, description: 'Score that raises an anomaly alert (0.4: the level NAB was scored at)' }),
    clearScore: Type.Number({ minimum: 0, maximum: 1, default: 0.3, description: 'Score the alert must stay under to clear' }),
    clearAfter: Type.Integer({ minimum: 1, default: 10, description: 'Readings under clearScore before the alert clears' }),
    modelKeyFile: Type.Optional(Type.String({ minLength: 1, description: 'Ed25519 public key (PEM) that signs model packages; none refuses them' })),
    learningReadings: Type.Integer({ minimum: 1, default: 300, description: 'Readings a new stream is learned from before it can alert' }),
    cooldownSeconds: Type.Number({ minimum: 0, default: 300, description: 'Silence after a clear, so one incident is one alert' }),
  },
  { additionalProperties: false, default: {} },
);
