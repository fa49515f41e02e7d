// FROZEN copy of contracts/codec/codec.ts at b68cb10 (before issue 17), for bench/codec-bench.ts only. Do not edit.
/**
 * The edge codec for producers and consumers: the contract's Zod schema
 * validates, the generated proto serializes.
 *
 * - `encode(value)` → `{ ok: true, bytes, value }` (value normalised, see
 *   `normalise.ts`) or `{ ok: false, violation }` listing every issue with its
 *   path. It never throws. For an entity, `encode(null)` is a tombstone
 *   (`bytes: null`): the deletion of the key.
 * - `decode(bytes)` → `{ ok: true, value }` (typed) or `{ ok: false, violation }`;
 *   `decode(null)` of an entity is a tombstone (`value: null`).
 * - `encodeKey(recordOrKey)` → the key's bytes: UTF-8 of the key field's
 *   canonical string (see {@link canonicalKey}). Producers in other languages
 *   use the same bytes and Kafka's default (murmur2) partitioner, so every
 *   producer puts a key in the same partition.
 */
import * as protobuf from 'protobufjs';
import type { z } from 'zod';
import { compileProduct, type CompiledProduct } from '../../contracts/compile';
import type { DataProduct } from '../../contracts/dsl/data-product';
import type { ProductLock } from '../../contracts/lock/lock-file';
import { ContractError } from '../../contracts/problems';
import { numberShape, type FieldNumber, type Numbering } from '../../contracts/proto/numbering';
import { buildProtoRoot } from '../../contracts/proto/proto-schema';
import { toSnake, type ShapeField, type ShapeType } from '../../contracts/schema/shape';
import { invalidUnicodePaths, normaliseRecord, normaliseValue } from './normalise';
import { ContractViolationError, formatPath, type ContractViolation, type ViolationIssue } from './violation';

export type EncodeResult<T> =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly value: T; readonly tombstone?: false }
  | { readonly ok: true; readonly bytes: null; readonly value: null; readonly tombstone: true }
  | { readonly ok: false; readonly violation: ContractViolation };

export type DecodeResult<T> =
  | { readonly ok: true; readonly value: T; readonly tombstone?: false }
  | { readonly ok: true; readonly value: null; readonly tombstone: true }
  | { readonly ok: false; readonly violation: ContractViolation };

export interface Codec<T> {
  readonly product: CompiledProduct;
  /** The protobufjs type of the record (`<package>.<Message>`). */
  readonly type: protobuf.Type;
  encode(value: T | null | unknown): EncodeResult<T>;
  decode(bytes: Uint8Array | null): DecodeResult<T>;
  /** Like decode, but throws a {@link ContractViolationError} instead of returning a violation. */
  decodeOrThrow(bytes: Uint8Array): T;
  /** The record key's bytes, from a record or from the key value itself. */
  encodeKey(recordOrKey: unknown): Uint8Array;
  /** The normalised form of a valid value (what decode(encode(v)) gives). */
  normalise(value: T): T;
}

export interface CodecOptions {
  /**
   * The product's lock (its field numbers must match the proto deployed).
   * @default - numbers assigned afresh, as at a first lock
   */
  readonly lock?: ProductLock;
}

/** The canonical string of a key value: uuid lower-case, datetime normalised ISO, numbers in decimal, booleans `true`/`false`, strings/enums/dates as they are. */
export function canonicalKey(type: ShapeType, value: unknown): string {
  if (type.kind === 'datetime' || type.kind === 'uuid') return String(normaliseValue(type, value));
  return String(value);
}

