/**
 * Values generated from a contract's Shape (fast-check), and the normalised
 * form a sink table gives back. Generated values always pass the contract's
 * Zod schema (the tests assert it), including top-level spellings that the
 * table normalises: upper-case UUIDs, datetimes without a fraction.
 *
 * Nested values (objects, arrays, records → jsonb) are generated in the
 * codec's normal form (issue 4): the sink stores nested JSON as decoded.
 */
import fc from 'fast-check';
import type { Shape, ShapeField, ShapeType } from '../../contracts/schema/shape';

const MIN_DATE = new Date('0001-01-01T00:00:00.000Z');
const MAX_DATE = new Date('9999-12-31T23:59:59.999Z');

/** One code point: mostly BMP (no U+0000, no surrogates), sometimes beyond U+FFFF (two UTF-16 units). */
const codePoint = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 0xd7ff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xe000, max: 0xfffd }) },
  { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }) },
).map((cp) => String.fromCodePoint(cp));

function stringArb(min: number, max: number | undefined): fc.Arbitrary<string> {
  const cap = Math.min(max ?? 40, 40);
  // Lengths are UTF-16 units (Zod's .length); a code point beyond U+FFFF counts twice.
  return fc
    .array(codePoint, { minLength: Math.min(min, cap), maxLength: Math.max(Math.min(cap, max ?? cap), min) })
    .map((a) => a.join(''))
    .filter((s) => s.length >= min && (max === undefined || s.length <= max));
}

const isoDate = fc.date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true });

/** An arbitrary for one type. `top`: a top-level column (spelling variants allowed). */
export function arbitraryOf(t: ShapeType, top = false): fc.Arbitrary<unknown> {
  switch (t.kind) {
    case 'uuid':
      return top ? fc.tuple(fc.uuid(), fc.boolean()).map(([u, upper]) => (upper ? u.toUpperCase() : u)) : fc.uuid();
    case 'string':
      if (t.format === 'email') return fc.emailAddress().filter((e) => e.length <= (t.maxLength ?? Infinity) && e.length >= (t.minLength ?? 0));
      if (t.format) throw new Error(`no generator for string format ${t.format}`);
      return stringArb(t.minLength ?? 0, t.maxLength);
    case 'datetime':
      return top
        ? fc.tuple(isoDate, fc.boolean()).map(([d, short]) => {
            const iso = d.toISOString();
            return short && iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
          })
        : isoDate.map((d) => d.toISOString());
    case 'date':
      return isoDate.map((d) => d.toISOString().slice(0, 10));
    case 'int':
      return t.min >= -(2 ** 31) && t.max <= 2 ** 31 - 1
        ? fc.integer({ min: t.min, max: t.max })
        : fc.bigInt({ min: BigInt(t.min), max: BigInt(t.max) }).map(Number);
    case 'double':
      return fc.double({
        min: t.min ?? -Number.MAX_VALUE,
        max: t.max ?? Number.MAX_VALUE,
        minExcluded: !!t.minExclusive,
        maxExcluded: !!t.maxExclusive,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...t.values);
    case 'object':
      return objectArb(t.fields, false);
    case 'array':
      return fc.array(arbitraryOf(t.items), { minLength: t.minItems ?? 0, maxLength: Math.max(t.minItems ?? 0, Math.min(t.maxItems ?? 4, 4)) });
    case 'record':
      return fc.dictionary(stringArb(0, 12).filter((k) => k !== '__proto__'), arbitraryOf(t.values), { maxKeys: 3 });
  }
}

function objectArb(fields: readonly ShapeField[], top: boolean): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) model[f.name] = arbitraryOf(f.type, top);
  return fc.record(model, { requiredKeys: fields.filter((f) => f.required).map((f) => f.name) }) as fc.Arbitrary<Record<string, unknown>>;
}

/** Records of a contract. */
export function recordOf(shape: Shape): fc.Arbitrary<Record<string, unknown>> {
  return objectArb(shape.fields, true);
}

/** The normalised form a sink table gives back: UTC datetimes with ms, lower-case UUIDs, nested values as JSON (no -0). */
export function normalise(shape: Shape, value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of shape.fields) {
    const v = value[f.name];
    if (v === undefined) continue;
    switch (f.type.kind) {
      case 'datetime':
        out[f.name] = new Date(v as string).toISOString();
        break;
      case 'uuid':
        out[f.name] = (v as string).toLowerCase();
        break;
      case 'object':
      case 'array':
      case 'record':
        out[f.name] = JSON.parse(JSON.stringify(v));
        break;
      default:
        out[f.name] = v;
    }
  }
  return out;
}
