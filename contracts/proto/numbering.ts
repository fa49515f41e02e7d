/**
 * Field numbers: every field (at every depth) and every enum value of a
 * contract gets a protobuf number once, and keeps it for the life of the
 * major version. Numbers are keyed by the contract's names (camelCase field
 * names, enum values as written), never by position, so reordering fields
 * keeps every number; a rename is a removal plus an addition. A removed field
 * or enum value stays in the numbering, marked `removed`, so that its number
 * and name are reserved in the proto and never reused.
 *
 * Pure: no files. The lock stores a {@link Numbering}; tests and a first lock
 * start from none.
 */
import type { Shape, ShapeField, ShapeType } from '../schema/shape';

/** The number of one enum value. */
export interface EnumValueNumber {
  readonly number: number;
  /** The value was in an earlier shape and is gone now: its number and name are reserved. @default false */
  readonly removed?: true;
}

/** The number of one field, with the numbers of its nested message or enum (arrays and records: of their element). */
export interface FieldNumber {
  readonly number: number;
  /** The field was in an earlier shape and is gone now: its number and name are reserved. @default false */
  readonly removed?: true;
  /** Numbers of the fields of the nested message (object, array of objects, record of objects). @default - not a message */
  readonly fields?: Readonly<Record<string, FieldNumber>>;
  /** Numbers of the enum values (enum, array of enums, record of enums). @default - not an enum */
  readonly values?: Readonly<Record<string, EnumValueNumber>>;
}

/** The numbers of a message's fields, by contract field name. */
export interface Numbering {
  readonly fields: Readonly<Record<string, FieldNumber>>;
}

/** Field numbers 19000–19999 are reserved by protobuf itself. */
export const PROTOBUF_RESERVED_FIRST = 19_000;
export const PROTOBUF_RESERVED_LAST = 19_999;
/** The largest field number protobuf allows (2^29 − 1). */
export const MAX_FIELD_NUMBER = 536_870_911;

/** The element type that carries a nested message or enum: arrays and records are unwrapped. */
export function elementOf(t: ShapeType): ShapeType {
  if (t.kind === 'array') return t.items;
  if (t.kind === 'record') return t.values;
  return t;
}

function nextFieldNumber(used: number): number {
  const n = used + 1;
  return n >= PROTOBUF_RESERVED_FIRST && n <= PROTOBUF_RESERVED_LAST ? PROTOBUF_RESERVED_LAST + 1 : n;
}

/**
 * Numbers `shape`, keeping every number of `prior` (an earlier numbering of
 * the same major version): known names keep their number, new names get the
 * next free number of their message or enum (never one used before, even by a
 * removed field), and names of `prior` that are gone are kept as `removed`.
 */
export function numberShape(shape: Shape, prior?: Numbering): Numbering {
  return { fields: numberFields(shape.fields, prior?.fields ?? {}) };
}

function numberFields(fields: readonly ShapeField[], prior: Readonly<Record<string, FieldNumber>>): Record<string, FieldNumber> {
  const out: Record<string, FieldNumber> = {};
  let max = 0;
  for (const p of Object.values(prior)) max = Math.max(max, p.number);
  const present = new Set(fields.map((f) => f.name));
  for (const f of fields) {
    const before = prior[f.name];
    let number: number;
    if (before) number = before.number;
    else {
      max = nextFieldNumber(max);
      number = max;
    }
    out[f.name] = withChildren(number, f.type, before);
  }
  // Removed fields keep their number (reserved), in number order after the present ones.
  for (const [name, p] of Object.entries(prior).sort((a, b) => a[1].number - b[1].number)) {
    if (!present.has(name)) out[name] = { ...p, removed: true };
  }
  return out;
}

function withChildren(number: number, type: ShapeType, before: FieldNumber | undefined): FieldNumber {
  const el = elementOf(type);
  const out: { number: number; fields?: Record<string, FieldNumber>; values?: Record<string, EnumValueNumber> } = { number };
  if (el.kind === 'object') out.fields = numberFields(el.fields, before?.fields ?? {});
  else if (before?.fields) out.fields = markAllRemoved(before.fields);
  if (el.kind === 'enum') out.values = numberValues(el.values, before?.values ?? {});
  else if (before?.values) out.values = markValuesRemoved(before.values);
  return out;
}

function markAllRemoved(fields: Readonly<Record<string, FieldNumber>>): Record<string, FieldNumber> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { ...v, removed: true as const }]));
}

function markValuesRemoved(values: Readonly<Record<string, EnumValueNumber>>): Record<string, EnumValueNumber> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { number: v.number, removed: true as const }]));
}

function numberValues(values: readonly string[], prior: Readonly<Record<string, EnumValueNumber>>): Record<string, EnumValueNumber> {
  const out: Record<string, EnumValueNumber> = {};
  let max = 0;
  for (const p of Object.values(prior)) max = Math.max(max, p.number);
  for (const v of values) {
    const before = prior[v];
    out[v] = { number: before ? before.number : ++max };
  }
  for (const [name, p] of Object.entries(prior).sort((a, b) => a[1].number - b[1].number)) {
    if (!values.includes(name)) out[name] = { number: p.number, removed: true };
  }
  return out;
}
