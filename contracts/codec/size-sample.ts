/**
 * The protobuf/JSON size ratio of a product, measured at synth on a small,
 * deterministic sample of values built from its {@link Shape} (no randomness,
 * no fast-check): bounded strings at typical lengths, ints and doubles of
 * typical magnitude within their bounds, enum values cycled, arrays and maps
 * of 1–3 items, optional fields present in even samples and absent in odd
 * ones. Each value is encoded with the real codec (the product's locked field
 * numbers) and with `JSON.stringify` (UTF-8 bytes). Pure and cheap: a few
 * values per product.
 */
import type { Shape, ShapeField, ShapeType } from '../schema/shape';
import type { Codec } from './codec';

/** How many values the synth sample has. */
export const SIZE_SAMPLE_COUNT = 8;
/** The string lengths the sample cycles through (clamped into each field's bounds). */
export const SAMPLE_STRING_LENGTHS = [16, 24, 32] as const;
/** The int magnitudes the sample cycles through (clamped into each field's bounds). */
export const SAMPLE_INT_MAGNITUDES = [42, 1_234, 123_456, 12_345_678] as const;

/** How the ratio was measured, as recorded in the manifest. */
export const SIZE_SAMPLE_METHOD = `deterministic sample built from the contract's shape (strings of ${SAMPLE_STRING_LENGTHS.join('/')} chars within bounds, ints of typical magnitude within bounds, enum values cycled, arrays and maps of 1–3 items, optional fields present in every other value), each encoded with the codec (the lock's field numbers) and as JSON.stringify (UTF-8 bytes); ratio = Σ protobuf bytes / Σ JSON bytes`;

export interface SizeRatio {
  /** Σ protobuf bytes / Σ JSON bytes over the values the codec accepted. */
  readonly ratio: number;
  readonly protoBytes: number;
  readonly jsonBytes: number;
  /** Values measured (those the codec accepted). */
  readonly samples: number;
  /** Values the contract rejected (e.g. a regex the shape does not describe); not measured. */
  readonly rejected: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

function letters(n: number, offset: number): string {
  let s = '';
  for (let k = 0; k < n; k++) s += LETTERS[(k + offset) % LETTERS.length];
  return s;
}

function stringOf(t: Extract<ShapeType, { kind: 'string' }>, i: number): string {
  const min = t.minLength ?? 0;
  const max = t.maxLength ?? Infinity;
  const length = clamp(SAMPLE_STRING_LENGTHS[i % SAMPLE_STRING_LENGTHS.length], min, max);
  if (t.format === 'email') {
    const domain = '@example.com';
    return `${letters(Math.max(1, length - domain.length), i)}${domain}`;
  }
  if (t.format === 'url') {
    const base = 'https://example.com/';
    return `${base}${letters(Math.max(0, length - base.length), i)}`;
  }
  return letters(length, i);
}

/** A version-4 UUID whose hex digits follow from i (deterministic). */
function uuidOf(i: number): string {
  let h = '';
  let x = (i + 1) * 2_654_435_761;
  for (let k = 0; k < 32; k++) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    h += HEX[x % 16];
  }
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function intOf(t: Extract<ShapeType, { kind: 'int' }>, i: number): number {
  if (t.max - t.min < 1_000) return Math.floor(t.min / 2 + t.max / 2);
  return clamp(SAMPLE_INT_MAGNITUDES[i % SAMPLE_INT_MAGNITUDES.length], t.min, t.max);
}

function doubleOf(t: Extract<ShapeType, { kind: 'double' }>, i: number): number {
  const typical = 12.5 * (i + 1);
  if (t.min !== undefined && t.max !== undefined) return t.min / 2 + t.max / 2;
  if (t.min !== undefined) return t.min + typical;
  if (t.max !== undefined) return t.max - typical;
  return typical;
}

function countOf(i: number, minItems = 0, maxItems = Infinity): number {
  return clamp((i % 3) + 1, minItems, maxItems);
}

/** A value of the type: the i-th of the sample. */
export function sampleOfType(t: ShapeType, i: number): unknown {
  switch (t.kind) {
    case 'string':
      return stringOf(t, i);
    case 'uuid':
      return uuidOf(i);
    case 'datetime':
      return new Date(Date.UTC(2026, 0, 15, 10, 30, 0) + i * 3_600_000 + i * 123).toISOString();
    case 'date':
      return new Date(Date.UTC(2026, 0, 15 + i)).toISOString().slice(0, 10);
    case 'int':
      return intOf(t, i);
    case 'double':
      return doubleOf(t, i);
    case 'boolean':
      return i % 2 === 0;
    case 'enum':
      return t.values[i % t.values.length];
    case 'object':
      return sampleOfFields(t.fields, i);
    case 'array':
      return Array.from({ length: countOf(i, t.minItems, t.maxItems) }, (_, k) => sampleOfType(t.items, i + k));
    case 'record':
      return Object.fromEntries(Array.from({ length: countOf(i) }, (_, k) => [`key${k + 1}`, sampleOfType(t.values, i + k)]));
  }
}

function sampleOfFields(fields: readonly ShapeField[], i: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f.required || i % 2 === 0) out[f.name] = sampleOfType(f.type, i);
  return out;
}

/** The deterministic sample of a shape: `count` values (the same every call). */
export function sampleValues(shape: Shape, count: number = SIZE_SAMPLE_COUNT): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => sampleOfFields(shape.fields, i));
}

const utf8 = new TextEncoder();

/**
 * Encodes the sample with the codec and as JSON; `undefined` when the
 * contract accepts none of the values (its refinements go beyond its shape).
 */
export function measureSizeRatio(codec: Codec<unknown>, count: number = SIZE_SAMPLE_COUNT): SizeRatio | undefined {
  let protoBytes = 0;
  let jsonBytes = 0;
  let samples = 0;
  let rejected = 0;
  for (const v of sampleValues(codec.product.shape, count)) {
    const e = codec.encode(v);
    if (!e.ok || !e.bytes) {
      rejected++;
      continue;
    }
    samples++;
    protoBytes += e.bytes.length;
    jsonBytes += utf8.encode(JSON.stringify(v)).length;
  }
  if (!samples || !jsonBytes) return undefined;
  return { ratio: protoBytes / jsonBytes, protoBytes, jsonBytes, samples, rejected };
}
