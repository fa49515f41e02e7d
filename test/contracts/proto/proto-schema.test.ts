/** The Zod → proto3 mapping, rule by rule. */
import { z } from '../../../contracts/index';
import { numberShape } from '../../../contracts/proto/numbering';
import { generateProto } from '../../../contracts/proto/print-proto';
import { buildProtoRoot, enumValueName, scalarProtoType } from '../../../contracts/proto/proto-schema';
import { shapeOf, toCamel } from '../../../contracts/schema/shape';
import { compiled } from '../../helpers';

function protoOf(schema: z.ZodObject, prior?: z.ZodObject): string {
  const p = compiled({ schema, key: Object.keys(schema.shape)[0] });
  const numbering = prior ? numberShape(p.shape, numberShape(shapeOf(prior).shape)) : undefined;
  const r = generateProto(p, numbering);
  if (!r.proto) throw new Error(JSON.stringify(r.problems));
  return r.proto.text;
}

/** The line of a field in the printed proto. */
function line(text: string, field: string): string {
  const l = text.split('\n').find((x) => new RegExp(`\\s${field} = \\d+;`).test(x));
  return (l ?? '').trim();
}

describe('scalar types', () => {
  const text = protoOf(z.object({
    id: z.uuid(),
    name: z.string().max(10),
    email: z.email(),
    day: z.iso.date(),
    at: z.iso.datetime(),
    small: z.int().min(-5).max(5),
    edge: z.int().min(-2147483648).max(2147483647),
    big: z.int().min(0).max(2147483648),
    unbounded: z.int(),
    ratio: z.number(),
    flag: z.boolean(),
  }));
  it.each([
    ['id', 'string id = 1;'],
    ['name', 'string name = 2;'],
    ['email', 'string email = 3;'],
    ['day', 'string day = 4;'],
    ['at', 'google.protobuf.Timestamp at = 5;'],
    ['small', 'int32 small = 6;'],
    ['edge', 'int32 edge = 7;'],
    ['big', 'int64 big = 8;'],
    ['unbounded', 'int64 unbounded = 9;'],
    ['ratio', 'double ratio = 10;'],
    ['flag', 'bool flag = 11;'],
  ])('%s → %s', (field, expected) => {
    expect(line(text, field)).toBe(expected);
  });
  it('imports timestamp.proto when a datetime is used', () => {
    expect(text).toContain('import "google/protobuf/timestamp.proto";');
  });
  it('fails if the import is printed without a datetime (buf: IMPORT_USED)', () => {
    expect(protoOf(z.object({ id: z.uuid() }))).not.toContain('import');
  });
  it('int32 only when both bounds fit 32 bits', () => {
    expect(scalarProtoType({ kind: 'int', min: -2147483649, max: 0 })).toBe('int64');
    expect(scalarProtoType({ kind: 'int', min: 0, max: 2147483647 })).toBe('int32');
  });
});

