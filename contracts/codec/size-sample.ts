/**
 * The protobuf/JSON size ratio of a product, measured at synth on a small,
 * deterministic sample of values built from its {@link Shape} (no randomness,
 * no fast-check): bounded strings at typical lengths, ints and doubles of
 * typical magnitude within their bounds, enum values cycled, arrays and maps
 * of 1–3 items, optional fields present in even samples and absent in odd
 * ones. Each value is encoded with the real codec (the product's locked field
 * numbers) and with `JSON.stringify` (UTF-8 bytes). Pure and cheap: a few
 * values per product.
 *
 * Every string format gets values of its own (e-mail addresses, URLs, IPs, ULIDs, …, and a UUID of the version
 * the field asks for): with the contract's Zod schema at hand, each string leaf takes the first candidate its own
 * schema accepts. A contract that still refuses a sample value (a `.regex()` or refinement the shape does not
 * describe) is reported as not measured — never as a ratio over the values that happened to pass.
 */
import type { z } from 'zod';
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
  /** Values measured (every value of the sample). */
  readonly samples: number;
  /** Values the contract rejected: always 0 (a product with a rejected value is not measured). */
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

/** A string of about `length` characters: `prefix`, letters, then `suffix`. */
function fitted(prefix: string, suffix: string, length: number, i: number): string {
  return `${prefix}${letters(Math.max(1, length - prefix.length - suffix.length), i)}${suffix}`;
}

/** Fixed examples of Zod's string formats, valid under their default options. */
const FORMAT_EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  emoji: ['😀'],
  nanoid: ['V1StGXR8_Z5jdHi6B-myT'],
  cuid: ['cjld2cjxh0000qzrmn831i7rn'],
  cuid2: ['tz4a98xxat96iws9zmbrgj3a'],
  ulid: ['01ARZ3NDEKTSV4RRFFQ69G5FAV'],
  xid: ['9m4e2mr0ui3e8a215n4g'],
  ksuid: ['0ujtsYcgvSTl8PAuAdqWYSMnLOv'],
  ipv4: ['192.168.10.1'],
  ipv6: ['2001:db8:85a3::8a2e:370:7334'],
  mac: ['00:1a:2b:3c:4d:5e'],
  cidrv4: ['10.0.0.0/8'],
  cidrv6: ['2001:db8::/32'],
  base64: ['aGVsbG8gd29ybGQ='],
  base64url: ['aGVsbG8gd29ybGQ'],
  e164: ['+14155550123'],
  jwt: ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
  hex: ['deadbeef0123'],
  hostname: ['api.example.com'],
  time: ['10:30:00'],
  duration: ['P1DT2H'],
  lowercase: ['lowercase'],
  uppercase: ['UPPERCASE'],
};

/** Candidate values of a string leaf, the most typical first. */
function stringCandidates(t: Extract<ShapeType, { kind: 'string' }>, i: number): string[] {
  const min = t.minLength ?? 0;
  const max = t.maxLength ?? Infinity;
  const length = clamp(SAMPLE_STRING_LENGTHS[i % SAMPLE_STRING_LENGTHS.length], min, max);
  switch (t.format) {
    case 'email':
      return [fitted('', '@example.com', length, i), fitted('', '@ex.io', length, i), `${letters(1, i)}@ex.io`];
    case 'url':
    case 'httpurl':
      return [fitted('https://example.com/', '', length, i), fitted('https://ex.io/', '', length, i), 'https://ex.io'];
    case undefined:
      return [letters(length, i), letters(length, i).toUpperCase(), '7'.repeat(length)];
    default: {
      const hash = /^(md5|sha1|sha256|sha384|sha512)_(hex|base64|base64url)$/.exec(t.format);
      if (hash) {
        const bytes = { md5: 16, sha1: 20, sha256: 32, sha384: 48, sha512: 64 }[hash[1] as 'md5'];
        const raw = Buffer.alloc(bytes, 0xab);
        return [hash[2] === 'hex' ? raw.toString('hex') : raw.toString(hash[2] as 'base64')];
      }
      return [...(FORMAT_EXAMPLES[t.format] ?? []), letters(length, i)];
    }
  }
}

