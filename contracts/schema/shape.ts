/**
 * The contract's shape: a plain, serializable description of a Zod object
 * schema, read with Zod's own introspection (`.shape`, `.options`,
 * `.minValue`, `.maxLength`, `.format`, `.unwrap()`). Every other artifact —
 * proto, SQL, record-size bounds, the evolution gate — is derived from this
 * shape, never from Zod directly, and locks store it.
 */
import type { z } from 'zod';

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

export type ShapeType =
  | { readonly kind: 'string'; readonly format?: string; readonly minLength?: number; readonly maxLength?: number }
  | { readonly kind: 'uuid' }
  | { readonly kind: 'datetime' }
  | { readonly kind: 'date' }
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  | { readonly kind: 'double'; readonly min?: number; readonly max?: number; readonly minExclusive?: boolean; readonly maxExclusive?: boolean }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'object'; readonly fields: readonly ShapeField[] }
  | { readonly kind: 'array'; readonly items: ShapeType; readonly minItems?: number; readonly maxItems?: number }
  | { readonly kind: 'record'; readonly values: ShapeType };

export interface ShapeField {
  readonly name: string;
  readonly required: boolean;
  readonly type: ShapeType;
}

/** An object shape: the root of every contract. */
export interface Shape {
  readonly fields: readonly ShapeField[];
}