describe('names and package', () => {
  it('prints the package, the PascalCase message and snake_case fields', () => {
    const p = compiled({ schema: z.object({ paymentId: z.uuid(), amountMinor: z.int() }) });
    const r = generateProto(p);
    expect(r.proto).toMatchObject({
      file: 'payments/payment_events/v1/payment_events.proto',
      package: 'payments.payment_events.v1',
      message: 'PaymentEvents',
      fullName: 'payments.payment_events.v1.PaymentEvents',
    });
    expect(r.proto?.text).toMatch(/^syntax = "proto3";$/m);
    expect(r.proto?.text).toMatch(/^package payments\.payment_events\.v1;$/m);
    expect(r.proto?.text).toMatch(/^message PaymentEvents \{$/m);
    expect(line(r.proto!.text, 'amount_minor')).toBe('int64 amount_minor = 2;');
  });
  it('the JSON name of every field is the contract name again', () => {
    const p = compiled({ schema: z.object({ paymentId: z.uuid(), lineItems: z.array(z.object({ unitPriceMinor: z.int() })) }), key: 'paymentId' });
    const { type } = buildProtoRoot(p);
    expect(type.fieldsArray.map((f) => f.name)).toEqual(['payment_id', 'line_items']);
    expect(type.fieldsArray.map((f) => toCamel(f.name))).toEqual(['paymentId', 'lineItems']);
    const lines = type.lookupType('LineItems');
    expect(lines.fieldsArray.map((f) => toCamel(f.name))).toEqual(['unitPriceMinor']);
  });
});

describe('presence and collections', () => {
  const text = protoOf(z.object({
    id: z.uuid(),
    note: z.string().optional(),
    at: z.iso.datetime().optional(),
    tags: z.array(z.string()),
    maybeTags: z.array(z.int().min(0).max(9)).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    counts: z.record(z.string(), z.int().min(0).max(9)),
    address: z.object({ city: z.string() }).optional(),
  }));
  it.each([
    ['note', 'optional string note = 2;'],
    ['at', 'optional google.protobuf.Timestamp at = 3;'],
    ['tags', 'repeated string tags = 4;'],
    ['maybe_tags', 'repeated int32 maybe_tags = 5;'],
    ['labels', 'map<string, string> labels = 6;'],
    ['counts', 'map<string, int32> counts = 7;'],
    ['address', 'optional Address address = 8;'],
  ])('%s → %s', (field, expected) => {
    expect(line(text, field)).toBe(expected);
  });
  it('fails if a required scalar is printed optional', () => {
    expect(line(text, 'id')).toBe('string id = 1;');
  });
  it('prints no packed=false (clean proto3)', () => {
    expect(text).not.toContain('packed');
  });
});

describe('nested messages and enums', () => {
  const text = protoOf(z.object({
    id: z.uuid(),
    status: z.enum(['PLACED', 'inTransit']),
    lines: z.array(z.object({ sku: z.string(), kind: z.enum(['GOOD', 'SERVICE']) })),
    byRegion: z.record(z.string(), z.object({ total: z.int() })),
    purposes: z.array(z.enum(['MARKETING'])),
  }));
  it('an enum is nested, named after its field, with a prefixed zero value first', () => {
    expect(text).toContain([
      '    enum Status {',
      '        STATUS_UNSPECIFIED = 0;',
      '        STATUS_PLACED = 1;',
      '        STATUS_IN_TRANSIT = 2;',
      '    }',
    ].join('\n'));
    expect(line(text, 'status')).toBe('Status status = 2;');
  });
  it('an array of objects is a repeated nested message, with its own numbering and enums', () => {
    expect(line(text, 'lines')).toBe('repeated Lines lines = 3;');
    expect(text).toMatch(/message Lines \{\n\s+string sku = 1;\n\s+Kind kind = 2;\n\n\s+enum Kind \{\n\s+KIND_UNSPECIFIED = 0;\n\s+KIND_GOOD = 1;/);
  });
  it('a record of objects is a map of a nested message', () => {
    expect(line(text, 'by_region')).toBe('map<string, ByRegion> by_region = 4;');
    expect(text).toMatch(/message ByRegion \{\n\s+int64 total = 1;\n\s+\}/);
  });
  it('an array of enums is a repeated nested enum', () => {
    expect(line(text, 'purposes')).toBe('repeated Purposes purposes = 5;');
    expect(text).toContain('PURPOSES_MARKETING = 1;');
  });
  it('enum value names are <ENUM>_<VALUE> in UPPER_SNAKE_CASE', () => {
    expect(enumValueName('ShippingStatus', 'outForDelivery')).toBe('SHIPPING_STATUS_OUT_FOR_DELIVERY');
    expect(enumValueName('Currency', 'USD')).toBe('CURRENCY_USD');
  });
  it('fails if an enum value would become the zero value', () => {
    const p = compiled({ schema: z.object({ id: z.uuid(), status: z.enum(['UNSPECIFIED', 'A']) }), key: 'id' });
    const r = generateProto(p);
    expect(r.proto).toBeUndefined();
    expect(r.problems).toEqual([expect.objectContaining({ field: 'schema.status', message: expect.stringMatching(/STATUS_UNSPECIFIED/) })]);
  });
  it('fails if two enums of one message would share a value name', () => {
    const p = compiled({ schema: z.object({ id: z.uuid(), fooBar: z.enum(['BAZ']), foo: z.enum(['BAR_BAZ']) }), key: 'id' });
    const r = generateProto(p);
    expect(r.problems).toEqual([expect.objectContaining({ field: 'schema.foo', message: expect.stringMatching(/FOO_BAR_BAZ/) })]);
  });
});

describe('field numbering', () => {
  it('numbers fields in declaration order on a first lock', () => {
    const n = numberShape(shapeOf(z.object({ a: z.string(), b: z.string(), c: z.object({ x: z.string(), y: z.string() }) })).shape);
    expect(n.fields.a.number).toBe(1);
    expect(n.fields.b.number).toBe(2);
    expect(n.fields.c.fields?.y.number).toBe(2);
  });
  it('reordering keeps every number', () => {
    const text = protoOf(z.object({ id: z.uuid(), b: z.string(), a: z.string() }), z.object({ id: z.uuid(), a: z.string(), b: z.string() }));
    expect(line(text, 'a')).toBe('string a = 2;');
    expect(line(text, 'b')).toBe('string b = 3;');
  });
  it('a new field gets a fresh number, never a removed one', () => {
    const shape1 = shapeOf(z.object({ id: z.uuid(), a: z.string(), b: z.string() })).shape;
    const shape2 = shapeOf(z.object({ id: z.uuid(), b: z.string() })).shape;
    const shape3 = shapeOf(z.object({ id: z.uuid(), b: z.string(), c: z.string() })).shape;
    const n3 = numberShape(shape3, numberShape(shape2, numberShape(shape1)));
    expect(n3.fields.c.number).toBe(4);
    expect(n3.fields.a).toEqual({ number: 2, removed: true });
  });
  it('a rename is a removal plus an addition', () => {
    const text = protoOf(z.object({ id: z.uuid(), fullName: z.string() }), z.object({ id: z.uuid(), name: z.string() }));
    expect(line(text, 'full_name')).toBe('string full_name = 3;');
    expect(text).toContain('reserved 2;');
    expect(text).toContain('reserved "name";');
  });
  it('new enum values get fresh numbers; removed ones are reserved by number and prefixed name', () => {
    const text = protoOf(z.object({ id: z.uuid(), status: z.enum(['B', 'C']) }), z.object({ id: z.uuid(), status: z.enum(['A', 'B']) }));
    expect(text).toMatch(/STATUS_B = 2;\n\s+STATUS_C = 3;\n\n\s+reserved 1;\n\s+reserved "STATUS_A";/);
  });
  it('removed nested fields are reserved inside their nested message', () => {
    const text = protoOf(z.object({ id: z.uuid(), addr: z.object({ city: z.string() }) }), z.object({ id: z.uuid(), addr: z.object({ street: z.string(), city: z.string() }) }));
    expect(text).toMatch(/message Addr \{\n\s+string city = 2;\n\n\s+reserved 1;\n\s+reserved "street";\n\s+\}/);
  });
  it('skips protobuf\'s own range 19000–19999', () => {
    const fields: Record<string, { number: number }> = { a: { number: 18_999 } };
    const n = numberShape(shapeOf(z.object({ a: z.string(), b: z.string() })).shape, { fields });
    expect(n.fields.b.number).toBe(20_000);
  });
  it('fails if a field has no number (a stale lock)', () => {
    const p = compiled({ schema: z.object({ paymentId: z.uuid(), extra: z.string() }) });
    const r = generateProto(p, numberShape(shapeOf(z.object({ paymentId: z.uuid() })).shape));
    expect(r.problems).toEqual([expect.objectContaining({ field: 'schema.extra', fix: expect.stringMatching(/npm run contracts:lock/) })]);
  });
});
