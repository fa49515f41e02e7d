/**
 * The contract consumer on the real broker, as the consumer's own principal
 * with only the ACLs the mesh derives: what it does with hostile bytes and
 * tombstones, with a failing handler, a poison record, and on stop().
 */
import fc from 'fast-check';
import { createConsumer, PoisonRecordError, type ContractRecord, type RunningConsumer } from '../../runtime/consumer';
import { silentLog, type RuntimeLog } from '../../runtime/log';
import { createProducer } from '../../runtime/producer';
import { prepareProduct } from '../../runtime/products';
import { STORABLE, valueArb } from '../support/arbitrary';
import { describeBroker } from '../support/broker';
import { applyTestMesh, eventually, fixtureProducts, hostileValues, newTag, readTopic, renamed, type TestMesh, type TestProduct } from '../support/runtime-mesh';

type Rec = ContractRecord<Record<string, unknown>>;

describeBroker('the contract consumer', (broker) => {
  const tag = newTag();
  const fixtures = fixtureProducts();
  const payments = fixtures.find((p) => p.compiled.id === 'payments/payment-events@v1') as TestProduct;
  const orders = fixtures.find((p) => p.compiled.id === 'orders/order-state@v1') as TestProduct;
  // One copy of a product per test: each has its own topic and groups.
  const [hostile, retrying, poison, stopping, events] = ['a', 'b', 'c', 'd', 'e'].map((x) => renamed(payments, `${tag}${x}`));
  const entity = renamed(orders, tag);
  let mesh: TestMesh;

  beforeAll(async () => {
    mesh = await applyTestMesh(broker(), undefined, [hostile, retrying, poison, stopping, events, entity]);
  });
  afterAll(async () => {
    await mesh?.close();
  });

  const valid = (p: TestProduct, n: number, seed: number) =>
    fc.sample(valueArb(p.compiled.shape, STORABLE), { numRuns: n * 3, seed }).filter((v) => p.product.spec.schema.safeParse(v).success).slice(0, n);
  /** A record's key as consumers see it (the canonical key string). */
  const keyOf = (p: TestProduct, v: unknown) => String(prepareProduct(p.product, p.lock).codec.encodeKey(v));
  const produce = async (p: TestProduct, values: unknown[]) => {
    const producer = await createProducer(p.product, { connection: mesh.kafkaAs(p.compiled.producer.principal), lock: p.lock });
    try {
      return await producer.sendBatch(values);
    } finally {
      await producer.close();
    }
  };
  const consume = (p: TestProduct, name: string, handler: (r: Rec) => Promise<void>, extra: { log?: RuntimeLog } = {}) =>
    createConsumer(p.product, name, handler, { connection: mesh.kafkaAs(p.compiled.consumers.find((c) => c.name === name)!.principal), lock: p.lock, log: extra.log ?? silentLog, stopOnSignals: false, retry: { initialMs: 50, maxMs: 300 } });
  const committed = async (p: TestProduct, name: string) => {
    const group = p.compiled.consumers.find((c) => c.name === name)!.group;
    const offsets = await mesh.admin.withAdmin((a) => a.committedOffsets(group, p.compiled.topic));
    return offsets.reduce((sum, o) => sum + Math.max(0, Number(o.offset)), 0);
  };

  it('dead-letters hostile bytes and a tombstone on an event topic with their source, and goes on to the valid records', async () => {
    const p = hostile;
    const { codec } = prepareProduct(p.product, p.lock);
    const [v1, v2] = valid(p, 2, 1);
    const bytes = codec.encode(v1) as { bytes: Uint8Array };
    const corpus = hostileValues(p, bytes.bytes);
    expect(corpus.length).toBeGreaterThanOrEqual(5);
    const key = codec.encodeKey(v1) as Buffer;
    const producer = await mesh.admin.producer(); // hostile bytes go straight to the topic, past any codec
    const sent = await producer.send(p.compiled.topic, [...corpus.map(([, value]) => ({ key, value, partition: 0 })), { key, value: null, partition: 0 }]);
    await producer.disconnect();
    await produce(p, [v2]);

    const got: Rec[] = [];
    const c = await consume(p, 'fraud-scoring', async (r) => void got.push(r));
    try {
      await eventually('the valid record', () => got.length >= 1);
      const letters = await readTopic(mesh.admin, p.compiled.deadLetterTopic, corpus.length + 1);
      const base = Number(sent[0].baseOffset);
      expect(letters.map((l) => l.headers['contract-mesh.source-offset']?.toString()).sort()).toEqual(Array.from({ length: corpus.length + 1 }, (_, i) => String(base + i)).sort());
      for (const l of letters) {
        expect(l.headers['contract-mesh.source-topic']?.toString()).toBe(p.compiled.topic);
        expect(l.headers['contract-mesh.source-partition']?.toString()).toBe('0');
        expect(l.key?.equals(key)).toBe(true);
      }
      const tombstone = letters.find((l) => l.value === null);
      expect(tombstone?.headers['contract-mesh.failure-reason']?.toString()).toMatch(/tombstone/);
      expect(got).toHaveLength(1);
      expect(got[0].key?.toString()).toBe(keyOf(p, v2));
      await eventually('the offsets past every record', async () => (await committed(p, 'fraud-scoring')) === corpus.length + 2);
    } finally {
      await c.stop();
    }
    await expect(c.stopped).resolves.toBeUndefined();
  });

  it('retries a failing handler with backoff, never dead-letters it, and commits only after it succeeded', async () => {
    const p = retrying;
    const values = valid(p, 3, 2);
    await produce(p, values.map((v) => v));
    const attempts: number[] = [];
    const committedWhileFailing: bigint[] = [];
    const done: Rec[] = [];
    const failingKey = keyOf(p, values[1]);
    let failing: Rec | undefined;
    const committedIn = async (partition: number) => {
      const group = p.compiled.consumers.find((x) => x.name === 'fraud-scoring')!.group;
      const offsets = await mesh.admin.withAdmin((a) => a.committedOffsets(group, p.compiled.topic));
      return BigInt(offsets.find((o) => o.partition === partition)?.offset ?? '-1');
    };
    const c = await consume(p, 'fraud-scoring', async (r) => {
      if (r.key?.toString() === failingKey && attempts.length < 4) {
        failing = r;
        attempts.push(Date.now());
        committedWhileFailing.push(await committedIn(r.partition));
        throw new Error('the downstream service is unavailable');
      }
      done.push(r);
    });
    try {
      await eventually('all three records handled', () => done.length === 3);
      expect(attempts).toHaveLength(4);
      // Backed off between attempts (jittered, bounded by maxMs).
      const waits = attempts.slice(1).map((t, i) => t - attempts[i]);
      expect(Math.min(...waits)).toBeGreaterThanOrEqual(20);
      // While it failed, its partition was never committed past it; once it succeeded, it was.
      const at = BigInt((failing as Rec).offset);
      expect(committedWhileFailing.every((o) => o <= at)).toBe(true);
      await eventually('the failing record committed', async () => (await committedIn((failing as Rec).partition)) === at + 1n);
      await eventually('every offset committed', async () => (await committed(p, 'fraud-scoring')) === 3);
    } finally {
      await c.stop();
    }
    const dlq = await mesh.admin.withAdmin((a) => a.topicOffsets(p.compiled.deadLetterTopic));
    expect(dlq.every((o) => o.high === '0')).toBe(true);
  });

  it('dead-letters a record the handler marks as poison, with the reason, and goes on', async () => {
    const p = poison;
    const values = valid(p, 3, 3);
    await produce(p, values);
    const poisonKey = keyOf(p, values[0]);
    const done: Rec[] = [];
    const c = await consume(p, 'fraud-scoring', async (r) => {
      if (r.key?.toString() === poisonKey) throw new PoisonRecordError('the merchant does not exist');
      done.push(r);
    });
    try {
      await eventually('the other records', () => done.length === 2);
      const [letter] = await readTopic(mesh.admin, p.compiled.deadLetterTopic, 1);
      expect(letter.headers['contract-mesh.failure-reason']?.toString()).toBe('consumer fraud-scoring marked the record as poison');
      expect(letter.headers['contract-mesh.failures']?.toString()).toContain('the merchant does not exist');
      expect(letter.headers['contract-mesh.source-topic']?.toString()).toBe(p.compiled.topic);
      await eventually('every offset committed', async () => (await committed(p, 'fraud-scoring')) === 3);
    } finally {
      await c.stop();
    }
  });

  it('stop() lets the in-flight record finish, commits it and leaves the group', async () => {
    const p = stopping;
    const [v] = valid(p, 1, 4);
    await produce(p, [v]);
    let started!: () => void;
    const inFlight = new Promise<void>((r) => (started = r));
    let finishedAt = 0;
    const c: RunningConsumer = await consume(p, 'fraud-scoring', async () => {
      started();
      await new Promise((r) => setTimeout(r, 1500));
      finishedAt = Date.now();
    });
    await inFlight;
    const t0 = Date.now();
    await c.stop();
    await expect(c.stopped).resolves.toBeUndefined();
    expect(finishedAt).toBeGreaterThan(t0);
    expect(await committed(p, 'fraud-scoring')).toBe(1);
    // The member left: a new one gets the partitions at once (no session timeout to wait for) and nothing again.
    const again: Rec[] = [];
    const t1 = Date.now();
    const c2 = await consume(p, 'fraud-scoring', async (r) => void again.push(r));
    expect(Date.now() - t1).toBeLessThan(8000);
    await new Promise((r) => setTimeout(r, 1000));
    await c2.stop();
    expect(again).toEqual([]);
  });

  it('hands an entity\'s tombstone to the handler as a deletion; the producer dead-letters an event\'s', async () => {
    const [v] = valid(entity, 1, 5);
    await produce(entity, [v]);
    const producer = await createProducer(entity.product, { connection: mesh.kafkaAs(entity.compiled.producer.principal), lock: entity.lock });
    await expect(producer.delete(v[entity.compiled.key])).resolves.toEqual({ status: 'sent', topic: entity.compiled.topic });
    const refused = await producer.delete('not-a-uuid');
    expect(refused).toMatchObject({ status: 'dead-lettered', violation: { reason: expect.stringMatching(/key/) } });
    await producer.close();
    const got: Rec[] = [];
    const c = await consume(entity, 'customer-care', async (r) => void got.push(r));
    try {
      await eventually('the record and its tombstone', () => got.length === 2);
    } finally {
      await c.stop();
    }
    expect(got[1]).toMatchObject({ tombstone: true, value: null });
    expect(got[1].key?.toString()).toBe(String(v[entity.compiled.key]).toLowerCase());

    const eventProducer = await createProducer(events.product, { connection: mesh.kafkaAs(events.compiled.producer.principal), lock: events.lock });
    const r = await eventProducer.delete(valid(events, 1, 6)[0][events.compiled.key]);
    await eventProducer.close();
    expect(r).toMatchObject({ status: 'dead-lettered', topic: events.compiled.deadLetterTopic, violation: { reason: 'an event has no tombstones' } });
  });
});
