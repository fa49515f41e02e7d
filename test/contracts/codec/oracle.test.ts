/**
 * The compiled codec against its oracle, the reference codec (Zod's safeParse + protobufjs's reflection, with the
 * hostile-input rules): identical bytes, values and accept/reject — on 10,000 generated values per fixture product
 * (valid ones, broken ones, anything at all), on edge cases of every string format, on integers at their bounds,
 * and on a hostile corpus of bytes. And it must really be the compiled path that answers: valid values never
 * fall back to the reference.
 */
import fc from 'fast-check';
import * as protobuf from 'protobufjs';
import { codecInternals, createCodec, type Codec } from '../../../contracts/codec/codec';
import { referenceDecode, referenceEncode, type CodecParts } from '../../../contracts/codec/reference';
import { defineDataProduct, z, type DataProduct } from '../../../contracts/index';
import { valueArb } from '../../support/arbitrary';
import { exampleContracts, spec } from '../../helpers';

const { entries, lockOf } = exampleContracts();

/** A contract with every mapping and every string format the arbitraries do not cover in the fixtures. */
const everything = defineDataProduct(spec({
  name: 'everything',
  key: 'id',
  schema: z.object({
    id: z.uuid(),
    big: z.int(),
    small: z.int().min(-2147483648).max(2147483647),
    tiny: z.int().min(-3).max(3).optional(),
    ratio: z.number().optional(),
    bounded: z.number().min(-1).max(1),
    day: z.iso.date().optional(),
    flag: z.boolean(),
    maybe: z.boolean().optional(),
    tags: z.array(z.enum(['A', 'B', 'C'])).optional(),
    counts: z.array(z.int().min(-1000).max(1000)),
    wide: z.array(z.int()).optional(),
    weights: z.array(z.number()).optional(),
    bits: z.array(z.boolean()).optional(),
    words: z.array(z.string().max(30)),
    stamps: z.array(z.iso.datetime()),
    at: z.iso.datetime(),
    later: z.iso.datetime().optional(),
    byRegion: z.record(z.string(), z.object({ total: z.int().min(-5).max(5), note: z.string().max(5).optional() })).optional(),
    levels: z.record(z.string(), z.enum(['LOW', 'HIGH'])),
    seen: z.record(z.string(), z.iso.datetime()).optional(),
    scores: z.record(z.string(), z.number()).optional(),
    nested: z.object({ inner: z.object({ flag: z.boolean().optional(), when: z.iso.datetime().optional() }).optional(), kind: z.enum(['X', 'Y']).optional() }).optional(),
    lines: z.array(z.object({ sku: z.string().min(1).max(8), qty: z.int().min(1).max(99) })).optional(),
  }),
}));

const formats = defineDataProduct(spec({
  name: 'formats',
  key: 'code',
  schema: z.object({
    code: z.string().regex(/^[A-Z]{3}-\d{1,4}$/),
    email: z.email().max(60),
    site: z.url().optional(),
    ref: z.uuid(),
    when: z.iso.datetime({ offset: true }),
    day: z.iso.date(),
    note: z.string().max(20).optional(),
  }),
}));

const RUNS = Number(process.env.ORACLE_RUNS ?? 10_000);

/** Each fixture product on RUNS values; the synthetic contract (large values, every mapping) on a fifth of them. */
const products: Array<[string, DataProduct, number]> = [
  ...entries.map((e) => [`${e.product.spec.domain}/${e.product.spec.name}`, e.product, RUNS] as [string, DataProduct, number]),
  ['synthetic: every mapping', everything, Math.ceil(RUNS / 5)],
];

function codecOf(product: DataProduct): { codec: Codec<unknown>; parts: CodecParts } {
  const codec = createCodec(product, { lock: lockOf(product) }) as Codec<unknown>;
  return { codec, parts: codecInternals(codec).parts };
}