/** Builds the codec of a product; throws a ContractError if the contract itself is invalid. */
export function createCodec<S extends z.ZodObject>(product: DataProduct<S>, options: CodecOptions = {}): Codec<z.infer<S>> {
  type T = z.infer<S>;
  const compiled = compileProduct(product as unknown as DataProduct);
  if (!compiled.product) throw new ContractError(compiled.problems);
  const p = compiled.product;
  if (options.lock && options.lock.product !== p.id) {
    throw new ContractError([{ product: p.id, field: '(lock)', message: `the lock given is the lock of ${options.lock.product}.`, fix: `pass contracts/locks/${p.domain}/${p.name}.v${p.version}.lock.json.` }]);
  }
  const numbering = options.lock?.numbering;
  const built = buildProtoRoot(p, numbering);
  if (built.problems.length) throw new ContractError(built.problems.map((x) => ({ product: p.id, ...x })));
  const schema = product.spec.schema;
  const type = built.type;
  const numbers: Numbering = numbering ?? numberShape(p.shape);
  const keyField = p.shape.fields.find((f) => f.name === p.key) as ShapeField;

  const violation = (reason: string, issues: ViolationIssue[]): ContractViolation => ({ product: p.id, reason, issues });

  const codec: Codec<T> = {
    product: p,
    type,
    encode(value) {
      if (value === null) {
        if (p.kind === 'entity') return { ok: true, bytes: null, value: null, tombstone: true };
        return { ok: false, violation: violation('an event has no tombstones', [{ path: '', message: 'null is a deletion (tombstone), which only entities have.' }]) };
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        return { ok: false, violation: violation('the record does not satisfy the contract', parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }))) };
      }
      const bad = invalidUnicodePaths({ kind: 'root', fields: p.shape.fields }, parsed.data);
      if (bad.length) {
        return { ok: false, violation: violation('the record has strings that are not valid Unicode', bad.map((path) => ({ path: formatPath(path), message: 'a lone surrogate cannot be encoded as UTF-8.' }))) };
      }
      const normal = normaliseRecord(p.shape, parsed.data as Record<string, unknown>);
      try {
        const message = type.fromObject(toProto(p.shape.fields, numbers.fields, normal));
        return { ok: true, bytes: type.encode(message).finish(), value: normal as T };
      } catch (err) {
        return { ok: false, violation: violation('the record could not be serialized', [{ path: '', message: err instanceof Error ? err.message : String(err) }]) };
      }
    },
    decode(bytes) {
      if (bytes === null) {
        if (p.kind === 'entity') return { ok: true, value: null, tombstone: true };
        return { ok: false, violation: violation('an event has no tombstones', [{ path: '', message: 'a null value (tombstone) on an event topic.' }]) };
      }
      let message: protobuf.Message;
      try {
        message = type.decode(bytes);
      } catch (err) {
        return { ok: false, violation: violation('the bytes are not a record of this contract', [{ path: '', message: err instanceof Error ? err.message : String(err) }]) };
      }
      const issues: ViolationIssue[] = [];
      const value = fromProto(p.shape.fields, numbers.fields, message as unknown as Record<string, unknown>, [], issues);
      if (issues.length) return { ok: false, violation: violation('the record does not satisfy the contract', issues) };
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        return { ok: false, violation: violation('the record does not satisfy the contract', parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }))) };
      }
      return { ok: true, value: value as T };
    },
    decodeOrThrow(bytes) {
      const r = codec.decode(bytes);
      if (!r.ok) throw new ContractViolationError(r.violation);
      if (r.tombstone) throw new ContractViolationError(violation('a tombstone has no record', [{ path: '', message: 'use decode() to handle deletions.' }]));
      return r.value;
    },
    encodeKey(recordOrKey) {
      const v = recordOrKey !== null && typeof recordOrKey === 'object' ? (recordOrKey as Record<string, unknown>)[p.key] : recordOrKey;
      return new TextEncoder().encode(canonicalKey(keyField.type, v));
    },
    normalise(value) {
      return normaliseRecord(p.shape, value as Record<string, unknown>) as T;
    },
  };
  return codec;
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

function fromProto(fields: readonly ShapeField[], numbers: Readonly<Record<string, FieldNumber>>, message: Record<string, unknown>, path: Array<string | number>, issues: ViolationIssue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const snake = toSnake(f.name);
    const here = [...path, f.name];
    const n = numbers[f.name];
    const present = Object.prototype.hasOwnProperty.call(message, snake) && message[snake] !== null && message[snake] !== undefined;
    if (f.type.kind === 'array') {
      const items = f.type.items;
      out[f.name] = ((present ? message[snake] : []) as unknown[]).map((x, i) => leafFromProto(items, n, x, [...here, i], issues));
      if (!f.required && (out[f.name] as unknown[]).length === 0) delete out[f.name]; // absent = empty on the wire
      continue;
    }
    if (f.type.kind === 'record') {
      const values = f.type.values;
      out[f.name] = Object.fromEntries(Object.entries((present ? message[snake] : {}) as Record<string, unknown>).map(([k, x]) => [k, leafFromProto(values, n, x, [...here, k], issues)]));
      continue;
    }
    if (!f.required && !present) continue;
    const raw = present ? message[snake] : message[snake] ?? undefined; // required scalars: proto3 default from the prototype
    if (raw === undefined || raw === null) {
      issues.push({ path: formatPath(here), message: 'the required field is missing.' });
      continue;
    }
    out[f.name] = leafFromProto(f.type, n, raw, here, issues);
  }
  return out;
}

function leafFromProto(t: ShapeType, n: FieldNumber, v: unknown, path: Array<string | number>, issues: ViolationIssue[]): unknown {
  switch (t.kind) {
    case 'enum': {
      const name = Object.entries(n.values ?? {}).find(([, e]) => !e.removed && e.number === v)?.[0];
      if (name === undefined) issues.push({ path: formatPath(path), message: `enum number ${String(v)} is not a value of this contract${v === 0 ? ' (the zero value: none was sent)' : ''}.` });
      return name;
    }
    case 'object':
      return fromProto(t.fields, n.fields ?? {}, v as Record<string, unknown>, path, issues);
    case 'datetime': {
      const ts = v as { seconds?: unknown; nanos?: number };
      return new Date(num(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000)).toISOString();
    }
    case 'int':
      return num(v);
    default:
      return v;
  }
}
