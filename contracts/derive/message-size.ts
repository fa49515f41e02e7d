/**
 * An upper bound of one record's encoded size, from the bounds the schema
 * states. It is the larger of the JSON and the Protobuf encodings, so it holds
 * whichever a producer uses. A field without a bound (a string without
 * `.max()`, an array without `.max()`, any record) makes the record unbounded.
 */
import type { Shape, ShapeType } from '../schema/shape';
import { bytes, type Derived } from './derived';

export interface SizeBound {
  /** The bound in bytes, or undefined when some field is unbounded. */
  readonly bytes?: number;
  /** The paths of the fields that leave the size unbounded. */
  readonly unbounded: readonly string[];
}

interface Pair {
  json: number;
  proto: number;
}

const TAG = 3; // field numbers up to 2^14 - 1 (never more in practice) take ≤ 3 bytes with the wire type
const LEN = 5; // a length-delimited value's length prefix, at most 5 bytes
const TIMESTAMP_JSON = 32; // "2024-01-01T00:00:00.000000000Z" with quotes, the longest normalised form
const TIMESTAMP_PROTO = LEN + (1 + 10) + (1 + 5); // seconds (int64) + nanos (int32)

function typeBound(t: ShapeType, path: string, unbounded: string[]): Pair | undefined {
  switch (t.kind) {
    case 'string':
      if (t.maxLength === undefined) {
        unbounded.push(path);
        return undefined;
      }
      // JSON may escape every UTF-16 unit as \uXXXX; UTF-8 needs at most 3 bytes per unit.
      return { json: 2 + 6 * t.maxLength, proto: LEN + 3 * t.maxLength };
    case 'uuid':
      return { json: 38, proto: LEN + 36 };
    case 'datetime':
      return { json: TIMESTAMP_JSON, proto: TIMESTAMP_PROTO };
    case 'date':
      return { json: 12, proto: LEN + 10 };
    case 'int':
      return { json: Math.max(String(t.min).length, String(t.max).length), proto: 10 };
    case 'double':
      return { json: 24, proto: 8 };
    case 'boolean':
      return { json: 5, proto: 1 };
    case 'enum':
      return { json: 2 + Math.max(...t.values.map((v) => v.length)), proto: 5 };
    case 'object': {
      let json = 2;
      let proto = 0;
      let ok = true;
      for (const f of t.fields) {
        const b = typeBound(f.type, `${path}.${f.name}`, unbounded);
        if (!b) {
          ok = false;
          continue;
        }
        json += f.name.length + 4 + b.json;
        proto += TAG + b.proto;
      }
      return ok ? { json, proto: LEN + proto } : undefined;
    }
    case 'array': {
      const item = typeBound(t.items, `${path}[]`, unbounded);
      if (t.maxItems === undefined) {
        unbounded.push(path);
        return undefined;
      }
      if (!item) return undefined;
      return { json: 2 + t.maxItems * (item.json + 1), proto: t.maxItems * (TAG + item.proto) };
    }
    case 'record':
      unbounded.push(path);
      return undefined;
  }
}

/** The record-size bound of a shape. */
export function recordSizeBound(shape: Shape): SizeBound {
  const unbounded: string[] = [];
  const b = typeBound({ kind: 'object', fields: shape.fields }, 'schema', unbounded);
  return b ? { bytes: Math.max(b.json, b.proto), unbounded } : { unbounded };
}

/** Room for the batch and record framing, the key and headers such as trace ids. */
export const RECORD_OVERHEAD_BYTES = 8 * 1024;
/**
 * The smallest `max.message.bytes` contract-mesh sets: a batch holds several
 * records, and producers batch up to `batch.size` (16 KiB by default, often
 * tuned to 64 KiB) before compression.
 */
export const MIN_MAX_MESSAGE_BYTES = 64 * 1024;
/** Room a dead letter needs beyond the record: the error headers (reason, failing paths, source). */
export const DEAD_LETTER_HEADER_ROOM_BYTES = 64 * 1024;

/** `max.message.bytes` of a product topic: max(⌈bound + 8 KiB⌉ to KiB, 64 KiB), or unset when unbounded. */
export function deriveMaxMessageBytes(shape: Shape): Derived<number | undefined> {
  const bound = recordSizeBound(shape);
  if (bound.bytes === undefined) {
    const list = bound.unbounded.slice(0, 3).join(', ') + (bound.unbounded.length > 3 ? ', …' : '');
    return { value: undefined, reason: `not set: the schema does not bound the record size (${list} ${bound.unbounded.length === 1 ? 'has' : 'have'} no maximum), so the broker's limit applies` };
  }
  const needed = Math.ceil((bound.bytes + RECORD_OVERHEAD_BYTES) / 1024) * 1024;
  const value = Math.max(needed, MIN_MAX_MESSAGE_BYTES);
  return {
    value,
    reason: `the schema bounds a record to ${bytes(bound.bytes)}; + ${bytes(RECORD_OVERHEAD_BYTES)} framing, key and headers = ${bytes(needed)}${value > needed ? `, raised to the ${bytes(MIN_MAX_MESSAGE_BYTES)} floor so producer batches fit` : ''}`,
  };
}

/** The dead-letter topic's `max.message.bytes`: max(main, broker limit) + 64 KiB for the error headers. */
export function deriveDeadLetterMaxMessageBytes(main: number | undefined, brokerMaxMessageBytes: number): Derived<number> {
  const base = Math.max(main ?? 0, brokerMaxMessageBytes);
  return {
    value: base + DEAD_LETTER_HEADER_ROOM_BYTES,
    reason: `invalid records are not bounded by the schema: the larger of the main topic's limit and the broker's (${bytes(base)}) + ${bytes(DEAD_LETTER_HEADER_ROOM_BYTES)} for the error headers`,
  };
}
