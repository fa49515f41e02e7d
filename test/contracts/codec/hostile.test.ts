/**
 * The codec on hostile input (issue 17, items 1–7): it never throws, refuses what the broker or a consumer could
 * not take, and builds dead letters that fit their topic and never leak a pii or confidential value.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import * as protobuf from 'protobufjs';
import {
  BROKER_DEFAULT_MAX_MESSAGE_BYTES,
  createCodec,
  recordBatchBytes,
  toDeadLetter,
  topicLimits,
  type Codec,
  type ContractViolation,
  type DeadLetterRecord,
} from '../../../contracts/codec';
import { defineDataProduct, z } from '../../../contracts/index';
import { exampleContracts, spec } from '../../helpers';

const { entries, lockOf } = exampleContracts();
const fixture = (name: string) => entries.find((e) => e.product.spec.name === name)!.product;
const codecOf = (name: string, options: { maxMessageBytes?: number } = {}) => {
  const p = fixture(name);
  return createCodec(p, { lock: lockOf(p), ...options }) as unknown as Codec<Record<string, unknown>>;
};

const payments = codecOf('payment-events');
const payment = { paymentId: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', amountMinor: 1250, currency: 'EUR', status: 'CAPTURED', occurredAt: '2026-01-02T03:04:05.678Z', merchantId: 'M-1' };
/** The bytes of `payment` with its occurredAt Timestamp replaced by raw seconds and nanos. */
function paymentWithTimestamp(seconds: number, nanos: number): Uint8Array {
  const t = payments.type;
  const message = t.fromObject({ payment_id: payment.paymentId, amount_minor: 1250, currency: 2, status: 2, merchant_id: 'M-1', occurred_at: { seconds, nanos } });
  return t.encode(message).finish();
}

/** Every header value and the value of a dead letter, as text. */
function textOf(dl: DeadLetterRecord): string {
  const parts = Object.entries(dl.headers).map(([k, v]) => `${k}=${Array.isArray(v) ? v.map(String).join(',') : typeof v === 'string' ? v : Buffer.from(v as Uint8Array).toString('utf8')}`);
  return [...parts, dl.key ? Buffer.from(dl.key).toString('utf8') : '', dl.value ? Buffer.from(dl.value).toString('utf8') : ''].join('\n');
}

describe('1. decode never throws', () => {
  it.each([
    ['seconds far past the year 9999', 1e13, 0],
    ['seconds far before the year 1', -1e13, 0],
    ['nanos of 2e9', 1_700_000_000, 2e9],
    ['negative nanos', 1_700_000_000, -5],
    ['the year 0000', -62_167_219_200, 0],
    ['one second past 9999-12-31T23:59:59Z', 253_402_300_800, 0],
  ])('a Timestamp with %s is a violation, not a throw', (_what, seconds, nanos) => {
    const bytes = paymentWithTimestamp(seconds, nanos);
    let r: ReturnType<typeof payments.decode> | undefined;
    expect(() => (r = payments.decode(bytes))).not.toThrow();
    expect(r?.ok).toBe(false);
    if (r && !r.ok) expect(r.violation.issues).toEqual([expect.objectContaining({ path: 'occurredAt', code: 'timestamp_range' })]);
  });

  it('the bounds of the Timestamp range decode', () => {
    const first = payments.decode(paymentWithTimestamp(-62_135_596_800, 0));
    const last = payments.decode(paymentWithTimestamp(253_402_300_799, 999_999_999));
    expect(first.ok && first.value?.occurredAt).toBe('0001-01-01T00:00:00.000Z');
    expect(last.ok && last.value?.occurredAt).toBe('9999-12-31T23:59:59.999Z');
  });

  it('year 0000 is refused on encode as on decode (and the bounds are accepted)', () => {
    const e = payments.encode({ ...payment, occurredAt: '0000-12-31T23:59:59.999Z' });
    expect(e.ok).toBe(false);
    if (!e.ok) expect(e.violation.issues).toEqual([expect.objectContaining({ path: 'occurredAt', code: 'timestamp_range' })]);
    expect(payments.encode({ ...payment, occurredAt: '0001-01-01T00:00:00Z' }).ok).toBe(true);
    expect(payments.encode({ ...payment, occurredAt: '9999-12-31T23:59:59.999999Z' }).ok).toBe(true);
  });

  it('never throws on any bytes, nor on something that is not bytes', () => {
    for (const c of entries.map((e) => codecOf(e.product.spec.name))) {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
          const r = c.decode(bytes);
          expect(typeof r.ok).toBe('boolean');
        }),
        { numRuns: 300 },
      );
      for (const junk of ['text', 42, {}, [1, 2], undefined]) expect(c.decode(junk as never).ok).toBe(false);
    }
  });

  it('never throws on anything a producer hands encode', () => {
    const hostile: unknown[] = [
      new Proxy({}, { get: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } }),
      Object.defineProperty({ ...payment }, 'merchantId', { enumerable: true, get: () => { throw new Error('getter'); } }),
      { ...payment, amountMinor: 10n },
      { ...payment, occurredAt: new Date() },
      Symbol('x'),
      () => 1,
    ];
    for (const v of hostile) expect(() => payments.encode(v)).not.toThrow();
    fc.assert(fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true }), (v) => {
      expect(() => payments.encode(v)).not.toThrow();
    }), { numRuns: 300 });
  });
});

