/** fast-check arbitraries of values that satisfy a contract's Shape (filtered by the Zod schema by the caller). */
import fc from 'fast-check';
import type { Shape, ShapeField, ShapeType } from '../../contracts/schema/shape';

/** One UTF-16 unit or one astral code point, mostly ASCII. */
const unit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

function stringArb(t: Extract<ShapeType, { kind: 'string' }>): fc.Arbitrary<string> {
  if (t.format === 'email') {
    return fc.tuple(fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.stringMatching(/^[a-z]{1,12}$/)).map(([a, b]) => `${a}.x@${b}.example`);
  }
  const min = t.minLength ?? 0;
  const max = Math.min(t.maxLength ?? 40, 40);
  return fc.string({ unit, minLength: min, maxLength: max }).filter((s) => s.length >= min && s.length <= (t.maxLength ?? Infinity));
}

export function typeArb(t: ShapeType): fc.Arbitrary<unknown> {
  switch (t.kind) {
    case 'string':
      return stringArb(t);
    case 'uuid':
      return fc.tuple(fc.uuid(), fc.boolean()).map(([u, upper]) => (upper ? u.toUpperCase() : u));
    case 'datetime':
      return fc
        .tuple(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }), fc.constantFrom('', '123', '999999'))
        .map(([d, extra]) => d.toISOString().replace('Z', `${extra}Z`));
    case 'date':
      return fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'int':
      return fc.bigInt({ min: BigInt(t.min), max: BigInt(t.max) }).map(Number);
    case 'double':
      return fc.double({ min: t.min ?? -1e300, max: t.max ?? 1e300, noNaN: true, noDefaultInfinity: true, minExcluded: !!t.minExclusive, maxExcluded: !!t.maxExclusive });
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...t.values);
    case 'object':
      return objectArb(t.fields);
    case 'array':
      return fc.array(typeArb(t.items), { minLength: t.minItems ?? 0, maxLength: Math.min(t.maxItems ?? 4, 4) });
    case 'record':
      return fc.dictionary(fc.string({ unit, maxLength: 8 }), typeArb(t.values), { maxKeys: 3 });
  }
}

export function objectArb(fields: readonly ShapeField[]): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) model[f.name] = typeArb(f.type);
  return fc.record(model, { requiredKeys: fields.filter((f) => f.required).map((f) => f.name) }) as fc.Arbitrary<Record<string, unknown>>;
}

/** Values of a contract's shape. */
export function valueArb(shape: Shape): fc.Arbitrary<Record<string, unknown>> {
  return objectArb(shape.fields);
}