/** Deep equality that also holds key order and tells −0 from 0. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The compiled codec and the reference give the same result for `v` (and for its bytes, decoded back). */
function agree(codec: Codec<unknown>, parts: CodecParts, v: unknown): boolean {
  const fast = codec.encode(v);
  const ref = referenceEncode(parts, v);
  if (fast.ok !== ref.ok) throw new Error(`encode accept/reject differs for ${safe(v)}: compiled ${fast.ok}, reference ${ref.ok}`);
  if (!fast.ok || !ref.ok) {
    if (!same(fast, ref)) throw new Error(`violations differ for ${safe(v)}`);
    return false;
  }
  if (fast.bytes === null || ref.bytes === null) {
    if (fast.bytes !== ref.bytes) throw new Error('tombstones differ');
    return true;
  }
  if (!Buffer.from(fast.bytes).equals(Buffer.from(ref.bytes))) throw new Error(`bytes differ for ${safe(v)}:\n compiled  ${Buffer.from(fast.bytes).toString('hex')}\n reference ${Buffer.from(ref.bytes).toString('hex')}`);
  if (!same(fast.value, ref.value)) throw new Error(`values differ for ${safe(v)}:\n compiled  ${safe(fast.value)}\n reference ${safe(ref.value)}`);
  agreeDecoding(codec, parts, fast.bytes);
  return true;
}

function agreeDecoding(codec: Codec<unknown>, parts: CodecParts, bytes: Uint8Array): void {
  const fast = codec.decode(bytes);
  const ref = referenceDecode(parts, bytes);
  if (fast.ok !== ref.ok) throw new Error(`decode accept/reject differs for ${Buffer.from(bytes).toString('hex')}: compiled ${fast.ok}, reference ${ref.ok}`);
  if (!same(fast, ref)) throw new Error(`decoded values differ for ${Buffer.from(bytes).toString('hex')}:\n compiled  ${safe(fast)}\n reference ${safe(ref)}`);
}

function safe(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Valid values, values with one top-level field broken or removed, and anything at all. */
function mixed(product: DataProduct, shape: Parameters<typeof valueArb>[0]): fc.Arbitrary<unknown> {
  const valid = valueArb(shape);
  const names = shape.fields.map((f) => f.name);
  const broken = fc.tuple(valid, fc.constantFrom(...names), fc.oneof(fc.constant(undefined), fc.anything({ withBigInt: true }), fc.string(), fc.integer(), fc.double())).map(([v, k, x]) => {
    const out: Record<string, unknown> = { ...v };
    if (x === undefined) delete out[k];
    else out[k] = x;
    return out;
  });
  return fc.oneof({ weight: 6, arbitrary: valid }, { weight: 3, arbitrary: broken }, { weight: 1, arbitrary: fc.anything({ withBigInt: true, withMap: true }) });
}

describe.each(products)('%s: compiled = reference', (_id, product, runs) => {
  const { codec, parts } = codecOf(product);
  const stats = codecInternals(codec).stats;

  it(`on ${runs.toLocaleString('en-US')} generated values (valid, broken, anything): identical bytes, values, accept/reject; valid ones never fall back`, () => {
    let valid = 0;
    const before = stats.encodeFallbacks;
    let invalid = 0;
    fc.assert(
      fc.property(mixed(product, codec.product.shape), (v) => {
        const ok = agree(codec, parts, v);
        if (v === null) return; // a tombstone (or its violation) is no fallback
        if (ok) valid++;
        else invalid++;
      }),
      { numRuns: runs, seed: 17 },
    );
    expect(valid).toBeGreaterThan(runs / 3);
    expect(invalid).toBeGreaterThan(runs / 10);
    // every fallback was a record the reference refused: the compiled path answered for every accepted one
    expect(stats.encodeFallbacks - before).toBe(invalid);
  });

  it('decodes mutated bytes (flipped, cut, extended) exactly as the reference does', () => {
    const valid = valueArb(codec.product.shape).filter((v) => codec.encode(v).ok);
    fc.assert(
      fc.property(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), fc.nat(), fc.uint8Array({ maxLength: 6 }), (v, flips, cut, tail) => {
        const e = codec.encode(v);
        if (!e.ok || !e.bytes) return;
        const b = Buffer.from(e.bytes);
        for (const [at, x] of flips) if (b.length) b[at % b.length] = x;
        agreeDecoding(codec, parts, b);
        agreeDecoding(codec, parts, b.subarray(0, cut % (b.length + 1)));
        agreeDecoding(codec, parts, Buffer.concat([b, tail]));
        agreeDecoding(codec, parts, new Uint8Array(b)); // a plain Uint8Array, not a Buffer
      }),
      { numRuns: 500, seed: 17 },
    );
  });
});

