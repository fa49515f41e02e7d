/**
 * The edge codec for producers and consumers (docs/codec-and-dead-letters.md): the contract's Zod schema is the definition of a
 * valid record, the locked proto is the wire format.
 *
 * - `encode(value)` → `{ ok: true, bytes, value }` (value normalised, see `normalise.ts`) or
 *   `{ ok: false, violation }` listing every issue with its path. It never throws. For an entity, `encode(null)`
 *   is a tombstone (`bytes: null`): the deletion of the key. A record larger than the topic accepts
 *   (`maxMessageBytes`) is a violation.
 * - `decode(bytes)` → `{ ok: true, value }` (typed) or `{ ok: false, violation }`; never throws;
 *   `decode(null)` of an entity is a tombstone (`value: null`).
 * - `encodeKey(recordOrKey)` → the key's bytes: UTF-8 of the key field's canonical string (see
 *   {@link canonicalKey}). Producers in other languages use the same bytes and Kafka's default (murmur2)
 *   partitioner, so every producer puts a key in the same partition. Never throws.
 *
 * Speed: when the codec is created, the contract is compiled once — Zod's own compiler (`z.compile`) for the
 * validation, and a protobuf encoder and decoder generated for the locked message (`compile-encoder.ts`,
 * `compile-decoder.ts`). A record that is not plainly valid takes the reference path (`reference.ts`: Zod's
 * `safeParse` and protobufjs's reflection), which builds every violation, so the two paths cannot disagree on
 * what they report.
 */
import type * as protobuf from 'protobufjs';
import { z } from 'zod';
import { compileProduct, type CompiledProduct } from '../compile';
import { deriveDeadLetterMaxMessageBytes, deriveMaxMessageBytes } from '../derive/message-size';
import type { DataProduct } from '../dsl/data-product';
import type { ProductLock } from '../lock/lock-file';
import { ContractError } from '../problems';
import { numberShape } from '../proto/numbering';
import { buildProtoRoot } from '../proto/proto-schema';
import type { ShapeField, ShapeType } from '../schema/shape';
import { compileDecoder } from './compile-decoder';
import { compileEncoder } from './compile-encoder';
import { normaliseRecord } from './normalise';
import { BROKER_DEFAULT_MAX_MESSAGE_BYTES, recordBatchBytes } from './record-size';
import { referenceDecode, referenceEncode, referenceEncodeKey, RESERVED_KEY, violationOf, type CodecParts, type DecodeResult, type EncodeResult } from './reference';
import { codecIssue, ContractViolationError } from './violation';

export { canonicalKey, type DecodeResult, type EncodeResult } from './reference';

export interface Codec<T> {
  readonly product: CompiledProduct;
  /** The contract's Zod schema: the definition of a valid record. */
  readonly schema: z.ZodObject;
  /** The protobufjs type of the record (`<package>.<Message>`). */
  readonly type: protobuf.Type;
  /** The `max.message.bytes` of the topic the codec encodes for: a larger record is a violation. */
  readonly maxMessageBytes: number;
  /** Validates, normalises and serializes a record; a violation instead of a throw. `null` is a tombstone (entities only). */
  encode(value: T | null | unknown): EncodeResult<T>;
  /** Parses and checks a record's bytes; a violation instead of a throw. `null` is a tombstone (entities only). */
  decode(bytes: Uint8Array | null): DecodeResult<T>;
  /** Like decode, but throws a {@link ContractViolationError} instead of returning a violation. */
  decodeOrThrow(bytes: Uint8Array): T;
  /**
   * The record key's bytes, from a record or from the key value itself: UTF-8 of the canonical string of a valid
   * key. Of an invalid one (a record that failed to encode), its bytes as given when it is a string, number, bigint
   * or boolean, else `null`: evidence for the dead letter, never a key to produce to the topic with. Never throws.
   */
  encodeKey(recordOrKey: unknown): Buffer | null;
  /** The normalised form of a valid value (what decode(encode(v)) gives). */
  normalise(value: T): T;
}

export interface CodecOptions {
  /**
   * The product's lock (its field numbers must match the proto deployed).
   * @default - numbers assigned afresh, as at a first lock
   */
  readonly lock?: ProductLock;
  /**
   * The `max.message.bytes` of the topic the codec encodes for: a record whose one-record batch (key, value and
   * Kafka's framing, uncompressed) is larger is a violation, since the broker would refuse it at send time. Pass the
   * topic's configured value ({@link topicLimits} derives it as synth does).
   * @default 1048588 - the brokers' default `message.max.bytes`
   */
  readonly maxMessageBytes?: number;
}

