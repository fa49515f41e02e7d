/** The synth-time size sample: deterministic, valid against every contract, and the protobuf/JSON ratio it measures. */
import { createCodec, type Codec } from '../../../contracts/codec';
import { measureSizeRatio, sampleOfType, sampleValues, SIZE_SAMPLE_COUNT } from '../../../contracts/codec/size-sample';
import { defineDataProduct, z } from '../../../contracts/index';
import { buildManifest } from '../../../stacks/manifest';
import { dev, exampleContracts, lockedPlan, prod, spec } from '../../helpers';

const { entries, lockOf } = exampleContracts();

/** A synthetic contract with every mapping and tight bounds the examples do not use. */
const everything = defineDataProduct(spec({
  name: 'everything',
  key: 'id',
  schema: z.object({
    id: z.uuid(),
    big: z.int(),
    small: z.int().min(-5).max(5),
    ratio: z.number().min(0).max(1).optional(),
    score: z.number().optional(),
    day: z.iso.date().optional(),
    site: z.url().max(60).optional(),
    code: z.string().length(2),
    tiny: z.string().min(1).max(4),
    tags: z.array(z.enum(['A', 'B'])).min(2).max(2),
    stamps: z.array(z.iso.datetime()),
    byRegion: z.record(z.string(), z.object({ total: z.int().min(-5).max(5), note: z.string().max(5).optional() })).optional(),
    nested: z.object({ inner: z.object({ flag: z.boolean().optional() }).optional() }).optional(),
  }),
}));

const cases = [...entries.map((e) => [`${e.product.spec.domain}/${e.product.spec.name}`, e.product] as const), ['synthetic: every mapping', everything] as const];

describe.each(cases)('%s', (_id, product) => {
  const codec = createCodec(product, { lock: lockOf(product) }) as Codec<unknown>;
  const values = sampleValues(codec.product.shape);

  it('is deterministic: the same values every call', () => {
    expect(values).toHaveLength(SIZE_SAMPLE_COUNT);
    expect(JSON.stringify(sampleValues(codec.product.shape))).toBe(JSON.stringify(values));
  });

  it('every sample satisfies the Zod schema and encodes without violation', () => {
    for (const v of values) {
      expect(product.spec.schema.safeParse(v).error?.issues).toBeUndefined();
      const e = codec.encode(v);
      if (!e.ok) throw new Error(JSON.stringify(e.violation));
      expect(e.bytes).toBeInstanceOf(Uint8Array);
    }
  });

  it('varies: optional fields present and absent, more than one distinct value', () => {
    const optional = codec.product.shape.fields.filter((f) => !f.required).map((f) => f.name);
    for (const name of optional) {
      expect(values.some((v) => name in v)).toBe(true);
      expect(values.some((v) => !(name in v))).toBe(true);
    }
    expect(new Set(values.map((v) => JSON.stringify(v))).size).toBeGreaterThan(1);
  });

  it('measures protobuf smaller than JSON (ratio < 1), over every sample', () => {
    const r = measureSizeRatio(codec);
    expect(r).toBeDefined();
    expect(r?.samples).toBe(SIZE_SAMPLE_COUNT);
    expect(r?.rejected).toBe(0);
    expect(r?.ratio).toBe((r?.protoBytes ?? 0) / (r?.jsonBytes ?? 1));
    expect(r?.ratio).toBeGreaterThan(0);
    expect(r?.ratio).toBeLessThan(1);
    expect(measureSizeRatio(codec)).toEqual(r);
  });
});

