/**
 * The reference codec: the contract's Zod schema (`safeParse`) validates, protobufjs's reflection
 * (`fromObject` + `encode`, `decode`) serializes. It is the definition of what the codec does — every rule of
 * README/docs "The edge codec" is here, readably — and the compiled codec (`compile-*.ts`) falls back to it
 * whenever a record is not plainly valid, so every violation the codec returns is built here. Tests hold the
 * compiled codec to identical results (bytes, values, accept/reject) on generated and hostile input.
 *
 * Never throws: anything a record or bytes can make go wrong becomes a violation.
 */
import type * as protobuf from 'protobufjs';
import type { z } from 'zod';
import type { CompiledProduct } from '../compile';
import type { FieldNumber, Numbering } from '../proto/numbering';
import { toSnake, type ShapeField, type ShapeType } from '../schema/shape';
import { normaliseRecord, normaliseValue, isWellFormed } from './normalise';
import { recordBatchBytes } from './record-size';
import { inTimestampRange, msFromIso, TIMESTAMP_MAX_NANOS, TIMESTAMP_MAX_SECONDS, TIMESTAMP_MIN_SECONDS, TIMESTAMP_RANGE_MESSAGE } from './timestamp';
import { codecIssue, zodIssues, type ContractViolation, type ViolationIssue, type ViolationKind } from './violation';

export type EncodeResult<T> =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly value: T; readonly tombstone?: false }
  | { readonly ok: true; readonly bytes: null; readonly value: null; readonly tombstone: true }
  | { readonly ok: false; readonly violation: ContractViolation };

export type DecodeResult<T> =
  | { readonly ok: true; readonly value: T; readonly tombstone?: false }
  | { readonly ok: true; readonly value: null; readonly tombstone: true }
  | { readonly ok: false; readonly violation: ContractViolation };

/** What the reference codec (and the compiled one) is built from. */
export interface CodecParts {
  readonly product: CompiledProduct;
  readonly schema: z.ZodObject;
  readonly type: protobuf.Type;
  readonly numbers: Numbering;
  /** The topic's `max.message.bytes`. */
  readonly maxMessageBytes: number;
}

/** A record key that JavaScript objects cannot hold as data: assigning it sets the object's prototype. */
export const RESERVED_KEY = '__proto__';
const RESERVED_KEY_MESSAGE = 'the key "__proto__" cannot be carried: JavaScript treats it as the object\'s prototype, so a consumer would lose it (or have its objects altered); rename the key.';

const MALFORMED = 'the bytes are not a record of this contract';
const INVALID = 'the record does not satisfy the contract';
const UNCARRIABLE = 'the record cannot be carried faithfully on the wire';

export function violationOf(product: CompiledProduct, kind: ViolationKind, reason: string, issues: ViolationIssue[]): ContractViolation {
  return { product: product.id, kind, reason, issues };
}

/** The canonical string of a key value: uuid lower-case, datetime normalised ISO, numbers in decimal, booleans `true`/`false`, strings/enums/dates as they are. */
export function canonicalKey(type: ShapeType, value: unknown): string {
  if (type.kind === 'datetime' || type.kind === 'uuid') return String(normaliseValue(type, value));
  return String(value);
}

/** The too-large violation: the record's one-record batch against the topic's limit. */
export function tooLarge(parts: CodecParts, keyBytes: number, valueBytes: number): ContractViolation | undefined {
  const size = recordBatchBytes(keyBytes, valueBytes);
  if (size <= parts.maxMessageBytes) return undefined;
  const message = `the record is ${size.toLocaleString('en-US')} bytes as the broker counts it (a ${valueBytes.toLocaleString('en-US')}-byte value, its key and a record batch's framing), more than the ${parts.maxMessageBytes.toLocaleString('en-US')} bytes ${parts.product.topic} accepts (max.message.bytes); the broker would refuse it.`;
  return violationOf(parts.product, 'too-large', 'the record is larger than its topic accepts', [codecIssue(parts.product.shape.fields, [], 'too_large', message)]);
}

