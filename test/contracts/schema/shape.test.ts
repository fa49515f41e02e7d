import { z } from 'zod';
import { shapeOf, toCamel, toSnake, toUpperSnake } from '../../../contracts/schema/shape';

const one = (t: z.ZodType) => shapeOf(z.object({ f: t }));

describe('shapeOf', () => {
  it('reads every supported type with its bounds', () => {
    const { shape, problems } = shapeOf(
      z.object({
        id: z.uuid(),
        at: z.iso.datetime(),
        day: z.iso.date(),
        name: z.string().min(1).max(64),
        code: z.string().length(2),
        email: z.email(),
        count: z.int().nonnegative(),
        small: z.int().min(-5).max(5),
        positive: z.int().positive(),
        ratio: z.number().min(0).max(1),
        ok: z.boolean(),
        status: z.enum(['A', 'B']),
        nested: z.object({ x: z.int32() }),
        tags: z.array(z.string().max(8)).max(3),
        attrs: z.record(z.string(), z.string()).optional(),
      }),
    );
    expect(problems).toEqual([]);
    const t = Object.fromEntries(shape.fields.map((f) => [f.name, f.type]));
    expect(t.id).toEqual({ kind: 'uuid' });
    expect(t.at).toEqual({ kind: 'datetime' });
    expect(t.day).toEqual({ kind: 'date' });
    expect(t.name).toEqual({ kind: 'string', minLength: 1, maxLength: 64 });
    expect(t.code).toEqual({ kind: 'string', minLength: 2, maxLength: 2 });
    expect(t.email).toEqual({ kind: 'string', format: 'email' });
    expect(t.count).toEqual({ kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER });
    expect(t.small).toEqual({ kind: 'int', min: -5, max: 5 });
    expect(t.positive).toEqual({ kind: 'int', min: 1, max: Number.MAX_SAFE_INTEGER });
    expect(t.ratio).toEqual({ kind: 'double', min: 0, max: 1 });
    expect(t.ok).toEqual({ kind: 'boolean' });
    expect(t.status).toEqual({ kind: 'enum', values: ['A', 'B'] });
    expect(t.nested).toEqual({ kind: 'object', fields: [{ name: 'x', required: true, type: { kind: 'int', min: -2147483648, max: 2147483647 } }] });
    expect(t.tags).toEqual({ kind: 'array', items: { kind: 'string', maxLength: 8 }, maxItems: 3 });
    expect(t.attrs).toEqual({ kind: 'record', values: { kind: 'string' } });
    expect(shape.fields.find((f) => f.name === 'attrs')?.required).toBe(false);
    expect(shape.fields.find((f) => f.name === 'id')?.required).toBe(true);
  });

  it.each([
    ['z.any()', z.any(), /z\.any\(\) has no schema/],
    ['z.unknown()', z.unknown(), /z\.unknown\(\) has no schema/],
    ['z.symbol()', z.symbol(), /symbol cannot be serialized/],
    ['z.promise()', z.promise(z.string()), /promise is not data/],
    ['z.function()', z.function() as unknown as z.ZodType, /function is not data/],
    ['a transform', z.string().transform((s) => s.length), /transform or pipe/],
    ['.nullable()', z.string().nullable(), /\.optional\(\) instead of \.nullable\(\)/],
    ['.default()', z.string().default('x'), /default is applied while parsing/],
    ['a union', z.union([z.string(), z.int()]), /union has no faithful mapping/],
    ['z.date()', z.date(), /use z\.iso\.datetime\(\)/],
    ['z.bigint()', z.bigint(), /bigint has no JSON form/],
    ['an array of arrays', z.array(z.array(z.string())), /array of arrays/],
    ['a record of arrays', z.record(z.string(), z.array(z.string())), /record of arrays/],
    ['a record with enum keys', z.record(z.enum(['a']), z.string()), /record keys must be plain strings/],
  ])('fails if a field is %s, naming the field', (_label, type, message) => {
    const { problems } = one(type as z.ZodType);
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe('schema.f');
    expect(problems[0].message).toMatch(message);
    expect(problems[0].fix.length).toBeGreaterThan(5);
  });

  it('names the nested path of a bad field and keeps reading the others', () => {
    const { problems } = shapeOf(z.object({ a: z.object({ b: z.array(z.object({ c: z.any() })) }), d: z.symbol() }));
    expect(problems.map((p) => p.path)).toEqual(['schema.a.b[].c', 'schema.d']);
  });

  it('fails if a field name is not camelCase or does not survive snake_case and back', () => {
    const { problems } = shapeOf(z.object({ 'order-id': z.string(), userID: z.string(), ok: z.string() }));
    expect(problems.map((p) => p.path)).toEqual(['schema.order-id', 'schema.userID']);
    expect(problems[0].fix).toMatch(/orderId/);
    expect(problems[1].fix).toMatch(/userId/);
  });

  it('fails if two enum values become the same proto value', () => {
    const { problems } = one(z.enum(['cardPresent', 'CARD_PRESENT']));
    expect(problems[0].message).toMatch(/both become CARD_PRESENT/);
  });

  it('fails if the schema is not an object', () => {
    expect(shapeOf(z.string()).problems[0]).toMatchObject({ path: 'schema', message: expect.stringMatching(/must be a z\.object/) });
    expect(shapeOf('nope').problems[0].path).toBe('schema');
  });

  it('converts names by one rule each way', () => {
    expect(toSnake('amountMinor')).toBe('amount_minor');
    expect(toSnake('line2Address')).toBe('line2_address');
    expect(toCamel('amount_minor')).toBe('amountMinor');
    expect(toUpperSnake('cardPresent')).toBe('CARD_PRESENT');
    expect(toUpperSnake('AUTHORIZED')).toBe('AUTHORIZED');
  });
});
