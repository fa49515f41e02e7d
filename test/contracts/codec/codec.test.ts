/** The edge codec: round trips (property tests on every example contract), violations, keys, tombstones, dead letters. */
import fc from 'fast-check';
import { createCodec, toDeadLetter, type ContractViolation } from '../../../contracts/codec';
import { defineDataProduct, z } from '../../../contracts/index';
import { valueArb } from '../../support/arbitrary';
import { exampleContracts, spec } from '../../helpers';

const { entries, lockOf } = exampleContracts();

/** A synthetic contract with every mapping the examples do not use. */
const everything = defineDataProduct(spec({
  name: 'everything',
  key: 'id',
  schema: z.object({
    id: z.uuid(),
    big: z.int(),
    ratio: z.number().optional(),
    day: z.iso.date().optional(),
    tags: z.array(z.enum(['A', 'B'])).optional(),
    stamps: z.array(z.iso.datetime()),
    byRegion: z.record(z.string(), z.object({ total: z.int().min(-5).max(5), note: z.string().max(5).optional() })).optional(),
    nested: z.object({ inner: z.object({ flag: z.boolean().optional() }).optional() }).optional(),
  }),
}));

describe.each([...entries.map((e) => [`${e.product.spec.domain}/${e.product.spec.name}`, e.product] as const), ['synthetic: every mapping', everything] as const])('%s', (_id, product) => {
  const codec = createCodec(product, { lock: lockOf(product) });
  const schema = product.spec.schema;
  const valid = valueArb(codec.product.shape).filter((v) => schema.safeParse(v).success);

  it('decode(encode(v)) equals normalise(v) for generated valid values', () => {
    fc.assert(
      fc.property(valid, (v) => {
        const e = codec.encode(v);
        if (!e.ok) throw new Error(JSON.stringify(e.violation));
        const d = codec.decode(e.bytes);
        if (!d.ok) throw new Error(JSON.stringify(d.violation));
        expect(d.value).toEqual(codec.normalise(v as never));
        expect(e.value).toEqual(d.value);
      }),
      { numRuns: 150 },
    );
  });

  it('fails if a value violates the contract: a required field missing or of the wrong type always yields a violation', () => {
    const required = codec.product.shape.fields.filter((f) => f.required).map((f) => f.name);
    fc.assert(
      fc.property(valid, fc.constantFrom(...required), fc.constantFrom<unknown>(undefined, 12.5, 'not-valid', { nested: true }, [1]), (v, field, bad) => {
        const broken = { ...v, [field]: bad };
        fc.pre(!schema.safeParse(broken).success);
        const e = codec.encode(broken);
        expect(e.ok).toBe(false);
        if (!e.ok) expect(e.violation.issues.some((i) => i.path === field || i.path.startsWith(`${field}.`) || i.path.startsWith(`${field}[`))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('codec rules', () => {
  const product = defineDataProduct(spec({
    schema: z.object({
      paymentId: z.uuid(),
      amountMinor: z.int().nonnegative(),
      currency: z.enum(['USD', 'EUR', 'GBP']),
      occurredAt: z.iso.datetime(),
      merchantId: z.string().max(64),
      note: z.string().max(100).optional(),
      lines: z.array(z.object({ sku: z.string(), qty: z.int().min(1).max(9) })).optional(),
      metadata: z.record(z.string(), z.string()).optional(),
    }),
  }));
  const codec = createCodec(product);
  const v = { paymentId: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', amountMinor: 0, currency: 'EUR' as const, occurredAt: '2026-01-02T03:04:05.678912Z', merchantId: '' };

  it('normalises uuids to lower case, datetimes to UTC milliseconds, an absent record to an empty one', () => {
    const e = codec.encode(v);
    expect(e.ok && e.value).toEqual({ ...v, paymentId: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', occurredAt: '2026-01-02T03:04:05.678Z', metadata: {} });
  });
  it('returns a value that shares no object or array with the one given (mutating either leaves the other alone)', () => {
    const given = { ...v, lines: [{ sku: 'a', qty: 2 }], metadata: { a: 'b' } };
    const e = codec.encode(given);
    if (!e.ok || !e.value) throw new Error('expected ok');
    const out = e.value as typeof given;
    expect(out.metadata).not.toBe(given.metadata);
    expect(out.lines).not.toBe(given.lines);
    expect(out.lines?.[0]).not.toBe(given.lines[0]);
    given.metadata.a = 'changed';
    expect(out.metadata).toEqual({ a: 'b' });
  });
  it('keeps default values of required fields and absent optional ones apart', () => {
    const e = codec.encode(v);
    const d = e.ok && e.bytes ? codec.decode(e.bytes) : undefined;
    expect(d?.ok && d.value).toEqual({ ...v, paymentId: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', occurredAt: '2026-01-02T03:04:05.678Z', metadata: {} });
    expect(d?.ok && 'note' in (d.value as object)).toBe(false);
    const withEmpty = codec.encode({ ...v, note: '' });
    const d2 = withEmpty.ok && withEmpty.bytes ? codec.decode(withEmpty.bytes) : undefined;
    expect(d2?.ok && (d2.value as { note?: string }).note).toBe('');
  });
  it('an empty optional array is absent (proto3 cannot tell them apart)', () => {
    const e = codec.encode({ ...v, lines: [] });
    expect(e.ok && 'lines' in (e.value as object)).toBe(false);
    const d = e.ok && e.bytes ? codec.decode(e.bytes) : undefined;
    expect(d?.ok && 'lines' in (d.value as object)).toBe(false);
    const full = codec.encode({ ...v, lines: [{ sku: 'a', qty: 2 }] });
    const d2 = full.ok && full.bytes ? codec.decode(full.bytes) : undefined;
    expect(d2?.ok && (d2.value as { lines?: unknown[] }).lines).toEqual([{ sku: 'a', qty: 2 }]);
  });
  it('fails if a value is invalid: every issue with its path, never a throw', () => {
    const e = codec.encode({ ...v, amountMinor: -1, currency: 'XYZ', lines: [{ sku: 'a', qty: 0 }] });
    expect(e.ok).toBe(false);
    if (!e.ok) {
      expect(e.violation.product).toBe('payments/payment-events@v1');
      expect(e.violation.issues.map((i) => i.path).sort()).toEqual(['amountMinor', 'currency', 'lines[0].qty']);
    }
    expect(codec.encode('nope').ok).toBe(false);
    expect(codec.encode(undefined).ok).toBe(false);
  });
  it('fails if a string is not valid Unicode (a lone surrogate)', () => {
    const e = codec.encode({ ...v, note: 'ab\ud800c' });
    expect(e.ok).toBe(false);
    if (!e.ok) expect(e.violation.issues).toEqual([expect.objectContaining({ path: 'note', code: 'lone_surrogate', message: expect.stringMatching(/lone surrogate/) })]);
  });
  it('fails if the bytes are not a record of the contract', () => {
    const d = codec.decode(new Uint8Array([0xff, 0xff, 0xff]));
    expect(d.ok).toBe(false);
    const empty = codec.decode(new Uint8Array());
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.violation.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['currency', 'occurredAt']));
    expect(() => codec.decodeOrThrow(new Uint8Array())).toThrow(/payments\/payment-events@v1: the record does not satisfy the contract/);
  });
  it('encodes the key as UTF-8 of its canonical string (uuid lower-case)', () => {
    expect(codec.encodeKey(v)?.toString('utf8')).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    expect(codec.encodeKey('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11')?.toString('utf8')).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
  });
  it('an event has no tombstones', () => {
    expect(codec.encode(null).ok).toBe(false);
    expect(codec.decode(null).ok).toBe(false);
  });
  it('an entity encodes and decodes a tombstone (null value) as such', () => {
    const entity = createCodec(defineDataProduct(spec({ kind: 'entity' })));
    expect(entity.encode(null)).toEqual({ ok: true, bytes: null, value: null, tombstone: true });
    expect(entity.decode(null)).toEqual({ ok: true, value: null, tombstone: true });
  });
  it('uses the lock\'s numbers (the bytes match the proto that synth writes)', () => {
    const pe = entries.find((e) => e.product.spec.name === 'payment-events')!.product;
    const lock = lockOf(pe)!;
    const c = createCodec(pe, { lock });
    expect(c.type.fields.occurred_at.id).toBe(lock.numbering.fields.occurredAt.number);
    expect(() => createCodec(pe, { lock: { ...lock, product: 'x/y@v1' } })).toThrow(/the lock given is the lock of x\/y@v1/);
  });
});

describe('toDeadLetter', () => {
  const codec = createCodec(defineDataProduct(spec()));
  const violation: ContractViolation = { product: 'payments/payment-events@v1', kind: 'invalid', reason: 'the record does not satisfy the contract', issues: [{ path: 'amountMinor', message: 'Too small', code: 'too_small', redacted: { path: 'amountMinor', message: 'too small: at least 0.' } }] };
  it('keeps the original key and bytes and names contract, version, source, reason and paths', () => {
    const key = new Uint8Array([1, 2]);
    const value = new Uint8Array([3, 4, 5]);
    const dl = toDeadLetter({ key, value }, violation, { product: codec.product, sourceTopic: 'payments.payment-events.v1', partition: 3, offset: 42n, now: new Date('2026-01-01T00:00:00Z') });
    expect(dl.topic).toBe('payments.payment-events.v1.dlq');
    expect(dl.key).toBe(key);
    expect(dl.value).toBe(value);
    expect(dl.headers).toEqual({
      '__rule.exception': 'ContractViolation: payments/payment-events@v1: the record does not satisfy the contract: amountMinor: Too small',
      '__rule.mode': 'READ',
      '__rule.name': 'contract-mesh.invalid',
      '__rule.subject': 'payments.payment-events.v1-value',
      '__rule.topic': 'payments.payment-events.v1',
      'contract-mesh.side': 'consumer',
      'contract-mesh.failure-kind': 'invalid',
      'contract-mesh.failure-count': '1',
      'contract-mesh.contract': 'payments/payment-events@v1',
      'contract-mesh.major-version': '1',
      'contract-mesh.source-topic': 'payments.payment-events.v1',
      'contract-mesh.source-partition': '3',
      'contract-mesh.source-offset': '42',
      'contract-mesh.failure-reason': 'the record does not satisfy the contract',
      'contract-mesh.failing-paths': '["amountMinor"]',
      'contract-mesh.failures': JSON.stringify([{ path: 'amountMinor', message: 'Too small', code: 'too_small' }]),
      'contract-mesh.value-format': 'original',
      'contract-mesh.timestamp': '2026-01-01T00:00:00.000Z',
    });
  });
  it('carries a producer\'s unserializable value as JSON and leaves unknown source facts out', () => {
    const dl = toDeadLetter({ key: null, value: { amountMinor: -1 } }, violation, { product: codec.product, now: new Date(0) });
    expect(Buffer.from(dl.value!).toString('utf8')).toBe('{"amountMinor":-1}');
    expect(dl.headers['contract-mesh.value-format']).toBe('json');
    expect(dl.headers).not.toHaveProperty('contract-mesh.source-topic');
    expect(dl.headers).not.toHaveProperty('contract-mesh.source-offset');
  });
});