/**
 * Issues of a value that satisfies the schema but cannot be carried: strings (and record keys) with lone
 * surrogates, datetimes that are not an instant or lie outside the Timestamp range, record keys `__proto__`
 * (looked up in `raw`, the value as given: Zod's output drops them). In the order of the shape, depth first.
 */
export function carriageIssues(fields: readonly ShapeField[], parsed: Record<string, unknown>, raw: unknown): ViolationIssue[] {
  const issues: ViolationIssue[] = [];
  const visit = (t: ShapeType, v: unknown, r: unknown, path: Array<string | number>) => {
    switch (t.kind) {
      case 'string':
      case 'uuid':
      case 'date':
        if (typeof v === 'string' && !isWellFormed(v)) issues.push(codecIssue(fields, path, 'lone_surrogate', 'a lone surrogate cannot be encoded as UTF-8.'));
        return;
      case 'datetime': {
        if (typeof v !== 'string') return;
        const ms = msFromIso(v);
        if (Number.isNaN(ms)) issues.push(codecIssue(fields, path, 'timestamp_invalid', 'the datetime is not an instant JavaScript can read.'));
        else if (!inTimestampRange(ms)) issues.push(codecIssue(fields, path, 'timestamp_range', TIMESTAMP_RANGE_MESSAGE));
        return;
      }
      case 'object':
        for (const f of t.fields) {
          const x = (v as Record<string, unknown>)[f.name];
          if (x !== undefined) visit(f.type, x, get(r, f.name), [...path, f.name]);
        }
        return;
      case 'array':
        (v as unknown[]).forEach((x, i) => visit(t.items, x, get(r, i), [...path, i]));
        return;
      case 'record':
        if (r !== null && typeof r === 'object' && Object.prototype.hasOwnProperty.call(r, RESERVED_KEY)) {
          issues.push(codecIssue(fields, [...path, RESERVED_KEY], 'reserved_key', RESERVED_KEY_MESSAGE));
        }
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
          if (!isWellFormed(k)) issues.push(codecIssue(fields, [...path, k], 'lone_surrogate', 'a key with a lone surrogate cannot be encoded as UTF-8.'));
          visit(t.values, x, get(r, k), [...path, k]);
        }
        return;
      default:
        return;
    }
  };
  visit({ kind: 'object', fields }, parsed, raw, []);
  return issues;
}

function get(r: unknown, k: string | number): unknown {
  if (r === null || typeof r !== 'object') return undefined;
  try {
    return (r as Record<string | number, unknown>)[k];
  } catch {
    return undefined;
  }
}

