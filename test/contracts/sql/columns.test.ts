import { z } from '../../../contracts/index';
import { shapeOf } from '../../../contracts/schema/shape';
import { checkSql, columnOf, typeChangeProblem, widerCheck } from '../../../contracts/sql/columns';

const field = (schema: z.ZodType, required = true) => {
  const { shape, problems } = shapeOf(z.object({ someField: required ? schema : schema.optional() }));
  expect(problems).toEqual([]);
  return columnOf(shape.fields[0]);
};

describe('column mapping', () => {
  it.each([
    ['z.uuid()', z.uuid(), 'uuid', undefined],
    ['z.string().max(64)', z.string().max(64), 'varchar(64)', undefined],
    ['z.string()', z.string(), 'text', undefined],
    ['z.string().min(1).max(32)', z.string().min(1).max(32), 'varchar(32)', `"some_field" <> ''`],
    ['z.string().length(2)', z.string().length(2), 'varchar(2)', /char_length\("some_field"\) \+ .* >= 2/],
    ['z.int().min(1).max(1000)', z.int().min(1).max(1000), 'integer', '"some_field" BETWEEN 1 AND 1000'],
    ['z.int32()', z.int32(), 'integer', undefined],
    ['z.int().nonnegative()', z.int().nonnegative(), 'bigint', '"some_field" BETWEEN 0 AND 9007199254740991'],
    ['z.number()', z.number(), 'double precision', `"some_field" > '-Infinity' AND "some_field" < 'Infinity'`],
    ['z.number().min(-90).max(90)', z.number().min(-90).max(90), 'double precision', '"some_field" >= -90 AND "some_field" <= 90'],
    ['z.number().gt(0).lt(0.5)', z.number().gt(0).lt(0.5), 'double precision', '"some_field" > 0 AND "some_field" < 0.5::double precision'],
    ['z.boolean()', z.boolean(), 'boolean', undefined],
    ['z.enum([A, B])', z.enum(['A', 'B']), 'text', `"some_field" IN ('A', 'B')`],
    ['z.iso.datetime()', z.iso.datetime(), 'timestamptz', undefined],
    ['z.iso.date()', z.iso.date(), 'date', undefined],
    ['z.object({...})', z.object({ a: z.string() }), 'jsonb', undefined],
    ['z.array(...)', z.array(z.string()), 'jsonb', undefined],
    ['z.record(...)', z.record(z.string(), z.int()), 'jsonb', undefined],
  ])('%s → %s', (_name, schema, type, check) => {
    const c = field(schema as z.ZodType);
    expect(c.name).toBe('some_field');
    expect(c.type).toBe(type);
    expect(c.notNull).toBe(true);
    if (check === undefined) expect(c.check).toBeUndefined();
    else expect(checkSql(c.name, c.check!)).toEqual(typeof check === 'string' ? check : expect.stringMatching(check));
  });

  it('makes optional fields nullable', () => {
    expect(field(z.uuid(), false).notNull).toBe(false);
  });
});

describe('widening', () => {
  it('merges enum values, keeping the old ones first', () => {
    expect(widerCheck({ kind: 'enum', values: ['A', 'B'] }, { kind: 'enum', values: ['B', 'C'] })).toEqual({ kind: 'enum', values: ['A', 'B', 'C'] });
  });
  it('takes the wider bounds', () => {
    expect(widerCheck({ kind: 'int', min: 0, max: 10 }, { kind: 'int', min: 5, max: 20 })).toEqual({ kind: 'int', min: 0, max: 20 });
    expect(widerCheck({ kind: 'double', min: 0, minExclusive: true, max: 1 }, { kind: 'double', min: 0, max: 2 })).toEqual({ kind: 'double', min: 0, max: 2 });
  });
  it('drops the check when one side is unbounded', () => {
    expect(widerCheck({ kind: 'double', min: 0 }, { kind: 'double' })).toEqual({ kind: 'double' });
    expect(widerCheck({ kind: 'int', min: 0, max: 1 }, undefined)).toBeUndefined();
  });
  it('keeps a wider column for a narrower contract', () => {
    expect(typeChangeProblem('varchar(64)', 'varchar(32)')).toBeUndefined();
    expect(typeChangeProblem('text', 'varchar(32)')).toBeUndefined();
    expect(typeChangeProblem('bigint', 'integer')).toBeUndefined();
  });
  it.each([
    ['varchar(32)', 'varchar(64)'],
    ['varchar(32)', 'text'],
    ['integer', 'bigint'],
    ['bigint', 'text'],
    ['uuid', 'text'],
  ])('fails if %s would have to become %s', (from, to) => {
    expect(typeChangeProblem(from, to)).toBe(`column type ${from} would have to become ${to}`);
  });
});