describe('sample values', () => {
  it('cycles every enum value', () => {
    const seen = new Set(Array.from({ length: 4 }, (_, i) => sampleOfType({ kind: 'enum', values: ['A', 'B', 'C', 'D'] }, i)));
    expect(seen).toEqual(new Set(['A', 'B', 'C', 'D']));
  });
  it('keeps strings within bounds at typical lengths', () => {
    expect(sampleOfType({ kind: 'string', maxLength: 64 }, 0)).toHaveLength(16);
    expect(sampleOfType({ kind: 'string', maxLength: 64 }, 2)).toHaveLength(32);
    expect(sampleOfType({ kind: 'string', maxLength: 10 }, 2)).toHaveLength(10);
    expect(sampleOfType({ kind: 'string', minLength: 40 }, 0)).toHaveLength(40);
  });
  it('keeps ints within bounds, mid-range when the range is narrow', () => {
    expect(sampleOfType({ kind: 'int', min: -5, max: 5 }, 3)).toBe(0);
    expect(sampleOfType({ kind: 'int', min: 0, max: 100 }, 1)).toBe(50);
    expect(sampleOfType({ kind: 'int', min: 0, max: 1_000_000 }, 3)).toBe(1_000_000);
    expect(sampleOfType({ kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER }, 1)).toBe(1_234);
  });
  it('builds arrays of 1–3 items within their bounds', () => {
    const lengths = [0, 1, 2].map((i) => (sampleOfType({ kind: 'array', items: { kind: 'boolean' } }, i) as unknown[]).length);
    expect(lengths).toEqual([1, 2, 3]);
    expect((sampleOfType({ kind: 'array', items: { kind: 'boolean' }, minItems: 5 }, 0) as unknown[]).length).toBe(5);
  });
});

describe('measureSizeRatio', () => {
  it('measures every sample of a contract with string formats (valid values of each format, within their bounds)', () => {
    const formats = defineDataProduct(spec({
      schema: z.object({
        paymentId: z.uuidv7(),
        email: z.email().max(12),
        site: z.url().max(30),
        plain: z.httpUrl().optional(),
        ip: z.ipv4(),
        id: z.ulid(),
        phone: z.e164().optional(),
        shout: z.string().uppercase().max(10),
        digest: z.hash('sha256'),
        tags: z.array(z.email()).max(3),
      }),
    }));
    const c = createCodec(formats) as Codec<unknown>;
    for (const v of sampleValues(c.product.shape, SIZE_SAMPLE_COUNT, c.schema)) expect(formats.spec.schema.safeParse(v).error?.issues).toBeUndefined();
    const r = measureSizeRatio(c);
    expect(r?.samples).toBe(SIZE_SAMPLE_COUNT);
    expect(r?.ratio).toBeLessThan(1);
  });
  it('fails to measure (undefined, not a ratio over part of the sample) if the contract rejects some of the values', () => {
    const some = defineDataProduct(spec({ schema: z.object({ paymentId: z.uuid(), merchantId: z.string().max(64).refine((s) => s.length !== 24, 'no 24') }) }));
    expect(measureSizeRatio(createCodec(some) as Codec<unknown>)).toBeUndefined();
  });
  it('fails to measure (undefined) if the contract rejects every sample value: a refinement beyond its shape', () => {
    const strict = defineDataProduct(spec({ schema: z.object({ paymentId: z.uuid(), merchantId: z.string().regex(/^M-\d+$/) }) }));
    expect(measureSizeRatio(createCodec(strict) as Codec<unknown>)).toBeUndefined();
  });
});

describe('the manifest records the ratio', () => {
  it('per product, deterministic, with the method', () => {
    const plan = lockedPlan([defineDataProduct(spec())], [dev, prod]);
    const m = buildManifest(plan);
    const e = m.products[0].encoding;
    expect(e?.sampleCount).toBe(SIZE_SAMPLE_COUNT);
    expect(e?.protoToJsonRatio).toBeGreaterThan(0);
    expect(e?.protoToJsonRatio).toBeLessThan(1);
    expect(e?.method).toMatch(/deterministic sample/);
    expect(JSON.stringify(buildManifest(lockedPlan([defineDataProduct(spec())], [dev, prod])).products[0].encoding)).toBe(JSON.stringify(e));
  });
  it('fails to record a ratio if nothing was measured: no encoding field', () => {
    const strict = defineDataProduct(spec({ schema: z.object({ paymentId: z.uuid(), merchantId: z.string().regex(/^M-\d+$/) }) }));
    expect(buildManifest(lockedPlan([strict], [dev])).products[0]).not.toHaveProperty('encoding');
  });
});