/** A Zod `safeParse` that never throws (a throwing getter or refinement becomes a violation). */
function safeParse(schema: z.ZodType, value: unknown): { success: true; data: unknown } | { success: false; issues: Parameters<typeof zodIssues>[1] } {
  try {
    const r = schema.safeParse(value);
    return r.success ? { success: true, data: r.data } : { success: false, issues: r.error.issues as unknown as Parameters<typeof zodIssues>[1] };
  } catch (err) {
    return { success: false, issues: [{ code: 'custom', path: [], message: `the contract's schema threw: ${errorText(err)}` }] };
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Encodes like the codec, reflectively. */
export function referenceEncode(parts: CodecParts, value: unknown): EncodeResult<unknown> {
  const p = parts.product;
  const fields = p.shape.fields;
  if (value === null) {
    if (p.kind === 'entity') return { ok: true, bytes: null, value: null, tombstone: true };
    return { ok: false, violation: violationOf(p, 'tombstone', 'an event has no tombstones', [codecIssue(fields, [], 'tombstone', 'null is a deletion (tombstone), which only entities have.')]) };
  }
  const parsed = safeParse(parts.schema, value);
  if (!parsed.success) return { ok: false, violation: violationOf(p, 'invalid', INVALID, zodIssues(fields, parsed.issues)) };
  const data = parsed.data as Record<string, unknown>;
  const bad = carriageIssues(fields, data, value);
  if (bad.length) return { ok: false, violation: violationOf(p, 'invalid', UNCARRIABLE, bad) };
  const normal = normaliseRecord(p.shape, data);
  let bytes: Uint8Array;
  try {
    bytes = parts.type.encode(parts.type.fromObject(toProto(fields, parts.numbers.fields, normal))).finish();
  } catch (err) {
    return { ok: false, violation: violationOf(p, 'invalid', 'the record could not be serialized', [codecIssue(fields, [], 'malformed', errorText(err), 'the record could not be serialized.')]) };
  }
  const keyField = fields.find((f) => f.name === p.key) as ShapeField;
  const big = tooLarge(parts, Buffer.byteLength(canonicalKey(keyField.type, normal[p.key]), 'utf8'), bytes.length);
  if (big) return { ok: false, violation: big };
  return { ok: true, bytes, value: normal };
}

/** Decodes like the codec, reflectively. */
export function referenceDecode(parts: CodecParts, bytes: Uint8Array | null): DecodeResult<unknown> {
  const p = parts.product;
  const fields = p.shape.fields;
  if (bytes === null) {
    if (p.kind === 'entity') return { ok: true, value: null, tombstone: true };
    return { ok: false, violation: violationOf(p, 'tombstone', 'an event has no tombstones', [codecIssue(fields, [], 'tombstone', 'a null value (tombstone) on an event topic.')]) };
  }
  if (!(bytes instanceof Uint8Array)) {
    return { ok: false, violation: violationOf(p, 'malformed', MALFORMED, [codecIssue(fields, [], 'malformed', `expected the record's bytes (a Uint8Array or Buffer), got ${bytes === undefined ? 'undefined' : typeof bytes}.`)]) };
  }
  let message: protobuf.Message;
  try {
    message = parts.type.decode(bytes);
  } catch (err) {
    return { ok: false, violation: violationOf(p, 'malformed', MALFORMED, [codecIssue(fields, [], 'malformed', errorText(err), 'the bytes do not decode as the contract\'s protobuf message.')]) };
  }
  const issues: ViolationIssue[] = [];
  let value: Record<string, unknown>;
  try {
    value = fromProto(fields, fields, parts.numbers.fields, message as unknown as Record<string, unknown>, [], issues);
  } catch (err) {
    return { ok: false, violation: violationOf(p, 'malformed', MALFORMED, [codecIssue(fields, [], 'malformed', errorText(err), 'the bytes do not decode as the contract\'s protobuf message.')]) };
  }
  if (issues.length) return { ok: false, violation: violationOf(p, 'invalid', INVALID, issues) };
  const parsed = safeParse(parts.schema, value);
  if (!parsed.success) return { ok: false, violation: violationOf(p, 'invalid', INVALID, zodIssues(fields, parsed.issues)) };
  return { ok: true, value };
}

/**
 * The key's bytes: UTF-8 of the canonical string of a valid key; of an invalid key, its bytes as given when it is a
 * string, number, bigint or boolean (evidence for a dead letter), else null. Never throws.
 */
export function referenceEncodeKey(parts: CodecParts, recordOrKey: unknown): Buffer | null {
  const p = parts.product;
  const keyField = p.shape.fields.find((f) => f.name === p.key) as ShapeField;
  let v: unknown;
  try {
    v = recordOrKey !== null && typeof recordOrKey === 'object' ? (recordOrKey as Record<string, unknown>)[p.key] : recordOrKey;
  } catch {
    return null;
  }
  const keySchema = parts.schema.shape[p.key] as z.ZodType;
  const ok = safeParse(keySchema, v).success && carriageIssues([keyField], { [p.key]: v }, { [p.key]: v }).length === 0;
  if (ok) return Buffer.from(canonicalKey(keyField.type, v), 'utf8');
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return Buffer.from(String(v), 'utf8');
  return null;
}

function toProto(fields: readonly ShapeField[], numbers: Readonly<Record<string, FieldNumber>>, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = value[f.name];
    if (v === undefined) continue;
    const n = numbers[f.name];
    const conv = (t: ShapeType, x: unknown): unknown => leafToProto(t, n, x);
    if (f.type.kind === 'array') out[toSnake(f.name)] = (v as unknown[]).map((x) => conv((f.type as { items: ShapeType }).items, x));
    else if (f.type.kind === 'record') out[toSnake(f.name)] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, conv((f.type as { values: ShapeType }).values, x)]));
    else out[toSnake(f.name)] = conv(f.type, v);
  }
  return out;
}

