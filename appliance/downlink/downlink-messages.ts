import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { OutpostError } from '../../drivers/types.js';

/**
 * What the cloud or control room may send down, on `outpost/<node>/downlink/<kind>`, as JSON with an
 * `id` the reply carries back. Every kind is validated here before any handler sees it.
 */
const Id = Type.String({ minLength: 1, maxLength: 128 });
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const DownlinkSchemas = {
  /** A partial config: its top-level sections replace the running config's, then the whole is validated. */
  config: Type.Object({ id: Id, config: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }),
  command: Type.Object(
    { id: Id, device: Type.String({ minLength: 1 }), output: Type.String({ minLength: 1 }), value: Type.Union([Type.Number(), Type.Boolean()]) },
    { additionalProperties: false },
  ),
  rebirth: Type.Object({ id: Id }, { additionalProperties: false }),
  /** A detection model package (ONNX + manifest) to fetch and load. */
  model: Type.Object(
    { id: Id, name: Type.String({ minLength: 1 }), version: Type.String({ minLength: 1 }), url: Type.String({ minLength: 1 }), sha256: Sha256 },
    { additionalProperties: false },
  ),
  /** Back to the detection model the last install replaced (and, sent again, forward to it). */
  'model-rollback': Type.Object({ id: Id }, { additionalProperties: false }),
  /** A signed release bundle for the update agent. */
  update: Type.Object(
    { id: Id, version: Type.String({ minLength: 1 }), url: Type.String({ minLength: 1 }), sha256: Sha256, signature: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
} satisfies Record<string, TSchema>;

export type DownlinkKind = keyof typeof DownlinkSchemas;
export type DownlinkMessage = { [K in DownlinkKind]: { kind: K } & Static<(typeof DownlinkSchemas)[K]> }[DownlinkKind];
export type DownlinkOf<K extends DownlinkKind> = Extract<DownlinkMessage, { kind: K }>;

/** The reply on `outpost/<node>/downlink-reply`: `ok` with what happened, or the refusal's code and reason. */
export interface DownlinkReply {
  v: 1;
  id: string | null;
  kind: string;
  ok: boolean;
  /** e.g. `saved …; applied: the services restart with it now`, `written`, `rebirth sent`. */
  result?: string;
  error?: { code: string; message: string };
}

const MAX_PAYLOAD = 1024 * 1024;

/** Parses one downlink message; throws `DOWNLINK_MALFORMED` or `DOWNLINK_UNKNOWN_KIND` naming the problem. */
export function parseDownlink(kind: string, payload: Buffer): DownlinkMessage {
  if (!(kind in DownlinkSchemas)) {
    throw new OutpostError('DOWNLINK_UNKNOWN_KIND', `unknown downlink kind "${kind}"; known: ${Object.keys(DownlinkSchemas).join(', ')}`, { kind });
  }
  if (payload.length > MAX_PAYLOAD) throw new OutpostError('DOWNLINK_MALFORMED', `${kind}: payload of ${payload.length} bytes is over 1 MiB`, { kind });
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new OutpostError('DOWNLINK_MALFORMED', `${kind}: not JSON: ${(err as Error).message}`, { kind });
  }
  const schema = DownlinkSchemas[kind as DownlinkKind];
  const first = Value.Errors(schema, body).First();
  if (first) throw new OutpostError('DOWNLINK_MALFORMED', `${kind}: ${first.path || '/'}: ${first.message}`, { kind, path: first.path });
  return { kind, ...(body as object) } as DownlinkMessage;
}

/** The `id` of a payload that failed validation, when it has one, so the refusal can still be matched. */
export function idOf(payload: Buffer): string | null {
  try {
    const id = (JSON.parse(payload.toString('utf8')) as { id?: unknown }).id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
