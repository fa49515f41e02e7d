/**
 * Zod → proto3, step one: a contract's {@link Shape} and its field numbers
 * become protobufjs reflection types (one top-level message named after the
 * product, nested messages and enums inside it). The mapping is docs/protobuf-and-evolution.md's
 * table; every rule is here:
 *
 * | contract (Shape)          | proto3                                              |
 * |---------------------------|-----------------------------------------------------|
 * | string, email, url, …     | `string`                                            |
 * | uuid                      | `string` (lower-case canonical form)                |
 * | iso datetime              | `google.protobuf.Timestamp`                         |
 * | iso date                  | `string` (`YYYY-MM-DD`)                             |
 * | int within int32 bounds   | `int32`                                             |
 * | int beyond int32 bounds   | `int64`                                             |
 * | number (not integer)      | `double`                                            |
 * | boolean                   | `bool`                                              |
 * | enum                      | nested `enum <Field>` with `<FIELD>_UNSPECIFIED = 0` and `<FIELD>_<VALUE>` values |
 * | object                    | nested `message <Field>`                            |
 * | array of T                | `repeated T`                                        |
 * | record of string → T      | `map<string, T>` (absent = empty)                   |
 * | `.optional()` (non-array, non-record) | `optional T`                            |
 *
 * Field names are snake_case (`toSnake`), whose JSON name is the contract's
 * camelCase name again. Removed fields and enum values are `reserved` by
 * number and name.
 */
import * as protobuf from 'protobufjs';
import { protoMessage, protoPackage } from '../derive/names';
import { INT32_MAX, INT32_MIN, toSnake, toUpperSnake, type Shape, type ShapeField, type ShapeType } from '../schema/shape';
import { elementOf, numberShape, type EnumValueNumber, type FieldNumber, type Numbering } from './numbering';

/** What the proto generator needs of a product. */
export interface ProtoSubject {
  readonly domain: string;
  readonly name: string;
  readonly version: number;
  readonly shape: Shape;
}

/** A field the mapping cannot carry (e.g. two enum values that would print the same), with the fix. */
export interface ProtoProblem {
  readonly field: string;
  readonly message: string;
  readonly fix: string;
}

export const TIMESTAMP_TYPE = 'google.protobuf.Timestamp';
export const TIMESTAMP_IMPORT = 'google/protobuf/timestamp.proto';

type FieldJson = { type: string; id: number; rule?: 'repeated'; keyType?: string; options?: Record<string, unknown> };
interface TypeJson {
  fields: Record<string, FieldJson>;
  oneofs?: Record<string, { oneof: string[] }>;
  reserved?: Array<[number, number] | string>;
  nested?: Record<string, TypeJson | EnumJson>;
}
interface EnumJson {
  values: Record<string, number>;
  reserved?: Array<[number, number] | string>;
}

/** The proto type name of a nested message or enum made for a field: the field name in PascalCase. */
export function nestedTypeName(field: string): string {
  return field.charAt(0).toUpperCase() + field.slice(1);
}

/** The prefix of an enum's values: its type name in UPPER_SNAKE_CASE (buf's ENUM_VALUE_PREFIX). */
export function enumValuePrefix(enumTypeName: string): string {
  return toUpperSnake(enumTypeName);
}

/** The proto name of an enum value: `<ENUM>_<VALUE>` in UPPER_SNAKE_CASE. */
export function enumValueName(enumTypeName: string, value: string): string {
  return `${enumValuePrefix(enumTypeName)}_${toUpperSnake(value)}`;
}

/** The zero value every enum starts with: `<ENUM>_UNSPECIFIED = 0`. */
export function enumZeroName(enumTypeName: string): string {
  return `${enumValuePrefix(enumTypeName)}_UNSPECIFIED`;
}

/** The scalar proto type of a leaf, or undefined for enum/object (nested types) and array/record. */
export function scalarProtoType(t: ShapeType): string | undefined {
  switch (t.kind) {
    case 'string':
    case 'uuid':
    case 'date':
      return 'string';
    case 'datetime':
      return TIMESTAMP_TYPE;
    case 'int':
      return t.min >= INT32_MIN && t.max <= INT32_MAX ? 'int32' : 'int64';
    case 'double':
      return 'double';
    case 'boolean':
      return 'bool';
    default:
      return undefined;
  }
}

/**
 * The protobufjs JSON of the product's top-level message (to pass to
 * `Type.fromJSON(name, { ...json, edition: 'proto3' })`), and any problem.
 * Without `numbering`, numbers are assigned afresh (a first lock).
 */
export function protoMessageJson(subject: ProtoSubject, numbering?: Numbering): { name: string; json: TypeJson; problems: ProtoProblem[] } {
  const problems: ProtoProblem[] = [];
  const numbers = numbering ?? numberShape(subject.shape);
  const json = messageJson(subject.shape.fields, numbers.fields, 'schema', problems);
  return { name: protoMessage(subject.name), json, problems };
}