/** A field that cannot be carried faithfully, with the fix. */
export interface ShapeProblem {
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

/** Field names are camelCase so that proto (snake_case) and back is exact. */
export const FIELD_NAME = /^[a-z][a-zA-Z0-9]*$/;
/** At most 48 characters, so the snake_case column name stays within Postgres's 63 bytes. */
export const FIELD_NAME_MAX = 48;
/** Enum values become UPPER_SNAKE_CASE proto values; they must map back exactly. */
export const ENUM_VALUE = /^[A-Za-z][A-Za-z0-9_]*$/;

type AnyZod = z.core.$ZodType & { _zod: { def: Record<string, unknown> & { type: string } } };

const UNSUPPORTED: Record<string, string> = {
  any: 'z.any() has no schema, so neither the proto nor the table can carry it; declare the field\'s real type',
  unknown: 'z.unknown() has no schema, so neither the proto nor the table can carry it; declare the field\'s real type',
  symbol: 'a symbol cannot be serialized; remove the field',
  promise: 'a promise is not data; declare the type of the value it resolves to',
  function: 'a function is not data; remove the field',
  pipe: 'a transform or pipe changes values while parsing, so consumers would read something other than the contract; keep the contract a plain schema and transform in the producer',
  transform: 'a transform changes values while parsing; keep the contract a plain schema and transform in the producer',
  nullable: 'null and absent cannot be told apart on the wire (proto3); use .optional() instead of .nullable()',
  default: 'a default is applied while parsing, so the wire would not say whether the producer sent the value; drop .default() and make the field .optional(), applying the default in the producer',
  prefault: 'a default is applied while parsing; drop it and make the field .optional()',
  catch: '.catch() hides invalid values; drop it',
  union: 'a union has no faithful mapping to proto3 or SQL; use a z.enum, or an object with optional fields',
  intersection: 'an intersection has no faithful mapping; merge the objects with .extend()',
  tuple: 'a tuple has no faithful mapping; use an object with named fields',
  date: 'a JavaScript Date does not survive JSON; use z.iso.datetime()',
  bigint: 'a bigint has no JSON form; use z.int() (a safe integer, carried as int64)',
  map: 'a Map does not survive JSON; use z.record(z.string(), …)',
  set: 'a Set does not survive JSON; use z.array(…)',
  lazy: 'a recursive schema has no bounded mapping; flatten it',
  literal: 'a literal has no faithful proto3 mapping; use z.enum([…]) with the value',
  null: 'null carries nothing; remove the field',
  undefined: 'undefined carries nothing; remove the field',
  void: 'void carries nothing; remove the field',
  never: 'never carries nothing; remove the field',
  nan: 'NaN carries nothing; remove the field',
  custom: 'a custom type has no schema; declare the field\'s real type',
  file: 'a file is not data the mesh can carry; store it elsewhere and send a reference (a URL string)',
  template_literal: 'a template literal has no proto3 mapping; use z.string() with a .regex()',
  readonly: 'declare the type without .readonly()',
  success: 'declare the field\'s real type',
  nonoptional: 'declare the field without .nonoptional()',
};

/** Reads a Zod object schema into a {@link Shape}, collecting every field that cannot be carried. */
export function shapeOf(schema: unknown): { shape: Shape; problems: ShapeProblem[] } {
  const problems: ShapeProblem[] = [];
  if (!isZod(schema) || schema._zod.def.type !== 'object') {
    problems.push({
      path: 'schema',
      message: `the schema must be a z.object({...}), got ${isZod(schema) ? `z.${schema._zod.def.type}` : typeof schema}.`,
      fix: 'declare the record as z.object({ field: z.string(), ... }).',
    });
    return { shape: { fields: [] }, problems };
  }
  const root = readType(schema, 'schema', problems);
  return { shape: { fields: root && root.kind === 'object' ? root.fields : [] }, problems };
}

function isZod(v: unknown): v is AnyZod {
  return typeof v === 'object' && v !== null && '_zod' in v && typeof (v as AnyZod)._zod?.def?.type === 'string';
}

interface Check {
  check: string;
  value?: number;
  inclusive?: boolean;
  maximum?: number;
  minimum?: number;
  length?: number;
}

function checksOf(t: AnyZod): Check[] {
  const checks = (t._zod.def.checks ?? []) as Array<{ _zod: { def: Check } }>;
  return checks.map((c) => c._zod.def);
}

function readType(t: AnyZod, path: string, problems: ShapeProblem[]): ShapeType | undefined {
  const def = t._zod.def;
  const type = def.type;
  const fail = (message: string, fix: string): undefined => {
    problems.push({ path, message, fix });
    return undefined;
  };
  switch (type) {
    case 'object': {
      const shape = (t as unknown as z.ZodObject).shape as Record<string, AnyZod>;
      const fields: ShapeField[] = [];
      for (const [name, child] of Object.entries(shape)) {
        const childPath = `${path}.${name}`;
        if (!FIELD_NAME.test(name) || name.length > FIELD_NAME_MAX) {
          problems.push({
            path: childPath,
            message: `field name "${name}" is not camelCase ASCII of at most ${FIELD_NAME_MAX} characters (${FIELD_NAME}).`,
            fix: `rename it, e.g. "${suggestFieldName(name)}"; proto and SQL names are derived from it.`,
          });
          continue;
        }
        if (toCamel(toSnake(name)) !== name) {
          problems.push({
            path: childPath,
            message: `field name "${name}" does not survive the trip to snake_case and back ("${toSnake(name)}" → "${toCamel(toSnake(name))}"), so protobuf's JSON names would differ from the contract.`,
            fix: `write acronyms as words, e.g. "${toCamel(toSnake(name))}".`,
          });
          continue;
        }
        let inner: AnyZod = child;
        let required = true;
        while (inner._zod.def.type === 'optional') {
          required = false;
          inner = inner._zod.def.innerType as AnyZod;
        }
        const ft = readType(inner, childPath, problems);
        if (ft) fields.push({ name, required, type: ft });
      }
      const snake = new Map<string, string>();
      for (const f of fields) {
        const s = toSnake(f.name);
        const other = snake.get(s);
        if (other) {
          problems.push({
            path: `${path}.${f.name}`,
            message: `fields "${other}" and "${f.name}" both become "${s}" in proto and SQL.`,
            fix: `rename one of them.`,
          });
        }
        snake.set(s, f.name);
      }
      return { kind: 'object', fields };
    }
    case 'string': {
      const format = def.format as string | undefined;
      if (format === 'uuid' || format === 'guid') return { kind: 'uuid' };
      if (format === 'datetime') return { kind: 'datetime' };
      if (format === 'date') return { kind: 'date' };
      const s = t as unknown as z.ZodString;
      const out: { kind: 'string'; format?: string; minLength?: number; maxLength?: number } = { kind: 'string' };
      if (format) out.format = format;
      if (typeof s.minLength === 'number' && s.minLength > 0) out.minLength = s.minLength;
      if (typeof s.maxLength === 'number') out.maxLength = s.maxLength;
      for (const c of checksOf(t)) if (c.check === 'length_equals' && typeof c.length === 'number') {
        out.minLength = c.length;
        out.maxLength = c.length;
      }
      return out;
    }
    case 'number': {
      const n = t as unknown as z.ZodNumber;
      const checks = checksOf(t);
      let min = Number.isFinite(n.minValue as number) ? (n.minValue as number) : undefined;
      let max = Number.isFinite(n.maxValue as number) ? (n.maxValue as number) : undefined;
      const minExclusive = checks.some((c) => c.check === 'greater_than' && c.value === min && c.inclusive === false);
      const maxExclusive = checks.some((c) => c.check === 'less_than' && c.value === max && c.inclusive === false);
      if (n.isInt || def.format === 'safeint' || def.format === 'int32' || def.format === 'uint32') {
        if (min !== undefined) min = minExclusive ? Math.floor(min) + 1 : Math.ceil(min);
        if (max !== undefined) max = maxExclusive ? Math.ceil(max) - 1 : Math.floor(max);
        return {
          kind: 'int',
          min: Math.max(min ?? Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
          max: Math.min(max ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
        };
      }
      if (def.format === 'float32') {
        return fail('a 32-bit float (z.float32()) rounds values.', 'use z.number(), carried as a double.');
      }
      const out: { kind: 'double'; min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean } = { kind: 'double' };
      if (min !== undefined) out.min = min;
      if (max !== undefined) out.max = max;
      if (min !== undefined && minExclusive) out.minExclusive = true;
      if (max !== undefined && maxExclusive) out.maxExclusive = true;
      return out;
    }
    case 'boolean':
      return { kind: 'boolean' };
    case 'enum': {
      const values = (t as unknown as z.ZodEnum).options as unknown[];
      if (!values.every((v): v is string => typeof v === 'string')) {
        return fail('a numeric enum has no faithful mapping.', 'use string values: z.enum(["A", "B"]).');
      }
      const bad = values.filter((v) => !ENUM_VALUE.test(v));
      if (bad.length) {
        return fail(
          `enum value(s) ${bad.map((v) => JSON.stringify(v)).join(', ')} are not identifiers (${ENUM_VALUE}).`,
          'use values of letters, digits and underscores that start with a letter, e.g. "CARD_PRESENT".',
        );
      }
      const upper = new Map<string, string>();
      for (const v of values) {
        const u = toUpperSnake(v);
        const other = upper.get(u);
        if (other !== undefined) {
          return fail(`enum values "${other}" and "${v}" both become ${u} in proto.`, 'rename one of them.');
        }
        upper.set(u, v);
      }
      return { kind: 'enum', values: [...values] };
    }
    case 'array': {
      const el = def.element as AnyZod;
      const elType = el._zod.def.type;
      if (elType === 'optional') return fail('an array of optional items has no proto3 mapping.', 'make the items required.');
      const items = readType(el, `${path}[]`, problems);
      if (!items) return undefined;
      if (items.kind === 'array' || items.kind === 'record') {
        return fail(`an array of ${items.kind === 'array' ? 'arrays' : 'records'} has no proto3 mapping.`, 'wrap the inner value in a z.object({...}).');
      }
      const out: { kind: 'array'; items: ShapeType; minItems?: number; maxItems?: number } = { kind: 'array', items };
      for (const c of checksOf(t)) {
        if (c.check === 'max_length' && typeof c.maximum === 'number') out.maxItems = c.maximum;
        if (c.check === 'min_length' && typeof c.minimum === 'number' && c.minimum > 0) out.minItems = c.minimum;
        if (c.check === 'length_equals' && typeof c.length === 'number') {
          out.minItems = c.length;
          out.maxItems = c.length;
        }
      }
      return out;
    }
    case 'record': {
      const keyType = def.keyType as AnyZod;
      if (keyType._zod.def.type !== 'string' || keyType._zod.def.format) {
        return fail('record keys must be plain strings (proto3 map<string, V>).', 'use z.record(z.string(), …).');
      }
      const v = def.valueType as AnyZod;
      if (v._zod.def.type === 'optional') return fail('a record of optional values has no proto3 mapping.', 'make the values required.');
      const values = readType(v, `${path}{}`, problems);
      if (!values) return undefined;
      if (values.kind === 'array' || values.kind === 'record') {
        return fail(`a record of ${values.kind === 'array' ? 'arrays' : 'records'} has no proto3 mapping.`, 'wrap the inner value in a z.object({...}).');
      }
      return { kind: 'record', values };
    }
    case 'optional':
      return fail('an optional value is only allowed as an object field.', 'make the value required.');
    default: {
      const reason = UNSUPPORTED[type] ?? `z.${type}() has no faithful mapping to proto3 and SQL`;
      return fail(`cannot be carried: ${reason}.`, fixFor(type));
    }
  }
}

function fixFor(type: string): string {
  switch (type) {
    case 'nullable':
      return 'replace .nullable() by .optional().';
    case 'date':
      return 'use z.iso.datetime().';
    case 'pipe':
    case 'transform':
      return 'remove the .transform()/.pipe() from the contract.';
    default:
      return 'declare the field with a supported type (string, uuid, iso datetime/date, int, number, boolean, enum, object, array, record); see the type table in docs/protobuf-and-evolution.md.';
  }
}

/** camelCase → snake_case (the one rule used for proto fields and SQL columns). */
export function toSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

/** snake_case → lowerCamelCase, as protobuf's JSON mapping does. */
export function toCamel(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** An enum value → UPPER_SNAKE_CASE. */
export function toUpperSnake(value: string): string {
  return toSnake(value).toUpperCase();
}

function suggestFieldName(name: string): string {
  const parts = name.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(/\s+/).filter(Boolean);
  if (!parts.length) return 'fieldName';
  const camel = parts.map((p, i) => (i === 0 ? p.charAt(0).toLowerCase() + p.slice(1) : p.charAt(0).toUpperCase() + p.slice(1))).join('');
  return /^[a-z]/.test(camel) ? camel.slice(0, FIELD_NAME_MAX) : `f${camel}`.slice(0, FIELD_NAME_MAX);
}

/** Looks up a top-level field. */
export function fieldOf(shape: Shape, name: string): ShapeField | undefined {
  return shape.fields.find((f) => f.name === name);
}