describe('2. encodeKey never throws on an invalid record', () => {
  it.each([
    ['undefined', { ...payment, paymentId: undefined }, null],
    ['a number', { ...payment, paymentId: 42 }, '42'],
    ['null', { ...payment, paymentId: null }, null],
    ['an object', { ...payment, paymentId: { nested: true } }, null],
    ['a string that is not a uuid', { ...payment, paymentId: 'NOT-A-UUID' }, 'NOT-A-UUID'],
    ['a missing record', undefined, null],
  ])('a key of %s gives evidence bytes or null', (_what, record, expected) => {
    let k: Buffer | null | undefined;
    expect(() => (k = payments.encodeKey(record))).not.toThrow();
    expect(k === null ? null : k?.toString('utf8')).toBe(expected);
  });
  it('a getter that throws gives null', () => {
    const r = Object.defineProperty({}, 'paymentId', { get: () => { throw new Error('no'); } });
    expect(payments.encodeKey(r)).toBeNull();
  });
  it('a valid key still gives its canonical bytes', () => {
    expect(payments.encodeKey({ ...payment, paymentId: payment.paymentId.toUpperCase() })?.toString('utf8')).toBe(payment.paymentId);
  });
});

describe('3. a record larger than its topic allows is a violation on encode', () => {
  it('10 MiB of metadata on a topic with the broker default', () => {
    const e = payments.encode({ ...payment, metadata: { blob: 'x'.repeat(10 * 1024 * 1024) } });
    expect(payments.maxMessageBytes).toBe(BROKER_DEFAULT_MAX_MESSAGE_BYTES);
    expect(e.ok).toBe(false);
    if (!e.ok) {
      expect(e.violation.kind).toBe('too-large');
      expect(e.violation.issues[0].message).toMatch(/more than the 1,048,588 bytes payments\.payment-events\.v1 accepts \(max\.message\.bytes\)/);
    }
  });
  it('the limit is the topic\'s, counted as the broker counts: the largest record that fits passes, one byte more fails', () => {
    const c = codecOf('payment-events', { maxMessageBytes: 4096 });
    const ok = (n: number) => c.encode({ ...payment, metadata: { k: 'x'.repeat(n) } });
    let n = 0; // the longest value that fits: binary search in 0..8192
    for (let hi = 8192; n < hi; ) {
      const mid = (n + hi + 1) >> 1;
      if (ok(mid).ok) n = mid;
      else hi = mid - 1;
    }
    const fits = ok(n);
    expect(fits.ok && recordBatchBytes(36, fits.bytes!.length)).toBeLessThanOrEqual(4096);
    const over = ok(n + 1);
    expect(over.ok).toBe(false);
    expect(!over.ok && over.violation.kind).toBe('too-large');
    expect(n).toBeGreaterThan(3800);
  });
  it('the option must be a sensible byte count', () => {
    expect(() => codecOf('payment-events', { maxMessageBytes: 0 })).toThrow(/maxMessageBytes must be a whole number of bytes of at least 1024/);
  });
  it('topicLimits gives the limits synth derives: the schema\'s bound, else the broker\'s', () => {
    expect(topicLimits(payments.product).maxMessageBytes).toBe(BROKER_DEFAULT_MAX_MESSAGE_BYTES);
    expect(topicLimits(codecOf('refund-events').product).maxMessageBytes).toBe(65536);
    expect(topicLimits(payments.product).deadLetterMaxMessageBytes).toBe(BROKER_DEFAULT_MAX_MESSAGE_BYTES + 65536);
  });
});