function leafToProto(t: ShapeType, n: FieldNumber, v: unknown): unknown {
  switch (t.kind) {
    case 'enum':
      return n.values?.[v as string]?.number;
    case 'object':
      return toProto(t.fields, n.fields ?? {}, v as Record<string, unknown>);
    case 'datetime': {
      const ms = Date.parse(v as string);
      const seconds = Math.floor(ms / 1000);
      return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
    }
    default:
      return v;
  }
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(String(v));
}

function fromProto(root: readonly ShapeField[], fields: readonly ShapeField[], numbers: Readonly<Record<string, FieldNumber>>, message: Record<string, unknown>, path: Array<string | number>, issues: ViolationIssue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const snake = toSnake(f.name);
    const here = [...path, f.name];
    const n = numbers[f.name];
    const present = Object.prototype.hasOwnProperty.call(message, snake) && message[snake] !== null && message[snake] !== undefined;
    if (f.type.kind === 'array') {
      const items = f.type.items;
      out[f.name] = ((present ? message[snake] : []) as unknown[]).map((x, i) => leafFromProto(root, items, n, x, [...here, i], issues));
      if (!f.required && (out[f.name] as unknown[]).length === 0) delete out[f.name]; // absent = empty on the wire
      continue;
    }
    if (f.type.kind === 'record') {
      const values = f.type.values;
      const entries = Object.entries((present ? message[snake] : {}) as Record<string, unknown>);
      for (const [k] of entries) if (k === RESERVED_KEY) issues.push(codecIssue(root, [...here, k], 'reserved_key', RESERVED_KEY_MESSAGE));
      out[f.name] = Object.fromEntries(entries.filter(([k]) => k !== RESERVED_KEY).map(([k, x]) => [k, leafFromProto(root, values, n, x, [...here, k], issues)]));
      continue;
    }
    if (!f.required && !present) continue;
    const raw = present ? message[snake] : message[snake] ?? undefined; // required scalars: proto3 default from the prototype
    if (raw === undefined || raw === null) {
      issues.push(codecIssue(root, here, 'missing', 'the required field is missing.'));
      continue;
    }
    out[f.name] = leafFromProto(root, f.type, n, raw, here, issues);
  }
  return out;
}

function leafFromProto(root: readonly ShapeField[], t: ShapeType, n: FieldNumber, v: unknown, path: Array<string | number>, issues: ViolationIssue[]): unknown {
  switch (t.kind) {
    case 'enum': {
      const name = Object.entries(n.values ?? {}).find(([, e]) => !e.removed && e.number === v)?.[0];
      if (name === undefined) {
        issues.push(codecIssue(root, path, 'enum_number', `enum number ${String(v)} is not a value of this contract${v === 0 ? ' (the zero value: none was sent)' : ''}.`, 'an enum number that is not a value of this contract.'));
      }
      return name;
    }
    case 'object':
      return fromProto(root, t.fields, n.fields ?? {}, v as Record<string, unknown>, path, issues);
    case 'datetime': {
      const ts = v as { seconds?: unknown; nanos?: number };
      const seconds = num(ts.seconds ?? 0);
      const nanos = ts.nanos ?? 0;
      if (!(seconds >= TIMESTAMP_MIN_SECONDS && seconds <= TIMESTAMP_MAX_SECONDS) || !(nanos >= 0 && nanos <= TIMESTAMP_MAX_NANOS)) {
        issues.push(codecIssue(root, path, 'timestamp_range', `a Timestamp of ${seconds} seconds and ${nanos} nanos is ${TIMESTAMP_RANGE_MESSAGE}`, `a Timestamp ${TIMESTAMP_RANGE_MESSAGE}`));
        return undefined;
      }
      return new Date(seconds * 1000 + Math.floor(nanos / 1_000_000)).toISOString();
    }
    case 'int':
      return num(v);
    default:
      return v;
  }
}