/** The smallest `maxMessageBytes` a codec accepts: below it even a small record and its framing would not fit. */
export const MIN_MAX_MESSAGE_BYTES = 1024;

/**
 * The `max.message.bytes` of a product's topic and of its dead-letter topic as synth derives them
 * (`contracts/derive/message-size.ts`): the main topic's own limit when its schema bounds the record size, else
 * the brokers'.
 */
export function topicLimits(product: Pick<CompiledProduct, 'shape'>, brokerMaxMessageBytes: number = BROKER_DEFAULT_MAX_MESSAGE_BYTES): { readonly maxMessageBytes: number; readonly deadLetterMaxMessageBytes: number } {
  const main = deriveMaxMessageBytes(product.shape).value;
  return { maxMessageBytes: main ?? brokerMaxMessageBytes, deadLetterMaxMessageBytes: deriveDeadLetterMaxMessageBytes(main, brokerMaxMessageBytes).value };
}

/** Builds the codec of a product; throws a ContractError if the contract itself (or an option) is invalid. */
export function createCodec<S extends z.ZodObject>(product: DataProduct<S>, options: CodecOptions = {}): Codec<z.infer<S>> {
  type T = z.infer<S>;
  const compiled = compileProduct(product as unknown as DataProduct);
  if (!compiled.product) throw new ContractError(compiled.problems);
  const p = compiled.product;
  if (options.lock && options.lock.product !== p.id) {
    throw new ContractError([{ product: p.id, field: '(lock)', message: `the lock given is the lock of ${options.lock.product}.`, fix: `pass contracts/locks/${p.domain}/${p.name}.v${p.version}.lock.json.` }]);
  }
  const maxMessageBytes = options.maxMessageBytes ?? BROKER_DEFAULT_MAX_MESSAGE_BYTES;
  if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes < MIN_MAX_MESSAGE_BYTES) {
    throw new ContractError([{ product: p.id, field: '(codec options).maxMessageBytes', message: `maxMessageBytes must be a whole number of bytes of at least ${MIN_MAX_MESSAGE_BYTES}, got ${String(options.maxMessageBytes)}.`, fix: `pass the topic's max.message.bytes (topicLimits(codec.product).maxMessageBytes), or leave it out for the brokers' default ${BROKER_DEFAULT_MAX_MESSAGE_BYTES}.` }]);
  }
  const numbering = options.lock?.numbering;
  const built = buildProtoRoot(p, numbering);
  if (built.problems.length) throw new ContractError(built.problems.map((x) => ({ product: p.id, ...x })));
  const parts: CodecParts = { product: p, schema: product.spec.schema, type: built.type, numbers: numbering ?? numberShape(p.shape), maxMessageBytes };

  const fields = p.shape.fields;
  const keyField = fields.find((f) => f.name === p.key) as ShapeField;
  // Compiled once: Zod's own compiler for the validation (a clone of the schema whose parse runs generated code
  // and falls back to Zod's runtime on anything it cannot tell), the protobuf encoder and decoder generated for the
  // locked message.
  const checked = z.compile(parts.schema);
  const checkedKey = z.compile(parts.schema.shape[p.key] as z.ZodType);
  const encoder = compileEncoder(fields, parts.numbers, maxMessageBytes);
  const decoder = compileDecoder(fields, parts.numbers);
  const records = hasRecords(fields);
  const stats = { encodeFallbacks: 0, decodeFallbacks: 0, keyFallbacks: 0 };
  const slowEncode = (value: unknown) => {
    stats.encodeFallbacks++;
    return referenceEncode(parts, value) as EncodeResult<T>;
  };
  const slowDecode = (bytes: Uint8Array | null) => {
    stats.decodeFallbacks++;
    return referenceDecode(parts, bytes) as DecodeResult<T>;
  };

  const codec: Codec<T> = {
    product: p,
    schema: product.spec.schema,
    type: built.type,
    maxMessageBytes,
    encode(value) {
      if (value === null) return referenceEncode(parts, value) as EncodeResult<T>; // a tombstone, or its violation
      if (typeof value !== 'object') return slowEncode(value);
      let out: ReturnType<typeof encoder.encode>;
      try {
        const parsed = checked.safeParse(value);
        if (!parsed.success || (records && reservedKeyIn(fields, value))) return slowEncode(value);
        out = encoder.encode(parsed.data as Record<string, unknown>);
      } catch {
        return slowEncode(value);
      }
      if (out === undefined) return slowEncode(value);
      const key = out.value[p.key];
      if (recordBatchBytes(typeof key === 'string' ? 3 * key.length : 32, out.bytes.length) > maxMessageBytes) return slowEncode(value);
      return { ok: true, bytes: out.bytes, value: out.value as T };
    },
    decode(bytes) {
      if (bytes === null) return referenceDecode(parts, bytes) as DecodeResult<T>; // a tombstone, or its violation
      if (!(bytes instanceof Uint8Array)) return slowDecode(bytes);
      try {
        const value = decoder.decode(bytes);
        if (value !== undefined && z.validate(checked, value)) return { ok: true, value: value as T };
      } catch {
        // the reference path decides
      }
      return slowDecode(bytes);
    },
    decodeOrThrow(bytes) {
      const r = codec.decode(bytes);
      if (!r.ok) throw new ContractViolationError(r.violation);
      if (r.tombstone) throw new ContractViolationError(violationOf(p, 'tombstone', 'a tombstone has no record', [codecIssue(p.shape.fields, [], 'tombstone', 'use decode() to handle deletions.')]));
      return r.value;
    },
    encodeKey(recordOrKey) {
      const kind = keyField.type.kind;
      if (kind === 'uuid' || kind === 'string' || kind === 'date' || kind === 'enum') {
        try {
          const v = recordOrKey !== null && typeof recordOrKey === 'object' ? (recordOrKey as Record<string, unknown>)[p.key] : recordOrKey;
          if (typeof v === 'string' && (v as unknown as { isWellFormed(): boolean }).isWellFormed() && z.validate(checkedKey, v)) return Buffer.from(kind === 'uuid' ? v.toLowerCase() : v, 'utf8');
        } catch {
          // the reference path decides
        }
      }
      stats.keyFallbacks++;
      return referenceEncodeKey(parts, recordOrKey);
    },
    normalise: (value) => normaliseRecord(p.shape, value as Record<string, unknown>) as T,
  };
  INTERNALS.set(codec as Codec<unknown>, { parts, stats, encoderSource: encoder.source, decoderSource: decoder.source });
  return codec;
}