describe('edge cases: string formats, integer bounds, datetimes', () => {
  const { codec, parts } = codecOf(formats);
  const base = { code: 'ABC-1', email: 'a.b@example.com', ref: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', when: '2026-01-02T03:04:05.678Z', day: '2026-01-02' };
  const cases: Array<[string, unknown[]]> = [
    ['code', ['ABC-1', 'ABC-1234', 'abc-1', 'ABC-12345', 'AB-1', 'ABC-', ' ABC-1', 'ABC-1\n', 'ÀBC-1']],
    ['email', ['a@b.co', 'a.b+c@example.com', 'a@b', '@b.co', 'a@@b.co', 'a b@c.co', 'é@b.co', `${'a'.repeat(50)}@example.com`, 'a@b.c', 'A@B.CO']],
    ['site', ['https://example.com', 'http://a.co/x?y=1#z', ' https://example.com ', 'https://example.com\t', 'example.com', 'mailto:a@b.co', 'https://', 'https://exa mple.com', 'ftp://x.y', 'https://é.example/ü', undefined]],
    ['ref', ['A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1', 'a0eebc99-9c0b-9ef8-bb6d-6bb9bd380a11', 'g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']],
    ['when', [
      '2026-01-02T03:04:05Z', '2026-01-02T03:04:05.6Z', '2026-01-02T03:04:05.67Z', '2026-01-02T03:04:05.678Z', '2026-01-02T03:04:05.678912345Z',
      '2026-01-02T03:04:05+01:00', '2026-01-02T03:04:05.5-05:30', '2026-01-02T03:04:05+0100', '2026-01-02T03:04:05+01',
      '2024-02-29T00:00:00Z', '2026-02-29T00:00:00Z', '2026-02-30T00:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-02T24:00:00Z', '2026-01-02T23:59:60Z',
      '0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '0001-01-01T00:30:00+01:00', '9999-12-31T23:59:59.999Z', '9999-12-31T23:30:00-01:00', '1970-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z',
      '2026-01-02 03:04:05Z', '2026-01-02T03:04Z', '', 'Z',
    ]],
    ['day', ['2026-01-02', '2024-02-29', '2026-02-29', '0000-01-01', '9999-12-31', '2026-1-2', '2026-01-02T00:00:00Z']],
    ['note', ['', 'ok', 'x'.repeat(20), 'x'.repeat(21), 'a\ud800b', '\udc00', '😀'.repeat(10), '😀'.repeat(11), '\u0000', undefined]],
  ];
  it('on generated values of every format (URLs and e-mail addresses generated; the regex field mostly refused)', () => {
    fc.assert(fc.property(mixed(formats, codec.product.shape), (v) => void agree(codec, parts, v)), { numRuns: 2000, seed: 17 });
  });
  it.each(cases)('%s', (field, values) => {
    for (const x of values) agree(codec, parts, { ...base, [field]: x });
  });
  it('integers at their bounds, in every integer mapping', () => {
    const e = codecOf(everything);
    const b = fc.sample(valueArb(e.codec.product.shape).filter((v) => everything.spec.schema.safeParse(v).success), { numRuns: 1, seed: 3 })[0];
    const ints = [0, -0, 1, -1, 127, 128, -128, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53, -(2 ** 53), 1.5, NaN, Infinity, -Infinity, 1e300];
    for (const x of ints) {
      for (const field of ['big', 'small', 'tiny']) agree(e.codec, e.parts, { ...b, [field]: x });
      agree(e.codec, e.parts, { ...b, counts: [x, 3] });
      agree(e.codec, e.parts, { ...b, wide: [x] });
      agree(e.codec, e.parts, { ...b, ratio: x, bounded: x });
      agree(e.codec, e.parts, { ...b, weights: [x, -0] });
    }
  });
  it('large records: long strings, lengths of 2, 3 and 4 varint bytes, up to and past the topic limit', () => {
    const e = codecOf(everything);
    const b = fc.sample(valueArb(e.codec.product.shape).filter((v) => everything.spec.schema.safeParse(v).success), { numRuns: 1, seed: 6 })[0];
    for (const n of [127, 128, 16_383, 16_384, 40_000]) {
      agree(e.codec, e.parts, { ...b, words: ['é'.repeat(Math.min(n, 30))], levels: Object.fromEntries(Array.from({ length: Math.ceil(n / 12) }, (_, i) => [`k${i}`, 'LOW'])) });
      agree(e.codec, e.parts, { ...b, byRegion: { big: { total: 1, note: 'x' } }, scores: Object.fromEntries(Array.from({ length: Math.ceil(n / 16) }, (_, i) => [`s${i}`, i / 3])) });
    }
    const pay = codecOf(entries.find((x) => x.product.spec.name === 'payment-events')!.product);
    const payment = { paymentId: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', amountMinor: 1, currency: 'EUR', status: 'CAPTURED', occurredAt: '2026-01-02T03:04:05.678Z', merchantId: 'M' };
    for (const n of [100, 20_000, 1_048_400, 1_048_500, 1_048_600, 3_000_000]) agree(pay.codec, pay.parts, { ...payment, metadata: { k: 'ü'.repeat(n >> 1) } });
    const roomy = createCodec(entries.find((x) => x.product.spec.name === 'payment-events')!.product, { maxMessageBytes: 8_000_000 }) as Codec<unknown>;
    for (const n of [2_097_000, 2_098_000, 4_000_000]) agree(roomy, codecInternals(roomy).parts, { ...payment, metadata: { k: 'ü'.repeat(n >> 1) } });
  });
  it('records with keys JavaScript treats specially, and records that are not plain objects', () => {
    const e = codecOf(everything);
    const b = fc.sample(valueArb(e.codec.product.shape).filter((v) => everything.spec.schema.safeParse(v).success), { numRuns: 1, seed: 4 })[0];
    for (const keys of ['{"__proto__": "LOW"}', '{"constructor": "LOW", "10": "HIGH", "2": "LOW", "": "LOW"}', '{"a\\ud800": "LOW"}']) agree(e.codec, e.parts, { ...b, levels: JSON.parse(keys) });
    agree(e.codec, e.parts, { ...b, levels: new Map([['a', 'LOW']]) });
    agree(e.codec, e.parts, { ...b, levels: Object.create({ inherited: 'LOW' }) });
    agree(e.codec, e.parts, { ...b, byRegion: JSON.parse('{"x": {"total": 1, "__proto__": {"total": 2}}}') });
  });
});

describe('hostile bytes: compiled = reference', () => {
  const { codec, parts } = codecOf(everything);
  const t = parts.type;
  const w = () => protobuf.Writer.create();
  const corpus: Array<[string, Uint8Array]> = [
    ['empty', new Uint8Array()],
    ['field number 0', Uint8Array.from([0x00, 0x01])],
    ['field number 0, two-byte tag', Uint8Array.from([0x80, 0x00, 0x01])],
    ['a group', Uint8Array.from([0x0b, 0x0c])],
    ['wire type 6', Uint8Array.from([0x0e])],
    ['truncated varint', Uint8Array.from([0x10, 0xff])],
    ['an 11-byte varint', Uint8Array.from([0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])],
    ['a length past the end', Uint8Array.from([0x0a, 0x20, 0x41])],
    ['invalid UTF-8', w().uint32(10).bytes(Uint8Array.from([0xc3, 0x28])).finish()],
    ['an encoded surrogate', w().uint32(10).bytes(Uint8Array.from([0xed, 0xa0, 0x80])).finish()],
    ['unknown fields of every wire type', w().uint32((900 << 3) | 0).uint32(5).uint32((901 << 3) | 1).fixed64(1).uint32((902 << 3) | 2).string('x').uint32((903 << 3) | 5).fixed32(1).finish()],
  ];
  const valid = codec.encode(fc.sample(valueArb(codec.product.shape).filter((v) => everything.spec.schema.safeParse(v).success), { numRuns: 1, seed: 5 })[0]);
  const good = valid.ok && valid.bytes ? Buffer.from(valid.bytes) : Buffer.alloc(0);
  const field = (name: string) => t.fields[name].id;
  corpus.push(
    ['a valid record', good],
    ['a valid record and unknown fields', Buffer.concat([good, w().uint32((700 << 3) | 2).string('zzz').finish()])],
    ['a known field with the wrong wire type', Buffer.concat([good, w().uint32((field('small') << 3) | 2).string('x').finish()])],
    ['a singular message sent twice', Buffer.concat([good, w().uint32((field('at') << 3) | 2).fork().uint32(8).int64(5).ldelim().finish()])],
    ['a Timestamp with negative nanos', Buffer.concat([good, w().uint32((field('later') << 3) | 2).fork().uint32(16).int32(-1).ldelim().finish()])],
    ['an enum number the contract lacks (packed)', Buffer.concat([good, w().uint32((field('tags') << 3) | 2).fork().int32(9).ldelim().finish()])],
    ['a map entry without its value', Buffer.concat([good, w().uint32((field('levels') << 3) | 2).fork().uint32(10).string('k').ldelim().finish()])],
    ['a map entry without its key', Buffer.concat([good, w().uint32((field('levels') << 3) | 2).fork().uint32(16).int32(1).ldelim().finish()])],
    ['a map entry with key __proto__', Buffer.concat([good, w().uint32((field('levels') << 3) | 2).fork().uint32(10).string('__proto__').uint32(16).int32(1).ldelim().finish()])],
    ['a map entry with key constructor', Buffer.concat([good, w().uint32((field('levels') << 3) | 2).fork().uint32(10).string('constructor').uint32(16).int32(1).ldelim().finish()])],
    ['unpacked repeated ints', Buffer.concat([good, w().uint32((field('counts') << 3) | 0).int32(-7).uint32((field('counts') << 3) | 0).int32(8).finish()])],
    ['a packed double list that is not a multiple of 8', Buffer.concat([good, w().uint32((field('weights') << 3) | 2).bytes(Uint8Array.from([1, 2, 3])).finish()])],
    ['a negative int32 as 10 bytes', Buffer.concat([good, w().uint32(field('small') << 3).int32(-5).finish()])],
    ['a NaN double', Buffer.concat([good, w().uint32((field('bounded') << 3) | 1).double(NaN).finish()])],
    ['a -0 double', Buffer.concat([good, w().uint32((field('bounded') << 3) | 1).double(-0).finish()])],
  );
  it.each(corpus)('%s', (_what, bytes) => {
    agreeDecoding(codec, parts, bytes);
  });
  it.each([
    ['an overlong 2-byte form', [0xc0, 0x80]],
    ['an overlong 3-byte form', [0xe0, 0x80, 0x80]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['F5', [0xf5, 0x80, 0x80, 0x80]],
    ['a cut 3-byte form', [0x61, 0xe2, 0x82]],
    ['valid 2-, 3- and 4-byte forms', [0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]],
    ['the largest code point', [0xf4, 0x8f, 0xbf, 0xbf]],
    ['a BOM', [0xef, 0xbb, 0xbf, 0x61]],
  ])('a string with %s', (_what, utf8) => {
    agreeDecoding(codec, parts, Buffer.concat([good, w().uint32((field('words') << 3) | 2).bytes(Uint8Array.from(utf8)).finish()]));
  });
  it('strings of random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 90 }), (b) => agreeDecoding(codec, parts, Buffer.concat([good, w().uint32((field('words') << 3) | 2).bytes(b).finish()]))), { numRuns: 3000, seed: 17 });
  });
  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => agreeDecoding(codec, parts, b)), { numRuns: 3000, seed: 17 });
  });
});

describe('the generated code', () => {
  it('embeds contract strings only as JSON literals', () => {
    const hostile = defineDataProduct(spec({ schema: z.object({ paymentId: z.uuid(), codeX: z.enum(['A_B', 'C']), merchantId: z.string().max(64) }) }));
    const { encoderSource, decoderSource } = codecInternals(createCodec(hostile) as Codec<unknown>);
    for (const src of [encoderSource, decoderSource]) {
      expect(src).toContain('"codeX"');
      expect(src).not.toMatch(/[^"]codeX[^"]/);
      expect(src).not.toContain('A_B'); // enum values are tables passed in, not source
    }
  });
});