/** A product with a record of objects and a refinement whose message quotes the value. */
const quoting = (classification: string) =>
  defineDataProduct(spec({
    classification,
    schema: z.object({
      paymentId: z.uuid(),
      holder: z.string().refine((s) => !s.includes('@'), { error: (iss) => `${String(iss.input)} looks like an e-mail address` }),
      lines: z.array(z.object({ sku: z.string().max(5) })),
      metadata: z.record(z.string(), z.string().max(3)).optional(),
    }),
  }));

describe('4. the dead-letter envelope always fits the dead-letter topic', () => {
  const many = { paymentId: payment.paymentId, holder: 'x', lines: Array.from({ length: 170_000 }, () => ({ sku: 'TOO-LONG-SKU' })) };
  it('a record with 170,000 bad items gives the first failures and their count, within the limit', () => {
    const c = createCodec(quoting('internal'));
    const e = c.encode(many);
    expect(!e.ok && e.violation.issues.length).toBe(170_000);
    const dl = toDeadLetter({ key: c.encodeKey(many), value: many }, (e as { violation: ContractViolation }).violation, { product: c.product });
    expect(dl.sizeBytes).toBeLessThanOrEqual(BROKER_DEFAULT_MAX_MESSAGE_BYTES);
    expect(JSON.parse(dl.headers['contract-mesh.failures'] as string).length).toBeLessThanOrEqual(20);
    expect(dl.headers['contract-mesh.failure-count']).toBe('170000');
    const totalHeaderBytes = Object.entries(dl.headers).reduce((t, [k, v]) => t + k.length + Buffer.byteLength(v as string), 0);
    expect(totalHeaderBytes).toBeLessThan(32 * 1024);
    // the value (JSON evidence of ~3 MB) did not fit: a truncated copy with the original's size and SHA-256
    expect(dl.headers['contract-mesh.value-truncated']).toBe('true');
    const full = Buffer.from(JSON.stringify(many));
    expect(dl.headers['contract-mesh.value-bytes']).toBe(String(full.length));
    expect(dl.headers['contract-mesh.value-sha256']).toBe(createHash('sha256').update(full).digest('hex'));
    expect(Buffer.from(dl.value!).equals(full.subarray(0, dl.value!.length))).toBe(true);
  });
  it('fits any limit from 16 KiB up, whatever the key, value, headers and failures (and says its size truly)', () => {
    const c = createCodec(quoting('internal'));
    fc.assert(
      fc.property(
        fc.integer({ min: 16 * 1024, max: 256 * 1024 }),
        fc.option(fc.uint8Array({ maxLength: 70_000 }), { nil: null }),
        fc.option(fc.uint8Array({ maxLength: 400_000 }), { nil: null }),
        fc.dictionary(fc.string({ maxLength: 40 }), fc.oneof(fc.string({ maxLength: 3000 }), fc.uint8Array({ maxLength: 3000 })), { maxKeys: 30 }),
        fc.array(fc.record({ path: fc.string({ maxLength: 600 }), message: fc.string({ maxLength: 3000 }) }), { minLength: 1, maxLength: 60 }),
        (max, key, value, headers, issues) => {
          const violation: ContractViolation = { product: c.product.id, kind: 'malformed', reason: 'x'.repeat(5000), issues: issues.map((i) => ({ ...i, code: 'custom', redacted: { path: i.path, message: i.message } })) };
          const dl = toDeadLetter({ key, value, headers }, violation, { product: c.product, sourceTopic: c.product.topic, partition: 1, offset: 9n, maxMessageBytes: max });
          const sizes = Object.entries(dl.headers).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [Buffer.byteLength(k), typeof x === 'string' ? Buffer.byteLength(x) : (x as Uint8Array).length] as const));
          expect(dl.sizeBytes).toBe(recordBatchBytes(dl.key ? dl.key.length : null, dl.value ? dl.value.length : null, sizes));
          expect(dl.sizeBytes).toBeLessThanOrEqual(max);
        },
      ),
      { numRuns: 60 },
    );
  });
  it('keeps the evidence of values JSON cannot carry: BigInt, cycles, NaN, undefined', () => {
    const c = createCodec(quoting('internal'));
    const cyclic: Record<string, unknown> = { paymentId: payment.paymentId, amount: 12n, ratio: NaN, gone: undefined, lines: [] };
    cyclic.self = cyclic;
    const e = c.encode(cyclic);
    const dl = toDeadLetter({ key: c.encodeKey(cyclic), value: cyclic }, (e as { violation: ContractViolation }).violation, { product: c.product });
    const text = Buffer.from(dl.value!).toString('utf8');
    expect(JSON.parse(text)).toEqual({ paymentId: payment.paymentId, amount: { $bigint: '12' }, ratio: { $number: 'NaN' }, gone: { $undefined: true }, lines: [], self: { $circular: '(root)' } });
    expect(text).not.toContain('[object Object]');
  });
});