/** What tests and the benchmark may look at inside a codec: how often it took the reference path, the generated source. */
export interface CodecInternals {
  readonly parts: CodecParts;
  readonly stats: { encodeFallbacks: number; decodeFallbacks: number; keyFallbacks: number };
  readonly encoderSource: string;
  readonly decoderSource: string;
}

const INTERNALS = new WeakMap<Codec<unknown>, CodecInternals>();

/** The internals of a codec made by {@link createCodec} (not part of the public API). */
export function codecInternals(codec: Codec<unknown>): CodecInternals {
  const i = INTERNALS.get(codec);
  if (!i) throw new Error('not a codec made by createCodec');
  return i;
}

function hasRecords(fields: readonly ShapeField[]): boolean {
  const inType = (t: ShapeType): boolean => t.kind === 'record' || (t.kind === 'array' && inType(t.items)) || (t.kind === 'object' && t.fields.some((f) => inType(f.type)));
  return fields.some((f) => inType(f.type));
}

/** True when a record field of the value as given has an own `__proto__` key (Zod's output drops it; the reference refuses it). */
function reservedKeyIn(fields: readonly ShapeField[], value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  for (let i = 0; i < fields.length; i++) {
    const t = fields[i].type;
    if ((t.kind === 'record' || t.kind === 'array' || t.kind === 'object') && reservedKeyInType(t, (value as Record<string, unknown>)[fields[i].name])) return true;
  }
  return false;
}

function reservedKeyInType(t: ShapeType, v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (t.kind === 'record') {
    if (Object.prototype.hasOwnProperty.call(v, RESERVED_KEY)) return true;
    if (t.values.kind !== 'object') return false;
    for (const x of Object.values(v)) if (reservedKeyInType(t.values, x)) return true;
    return false;
  }
  if (t.kind === 'array') {
    const a = v as unknown[];
    for (let i = 0; i < a.length; i++) if (reservedKeyInType(t.items, a[i])) return true;
    return false;
  }
  if (t.kind === 'object') return reservedKeyIn(t.fields, v);
  return false;
}