function messageJson(fields: readonly ShapeField[], numbers: Readonly<Record<string, FieldNumber>>, path: string, problems: ProtoProblem[]): TypeJson {
  const out: TypeJson = { fields: {} };
  const nested: Record<string, TypeJson | EnumJson> = {};
  const enumValueOwners = new Map<string, string>();
  for (const f of fields) {
    const n = numbers[f.name];
    const fieldPath = `${path}.${f.name}`;
    if (!n || n.removed) {
      problems.push({ field: fieldPath, message: `the field has no number in the lock.`, fix: 'run `npm run contracts:lock` to number it.' });
      continue;
    }
    const el = elementOf(f.type);
    let type = scalarProtoType(el);
    if (el.kind === 'object') {
      type = nestedTypeName(f.name);
      nested[type] = messageJson(el.fields, n.fields ?? {}, f.type.kind === 'object' ? fieldPath : `${fieldPath}[]`, problems);
    } else if (el.kind === 'enum') {
      type = nestedTypeName(f.name);
      const e = enumJson(type, el.values, n.values ?? {}, fieldPath, problems);
      for (const v of Object.keys(e.values)) {
        const other = enumValueOwners.get(v);
        if (other) {
          problems.push({
            field: fieldPath,
            message: `enum value ${v} of "${f.name}" is also a value of "${other}"; proto enum values share their message's scope.`,
            fix: `rename the field "${f.name}" or the value.`,
          });
        }
        enumValueOwners.set(v, f.name);
      }
      nested[type] = e;
    }
    if (!type) continue; // arrays of arrays etc. are rejected by the shape reader
    const snake = toSnake(f.name);
    const field: FieldJson = { type, id: n.number };
    if (f.type.kind === 'array') field.rule = 'repeated';
    else if (f.type.kind === 'record') field.keyType = 'string';
    else if (!f.required) {
      field.options = { proto3_optional: true };
      (out.oneofs ??= {})[`_${snake}`] = { oneof: [snake] };
    }
    out.fields[snake] = field;
  }
  const removed = Object.entries(numbers).filter(([, n]) => n.removed).sort((a, b) => a[1].number - b[1].number);
  if (removed.length) out.reserved = [...removed.map(([, n]) => [n.number, n.number] as [number, number]), ...removed.map(([name]) => toSnake(name))];
  if (Object.keys(nested).length) out.nested = nested;
  return out;
}

function enumJson(typeName: string, values: readonly string[], numbers: Readonly<Record<string, EnumValueNumber>>, path: string, problems: ProtoProblem[]): EnumJson {
  const out: EnumJson = { values: { [enumZeroName(typeName)]: 0 } };
  for (const v of values) {
    const n = numbers[v];
    if (!n || n.removed) {
      problems.push({ field: path, message: `enum value "${v}" has no number in the lock.`, fix: 'run `npm run contracts:lock` to number it.' });
      continue;
    }
    const name = enumValueName(typeName, v);
    if (name === enumZeroName(typeName)) {
      problems.push({ field: path, message: `enum value "${v}" becomes ${name}, the reserved zero value.`, fix: 'rename the value; UNSPECIFIED is what proto3 reads when no value was sent.' });
      continue;
    }
    out.values[name] = n.number;
  }
  const removed = Object.entries(numbers).filter(([, n]) => n.removed).sort((a, b) => a[1].number - b[1].number);
  if (removed.length) out.reserved = [...removed.map(([, n]) => [n.number, n.number] as [number, number]), ...removed.map(([v]) => enumValueName(typeName, v))];
  return out;
}

/** The Timestamp type, from protobufjs's bundled well-known types. */
function timestampJson(): protobuf.INamespace {
  const common = (protobuf as unknown as { common: { get(file: string): protobuf.INamespace | null } }).common;
  const ts = common.get(TIMESTAMP_IMPORT);
  if (!ts) throw new Error(`protobufjs does not bundle ${TIMESTAMP_IMPORT}`);
  return ts;
}

/**
 * A resolved protobufjs root holding the product's message in its package
 * (and google.protobuf.Timestamp), ready to encode and decode.
 */
export function buildProtoRoot(subject: ProtoSubject, numbering?: Numbering): { root: protobuf.Root; type: protobuf.Type; problems: ProtoProblem[] } {
  const { name, json, problems } = protoMessageJson(subject, numbering);
  const root = new protobuf.Root();
  root.addJSON(timestampJson().nested ?? {});
  const pkg = root.define(protoPackage(subject.domain, subject.name, subject.version));
  const type = protobuf.Type.fromJSON(name, { ...json, edition: 'proto3' } as unknown as protobuf.IType);
  pkg.add(type);
  root.resolveAll();
  return { root, type, problems };
}
