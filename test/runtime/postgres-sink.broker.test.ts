/**
 * The Postgres sink on the real broker and PostgreSQL 17, as the sink
 * consumer's principal and its login role: a PostgreSQL outage pauses it
 * without committing; a row the table refuses is dead-lettered while the
 * rest of the batch is written; an entity's tombstone deletes its row; the
 * batches of every partition a fetch brings are written in one transaction;
 * a bad setup fails with an error naming what exists and what to run.
 */
import fc from 'fast-check';
import type { Client } from 'pg';
import { silentLog } from '../../runtime/log';
import { runPostgresSink, type CommittedBatch, type RunningSink } from '../../runtime/postgres-sink';
import { createProducer } from '../../runtime/producer';
import { prepareProduct } from '../../runtime/products';
import { STORABLE, valueArb } from '../support/arbitrary';
import { describeBroker } from '../support/broker';
import { startPostgres, type PgServer } from '../support/postgres';
import { applyTestMesh, eventually, fixtureProducts, newTag, readTopic, renamed, sinkRows, type TestMesh, type TestProduct } from '../support/runtime-mesh';

describeBroker('the Postgres sink', (broker) => {
  const tag = newTag();
  const fixtures = fixtureProducts();
  const byId = (id: string) => fixtures.find((p) => p.compiled.id === id) as TestProduct;
  const outage = renamed(byId('customers/consent-events@v1'), `${tag}a`);
  const refused = renamed(byId('payments/payment-events@v1'), `${tag}b`);
  const entity = renamed(byId('orders/order-state@v1'), `${tag}c`);
  const grouped = renamed(byId('payments/payment-events@v1'), `${tag}d`);
  let pg: PgServer;
  let mesh: TestMesh;
  let db: Client;

  beforeAll(async () => {
    pg = await startPostgres();
    mesh = await applyTestMesh(broker(), pg, [outage, refused, entity, grouped]);
    db = await pg.admin(mesh.database);
  });
  afterAll(async () => {
    await db?.end().catch(() => undefined);
    await mesh?.close();
    await pg?.stop();
  });

  const valid = (p: TestProduct, n: number, seed: number) =>
    fc.sample(valueArb(p.compiled.shape, STORABLE), { numRuns: n * 3, seed }).filter((v) => p.product.spec.schema.safeParse(v).success).slice(0, n);
  const produce = async (p: TestProduct, values: unknown[]) => {
    const producer = await createProducer(p.product, { connection: mesh.kafkaAs(p.compiled.producer.principal), lock: p.lock });
    try {
      return await producer.sendBatch(values);
    } finally {
      await producer.close();
    }
  };
  const sinkOf = (p: TestProduct) => mesh.sinks.find((s) => s.table.product === p.compiled.id)!;
  const start = (p: TestProduct, onCommitted?: (b: CommittedBatch) => void) => {
    const consumer = p.compiled.consumers.find((c) => c.sink)!;
    return runPostgresSink(p.product, consumer.name, { connection: mesh.kafkaAs(consumer.principal), lock: p.lock, postgres: mesh.postgresAs(p, consumer.name), log: silentLog, stopOnSignals: false, retry: { initialMs: 100, maxMs: 500 }, ...(onCommitted ? { onCommitted } : {}) });
  };
  const committed = async (p: TestProduct) => {
    const group = p.compiled.consumers.find((c) => c.sink)!.group;
    return (await mesh.admin.withAdmin((a) => a.committedOffsets(group, p.compiled.topic))).reduce((n, o) => n + Math.max(0, Number(o.offset)), 0);
  };

  it('pauses while PostgreSQL is down — nothing committed — and resumes when it is back', async () => {
    const sink: RunningSink = await start(outage);
    try {
      await produce(outage, valid(outage, 20, 1));
      await eventually('20 rows', async () => (await sinkRows(db, sinkOf(outage))).length === 20);
      await eventually('20 offsets committed', async () => (await committed(outage)) === 20);
      await db.end();
      await pg.down();
      await produce(outage, valid(outage, 20, 2));
      await new Promise((r) => setTimeout(r, 3000)); // the sink tries, fails, backs off
      expect(await committed(outage)).toBe(20);
      await pg.up();
      db = await pg.admin(mesh.database);
      await eventually('40 rows after the outage', async () => (await sinkRows(db, sinkOf(outage))).length === 40, 60_000);
      await eventually('40 offsets committed', async () => (await committed(outage)) === 40);
    } finally {
      await sink.stop();
    }
    await expect(sink.stopped).resolves.toBeUndefined();
    // Append: every record once, none twice.
    const rows = await sinkRows(db, sinkOf(outage));
    expect(new Set(rows.map((r) => `${r.partition}/${r.offset}`)).size).toBe(40);
  });

  it('dead-letters a row the table refuses, writes the rest of the batch, and goes on', async () => {
    const { codec } = prepareProduct(refused.product, refused.lock);
    const [extra, ...values] = valid(refused, 7, 3);
    // Valid under the contract, but PostgreSQL cannot store U+0000 in text.
    const nul = { ...extra, merchantId: 'bad\u0000merchant' };
    expect(refused.product.spec.schema.safeParse(nul).success).toBe(true);
    const results = await produce(refused, [...values.slice(0, 2), nul, ...values.slice(2)]);
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    const batches: CommittedBatch[] = [];
    const sink = await start(refused, (b) => batches.push(b));
    try {
      await eventually('every record committed', async () => (await committed(refused)) === 7);
      const rows = await sinkRows(db, sinkOf(refused));
      const keys = new Set(rows.map((r) => String(r.record[refused.compiled.key])));
      expect(keys.size).toBe(6);
      expect(keys.has(String(codec.encodeKey(nul)))).toBe(false);
      const [letter] = await readTopic(mesh.admin, refused.compiled.deadLetterTopic, 1);
      expect(letter.headers['contract-mesh.failure-reason']?.toString()).toMatch(/sink table .* refused the record/);
      expect(letter.headers['contract-mesh.failures']?.toString()).toMatch(/SQLSTATE 22/);
      expect(batches.reduce((n, b) => n + b.deadLettered, 0)).toBe(1);
    } finally {
      await sink.stop();
    }
  });

  it('deletes an entity\'s row on its tombstone, and an older record never overwrites a newer one', async () => {
    const [a, b] = valid(entity, 2, 4);
    const key = entity.compiled.key;
    const newer = { ...valid(entity, 3, 5)[2], [key]: a[key] };
    await produce(entity, [a, b, newer]);
    const producer = await createProducer(entity.product, { connection: mesh.kafkaAs(entity.compiled.producer.principal), lock: entity.lock });
    await producer.delete(b[key]);
    await producer.close();
    const sink = await start(entity);
    try {
      await eventually('every record committed', async () => (await committed(entity)) === 4);
      const rows = await sinkRows(db, sinkOf(entity));
      expect(rows).toHaveLength(1);
      expect(String(rows[0].record[key])).toBe(String(a[key]).toLowerCase());
      expect(rows[0].record.updatedAt).toBe(new Date(newer.updatedAt as string).toISOString());
    } finally {
      await sink.stop();
    }
  });

  it('writes the batches of every partition one fetch brings in one transaction, then commits all their offsets', async () => {
    const values = valid(grouped, 40, 31);
    await produce(grouped, values);
    const sink = await start(grouped);
    try {
      await eventually('every record committed', async () => (await committed(grouped)) === 40);
      const { table } = sinkOf(grouped);
      // Rows written by one transaction share its id (xmin).
      const { rows } = await db.query(`SELECT xmin::text AS tx, count(*)::int AS n, count(DISTINCT _source_partition)::int AS partitions FROM "${table.schema.value}"."${table.table.value}" GROUP BY 1`);
      const all = await db.query(`SELECT count(DISTINCT _source_partition)::int AS partitions FROM "${table.schema.value}"."${table.table.value}"`);
      expect(rows.reduce((n, r) => n + r.n, 0)).toBe(40);
      expect(all.rows[0].partitions).toBeGreaterThan(1);
      expect(Math.max(...rows.map((r) => r.partitions))).toBeGreaterThan(1);
    } finally {
      await sink.stop();
    }
  });

  it('names what exists: an unknown consumer, a consumer without a sink, a missing table', async () => {
    const c = refused.compiled;
    const base = { connection: mesh.kafkaAs(c.consumers[0].principal), lock: refused.lock, postgres: mesh.postgresAs(refused, 'ledger'), log: silentLog, stopOnSignals: false as const };
    await expect(runPostgresSink(refused.product, 'ledgr', base)).rejects.toThrow(`${c.id} has no sink consumer "ledgr" (did you mean ledger?). Its sink consumers are: ledger.`);
    await expect(runPostgresSink(refused.product, 'fraud-scoring', base)).rejects.toThrow(/consumer fraud-scoring declares no sink.*sink consumers are: ledger/);
    await expect(runPostgresSink(refused.product, 'ledger', { ...base, lock: undefined })).rejects.toThrow(/has no lock .*npm run contracts:lock/);
    await db.query(`ALTER TABLE "${sinkOf(refused).table.schema.value}"."${sinkOf(refused).table.table.value}" RENAME TO moved_away`);
    try {
      await expect(runPostgresSink(refused.product, 'ledger', base)).rejects.toThrow(/the sink table does not exist: apply the migrations \(`npm run mesh:apply` locally/);
    } finally {
      await db.query(`ALTER TABLE "${sinkOf(refused).table.schema.value}".moved_away RENAME TO "${sinkOf(refused).table.table.value}"`);
    }
  });
});
