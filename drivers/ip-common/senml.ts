import { decode as decodeCbor } from 'cborg';
import { refuse } from './ingest-errors.js';
import { collect, emptyResult, type ParseResult } from './measurement.js';
import { lastSegment, senmlUnit } from './senml-units.js';

/** RFC 8428 §4.5.3: a resolved time below 2^28 s is relative to now, not an absolute date in 1978. */
const RELATIVE_TIME_LIMIT_S = 2 ** 28;
/** RFC 8428 §4.4: the version this implementation understands; packs asking for a later one are refused. */
const SENML_VERSION = 10;
/** RFC 8428 §4.5.1: a name starts with a letter or digit and uses only these characters. */
const NAME_PATTERN = /^[A-Za-z0-9][-:./_A-Za-z0-9]*$/;
/** RFC 8428 §6, Table 4: the integer labels SenML CBOR uses for each field. */
const CBOR_LABELS: Readonly<Record<number, string>> = {
  [-1]: 'bver', [-2]: 'bn', [-3]: 'bt', [-4]: 'bu', [-5]: 'bv', [-6]: 'bs',
  0: 'n', 1: 'u', 2: 'v', 3: 'vs', 4: 'vb', 5: 's', 6: 't', 7: 'ut', 8: 'vd',
};

type SenmlRecord = Record<string, unknown>;

/** A SenML JSON pack (`application/senml+json`, CoAP content format 110) as measurements. */
export function parseSenmlJson(body: Uint8Array | string, nowMs: number): ParseResult {
  let pack: unknown;
  try {
    pack = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch (error) {
    throw refuse('PAYLOAD_NOT_JSON', `payload is not JSON: ${(error as Error).message}`);
  }
  return resolvePack(pack, nowMs);
}

/** A SenML CBOR pack (`application/senml+cbor`, CoAP content format 112) as measurements. */
export function parseSenmlCbor(body: Uint8Array, nowMs: number): ParseResult {
  let pack: unknown;
  try {
    pack = decodeCbor(body, { useMaps: true });
  } catch (error) {
    throw refuse('PAYLOAD_NOT_CBOR', `payload is not CBOR: ${(error as Error).message}`);
  }
  if (!Array.isArray(pack)) throw refuse('SENML_INVALID', 'a SenML pack is a CBOR array of records');
  return resolvePack(pack.map(fromCborLabels), nowMs);
}

function fromCborLabels(record: unknown): unknown {
  if (!(record instanceof Map)) return record;
  const out: SenmlRecord = {};
  for (const [key, value] of record) out[typeof key === 'number' ? (CBOR_LABELS[key] ?? String(key)) : String(key)] = value;
  return out;
}

/** RFC 8428 §4.6: base fields carry over to later records until a record sets them again. */
function resolvePack(pack: unknown, nowMs: number): ParseResult {
  if (!Array.isArray(pack)) throw refuse('SENML_INVALID', 'a SenML pack is an array of records');
  const base = { bn: '', bt: 0, bu: undefined as string | undefined, bv: 0, bs: 0 };
  const result = emptyResult();
  pack.forEach((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid(index, 'is not an object');
    const record = item as SenmlRecord;
    for (const key of Object.keys(record)) {
      if (key.endsWith('_')) throw invalid(index, `has "${key}", a must-understand field this receiver does not know`);
    }
    if (record.bver !== undefined && (typeof record.bver !== 'number' || record.bver > SENML_VERSION)) {
      throw invalid(index, `asks for SenML version ${String(record.bver)}; this receiver understands up to ${SENML_VERSION}`);
    }
    if (record.bn !== undefined) base.bn = text(record.bn, 'bn', index);
    if (record.bt !== undefined) base.bt = number(record.bt, 'bt', index);
    if (record.bu !== undefined) base.bu = text(record.bu, 'bu', index);
    if (record.bv !== undefined) base.bv = number(record.bv, 'bv', index);
    if (record.bs !== undefined) base.bs = number(record.bs, 'bs', index);

    const name = base.bn + (record.n === undefined ? '' : text(record.n, 'n', index));
    if (name === '') throw refuse('SENML_NO_NAME', `SenML record ${index} has no name: neither it nor an earlier record sets "bn" or "n"`, { record: index });
    if (!NAME_PATTERN.test(name)) throw invalid(index, `has the name "${name}", which RFC 8428 §4.5.1 does not allow`);
    const time = base.bt + (record.t === undefined ? 0 : number(record.t, 't', index));
    const ts = time < RELATIVE_TIME_LIMIT_S ? nowMs + time * 1000 : time * 1000;

    const raw = recordValue(record, base, index);
    if (raw === undefined) {
      result.ignored.push({ field: name, reason: 'carries a string or data value, not a number' });
      return;
    }
    const unit = record.u === undefined ? base.bu : text(record.u, 'u', index);
    const known = senmlUnit(unit);
    const value = known.convert ? known.convert(raw) : raw;
    const segment = lastSegment(name);
    // The name's last segment wins (`…:current`); a name that is only a device id leaves it to the unit.
    const metric = known.metric !== undefined && !canonicalName(segment, known.unit) ? known.metric : segment;
    collect(result, name, { metric, unit: known.unit, value, ts });
  });
  return result;
}

function canonicalName(segment: string, unit: string): boolean {
  const probe = emptyResult();
  collect(probe, '', { metric: segment, unit, value: 0 });
  return probe.measurements.length === 1;
}

/** RFC 8428 §4.2: the value is `v` (plus `bv`), `vb` as 0/1, or the sum `s` (plus `bs`); strings and data are not numbers. */
function recordValue(record: SenmlRecord, base: { bv: number; bs: number }, index: number): number | undefined {
  if (record.v !== undefined) return base.bv + number(record.v, 'v', index);
  if (record.vb !== undefined) {
    if (typeof record.vb !== 'boolean') throw invalid(index, 'has a "vb" that is not a boolean');
    return record.vb ? 1 : 0;
  }
  if (record.s !== undefined) return base.bs + number(record.s, 's', index);
  return undefined;
}

function text(value: unknown, field: string, index: number): string {
  if (typeof value !== 'string') throw invalid(index, `has a "${field}" that is not a string`);
  return value;
}

function number(value: unknown, field: string, index: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(index, `has a "${field}" that is not a number`);
  return value;
}

function invalid(index: number, what: string) {
  return refuse('SENML_INVALID', `SenML record ${index} ${what}`, { record: index });
}