describe('5. a pii or confidential dead letter never carries the value in clear', () => {
  const person = { paymentId: payment.paymentId, holder: 'jane.doe@example.com', lines: [{ sku: 'OK' }], metadata: { 'jane.doe@example.com': 'Jane Doe, 1 High Street' } };
  it.each(['pii', 'confidential'])('%s, producer side: the key, redacted paths and messages, the SHA-256 — nothing else of the record', (classification) => {
    const c = createCodec(quoting(classification));
    const e = c.encode(person);
    expect(e.ok).toBe(false);
    const violation = (e as { violation: ContractViolation }).violation;
    expect(violation.issues.map((i) => i.message).join(' ')).toContain('jane.doe@example.com'); // the codec's own violation does quote it
    const dl = toDeadLetter({ key: c.encodeKey(person), value: person, headers: { trace: 'jane.doe@example.com' } }, violation, { product: c.product });
    const text = textOf(dl);
    for (const secret of ['jane', 'Jane', 'High Street']) expect(text).not.toContain(secret);
    expect(dl.value).toBeNull();
    expect(dl.key?.toString()).toBe(payment.paymentId);
    expect(dl.headers['contract-mesh.value-format']).toBe('withheld');
    expect(dl.headers['contract-mesh.value-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(dl.headers['contract-mesh.failing-paths'] as string)).toEqual(expect.arrayContaining(['holder', 'metadata.*']));
    expect(dl.headers['contract-mesh.headers-dropped']).toBe('1');
  });
  it('consumer side: the SHA-256 of the original bytes, no value, no personal data in any header', () => {
    const profile = codecOf('customer-profile');
    const good = { customerId: payment.paymentId, email: 'jane.doe@example.com', fullName: 'Jane Doe', tier: 'GOLD', marketingOptIn: true, updatedAt: '2026-01-02T03:04:05.678Z', address: { line1: '1 High Street', city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' } };
    const e = profile.encode(good);
    if (!e.ok || !e.bytes) throw new Error('fixture');
    const bytes = Buffer.concat([Buffer.from(e.bytes), Buffer.from([0x30, 0x07])]); // tier = 7: no such value
    const d = profile.decode(bytes);
    expect(d.ok).toBe(false);
    const dl = toDeadLetter({ key: profile.encodeKey(good), value: bytes }, (d as { violation: ContractViolation }).violation, { product: profile.product, sourceTopic: profile.product.topic, partition: 0, offset: 7 });
    const text = textOf(dl);
    for (const secret of ['jane', 'Jane', 'High Street', 'LS1']) expect(text).not.toContain(secret);
    expect(dl.value).toBeNull();
    expect(dl.headers['contract-mesh.value-sha256']).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(dl.headers['contract-mesh.value-bytes']).toBe(String(bytes.length));
  });
  it('an internal product\'s dead letter does carry the value (as a control)', () => {
    const c = createCodec(quoting('internal'));
    const e = c.encode(person);
    const dl = toDeadLetter({ key: null, value: person }, (e as { violation: ContractViolation }).violation, { product: c.product });
    expect(textOf(dl)).toContain('jane.doe@example.com');
  });
});

describe('6. __proto__ and constructor keys in a record field behave the same on encode and decode', () => {
  const shipments = codecOf('shipment-events');
  const shipment = { shipmentId: 's-1', orderId: payment.paymentId, carrier: 'DHL', scan: 'DELIVERED', parcels: [], scannedAt: '2026-01-02T03:04:05.678Z' };
  /** The bytes of the shipment with one carrierAttributes entry, as a producer in another language would write it. */
  const withEntry = (key: string) => {
    const base = shipments.encode(shipment);
    if (!base.ok || !base.bytes) throw new Error('fixture');
    const entry = protobuf.Writer.create().uint32((shipments.type.fields.carrier_attributes.id << 3) | 2).fork().uint32(10).string(key).uint32(18).string('x').ldelim().finish();
    return Buffer.concat([Buffer.from(base.bytes), Buffer.from(entry)]);
  };
  it('__proto__ is a violation both ways, at the same path', () => {
    const e = shipments.encode({ ...shipment, carrierAttributes: JSON.parse('{"__proto__": "x", "a": "b"}') });
    const d = shipments.decode(withEntry('__proto__'));
    expect(e.ok).toBe(false);
    expect(d.ok).toBe(false);
    const issue = (r: typeof e | typeof d) => (r.ok ? undefined : r.violation.issues.map((i) => [i.path, i.code]));
    expect(issue(e)).toEqual([['carrierAttributes.__proto__', 'reserved_key']]);
    expect(issue(d)).toEqual(issue(e));
  });
  it.each(['constructor', 'toString', 'hasOwnProperty'])('%s is an ordinary key both ways', (key) => {
    const e = shipments.encode({ ...shipment, carrierAttributes: JSON.parse(`{"${key}": "x"}`) });
    const d = shipments.decode(withEntry(key));
    expect(e.ok && Object.keys(e.value!.carrierAttributes as object)).toEqual([key]);
    expect(d.ok && Object.entries(d.value!.carrierAttributes as object)).toEqual([[key, 'x']]);
    const back = e.ok && e.bytes ? shipments.decode(e.bytes) : undefined;
    expect(back?.ok && back.value).toEqual(e.ok && e.value);
  });
});

describe('7. Confluent\'s dead-letter headers', () => {
  const violation = (c: Codec<Record<string, unknown>>, v: unknown) => (c.encode(v) as { violation: ContractViolation }).violation;
  it('producer side: mode WRITE, subject <topic>-value, the topic, the exception', () => {
    const bad = { ...payment, amountMinor: -1 };
    const dl = toDeadLetter({ key: payments.encodeKey(bad), value: bad }, violation(payments, bad), { product: payments.product });
    expect(dl.headers).toMatchObject({
      '__rule.name': 'contract-mesh.invalid',
      '__rule.mode': 'WRITE',
      '__rule.subject': 'payments.payment-events.v1-value',
      '__rule.topic': 'payments.payment-events.v1',
      'contract-mesh.side': 'producer',
    });
    expect(dl.headers['__rule.exception']).toMatch(/^ContractViolation: payments\/payment-events@v1: the record does not satisfy the contract: amountMinor: /);
  });
  it('consumer side: mode READ, from the topic it read', () => {
    const dl = toDeadLetter({ key: null, value: new Uint8Array([0xff]) }, (payments.decode(new Uint8Array([0xff])) as { violation: ContractViolation }).violation, { product: payments.product, sourceTopic: 'payments.payment-events.v1', partition: 2, offset: '77' });
    expect(dl.headers).toMatchObject({ '__rule.mode': 'READ', '__rule.name': 'contract-mesh.malformed', '__rule.topic': 'payments.payment-events.v1', 'contract-mesh.source-offset': '77' });
  });
  it('a tombstone on an event topic is dead-lettered with a null value', () => {
    const d = payments.decode(null);
    const dl = toDeadLetter({ key: Buffer.from(payment.paymentId), value: null }, (d as { violation: ContractViolation }).violation, { product: payments.product, sourceTopic: payments.product.topic, partition: 0, offset: 1 });
    expect(dl.value).toBeNull();
    expect(dl.headers['__rule.name']).toBe('contract-mesh.tombstone');
  });
  it('the exception of a pii product quotes no value', () => {
    const c = createCodec(quoting('pii'));
    const v = { paymentId: payment.paymentId, holder: 'jane.doe@example.com', lines: [] };
    const dl = toDeadLetter({ key: null, value: v }, (c.encode(v) as { violation: ContractViolation }).violation, { product: c.product });
    expect(dl.headers['__rule.exception']).toMatch(/holder: a refinement of the contract failed/);
    expect(dl.headers['__rule.exception']).not.toContain('jane');
  });
});