/** The first candidate the leaf's own Zod schema accepts (the first, when there is no schema or none passes). */
function pick(candidates: readonly string[], schema: z.ZodType | undefined): string {
  if (schema) for (const c of candidates) if (schema.safeParse(c).success) return c;
  return candidates[0];
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

/** A UUID in the i-th sample's digits, of version `version` (variant 8). */
function uuidVersion(i: number, version: number): string {
  const u = uuidOf(i);
  return `${u.slice(0, 14)}${version}${u.slice(15)}`;
}

type AnyZod = z.ZodType & { _zod: { def: Record<string, unknown> & { type: string } } };

/** The Zod schema of a field's value (`.optional()` unwrapped), or of an array's items / a record's values. */
function child(schema: AnyZod | undefined, part: { field: string } | 'items' | 'values'): AnyZod | undefined {
  let s = schema;
  while (s && s._zod.def.type === 'optional') s = s._zod.def.innerType as AnyZod;
  if (!s) return undefined;
  if (part === 'items') return s._zod.def.element as AnyZod | undefined;
  if (part === 'values') return s._zod.def.valueType as AnyZod | undefined;
  let f = (s._zod.def.shape as Record<string, AnyZod> | undefined)?.[part.field];
  while (f && f._zod.def.type === 'optional') f = f._zod.def.innerType as AnyZod;
  return f;
}

/** A value of the type: the i-th of the sample. With the type's Zod schema, string leaves take a value it accepts. */
export function sampleOfType(t: ShapeType, i: number, schema?: z.ZodType): unknown {
  const zod = schema as AnyZod | undefined;
  switch (t.kind) {
    case 'string':
      return pick(stringCandidates(t, i), zod);
    case 'uuid':
      return pick([uuidOf(i), ...[1, 2, 3, 5, 6, 7, 8].map((v) => uuidVersion(i, v)), '00000000-0000-0000-0000-000000000000'], zod);
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
      return sampleOfFields(t.fields, i, zod);
    case 'array':
      return Array.from({ length: countOf(i, t.minItems, t.maxItems) }, (_, k) => sampleOfType(t.items, i + k, child(zod, 'items')));
    case 'record':
      return Object.fromEntries(Array.from({ length: countOf(i) }, (_, k) => [`key${k + 1}`, sampleOfType(t.values, i + k, child(zod, 'values'))]));
  }
}

function sampleOfFields(fields: readonly ShapeField[], i: number, schema?: AnyZod): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f.required || i % 2 === 0) out[f.name] = sampleOfType(f.type, i, child(schema, { field: f.name }));
  return out;
}

/** The deterministic sample of a shape: `count` values (the same every call); with the contract's schema, string formats fit it. */
export function sampleValues(shape: Shape, count: number = SIZE_SAMPLE_COUNT, schema?: z.ZodObject): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => sampleOfFields(shape.fields, i, schema as AnyZod | undefined));
}

const utf8 = new TextEncoder();

/**
 * Encodes the sample with the codec and as JSON; `undefined` (not measured) when the contract refuses any of the
 * values — its refinements go beyond what the shape describes — rather than a ratio over part of the sample.
 */
export function measureSizeRatio(codec: Codec<unknown>, count: number = SIZE_SAMPLE_COUNT): SizeRatio | undefined {
  let protoBytes = 0;
  let jsonBytes = 0;
  for (const v of sampleValues(codec.product.shape, count, codec.schema)) {
    const e = codec.encode(v);
    if (!e.ok || !e.bytes) return undefined;
    protoBytes += e.bytes.length;
    jsonBytes += utf8.encode(JSON.stringify(v)).length;
  }
  if (!jsonBytes) return undefined;
  return { ratio: protoBytes / jsonBytes, protoBytes, jsonBytes, samples: count, rejected: 0 };
}
