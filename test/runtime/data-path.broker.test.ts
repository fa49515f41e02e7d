/**
 * The data path on the real broker and PostgreSQL 17, for every fixture
 * product: generated valid records, mixed with invalid ones, go through the
 * edge-validating producer; every consumer the contract names reads them as
 * its own principal (with only the ACLs the mesh derives) — a sink writes
 * rows equal to the records, any other consumer hands them to its handler —
 * and the invalid ones wait in the dead-letter topic with the envelope.
 */
import fc from 'fast-check';
import type { Client } from 'pg';
import { createConsumer, type ContractRecord } from '../../runtime/consumer';
import { silentLog } from '../../runtime/log';
import { runPostgresSink } from '../../runtime/postgres-sink';
import { createProducer } from '../../runtime/producer';
import { prepareProduct } from '../../runtime/products';
import { normaliseForSink, STORABLE, valueArb } from '../support/arbitrary';
import { describeBroker } from '../support/broker';
import { startPostgres, type PgServer } from '../support/postgres';
import { applyTestMesh, eventually, fixtureProducts, newTag, readTopic, renamed, sinkRows, type TestMesh, type TestProduct } from '../support/runtime-mesh';

const VALID = 40;
const INVALID = 6;

/** Records the contract refuses, each for another reason: the key of the wrong type, a field missing, an unknown enum value. */
function invalidOf(p: TestProduct, valid: ReadonlyArray<Record<string, unknown>>): unknown[] {
  const shape = p.compiled.shape;
  const required = shape.fields.find((f) => f.required && f.name !== p.compiled.key);
  const enumField = shape.fields.find((f) => f.type.kind === 'enum');
  const out: unknown[] = [];
  for (let i = 0; out.length < INVALID; i++) {
    const v = { ...valid[i % valid.length] };
    if (i % 3 === 0) v[p.compiled.key] = { not: 'a key' };
    else if (i % 3 === 1 && required) delete v[required.name];
    else if (enumField) v[enumField.name] = 'NOT_A_VALUE';
    else v[p.compiled.key] = 42.5;
    out.push(v);
  }
  return out;
}

describeBroker('the data path, every fixture product end to end', (broker) => {
  let pg: PgServer;
  let mesh: TestMesh;
  let db: Client;
  const tag = newTag();
  const products = fixtureProducts().map((p) => renamed(p, tag));

  beforeAll(async () => {
    pg = await startPostgres();
    mesh = await applyTestMesh(broker(), pg, products);
    db = await pg.admin(mesh.database);
    await db.query(`SET TIME ZONE 'UTC'`);
  });
  afterAll(async () => {
    await db?.end();
    await mesh?.close();
    await pg?.stop();
  });

  it('covers every fixture product, and at least one sink of each mode', () => {
    expect(products).toHaveLength(6);
    const modes = new Set(products.flatMap((p) => p.compiled.consumers.flatMap((c) => (c.sink ? [c.sink.postgres.mode] : []))));
    expect(modes).toEqual(new Set(['upsert', 'append']));
  });

  it.each(products.map((p) => [p.compiled.id.replace(`-${tag}`, ''), p] as const))('%s: valid records flow to every consumer, invalid ones wait in the dead-letter topic', async (_id, p) => {
    const c = p.compiled;
    const { codec } = prepareProduct(p.product, p.lock);
    const schema = p.product.spec.schema;
    const valid = fc.sample(valueArb(c.shape, STORABLE), { numRuns: VALID * 2, seed: 1616 }).filter((v) => schema.safeParse(v).success).slice(0, VALID);
    expect(valid).toHaveLength(VALID);
    const invalid = invalidOf(p, valid);
    const mixed: unknown[] = [];
    valid.forEach((v, i) => {
      mixed.push(v);
      if (i % 7 === 3 && invalid.length) mixed.push(invalid.shift());
    });
    mixed.push(...invalid.splice(0));

    const producer = await createProducer(p.product, { connection: mesh.kafkaAs(c.producer.principal), lock: p.lock });
    const results = await producer.sendBatch(mixed);
    await producer.close();
    expect(results.filter((r) => r.status === 'sent')).toHaveLength(VALID);
    const dead = results.filter((r) => r.status === 'dead-lettered');
    expect(dead).toHaveLength(INVALID);
    expect(dead.every((r) => r.topic === c.deadLetterTopic)).toBe(true);

    // The records as every consumer reads them: what the codec decodes from what the producer encoded.
    const asRead = valid.map((v) => {
      const e = codec.encode(v);
      const d = e.ok && e.bytes ? codec.decode(e.bytes) : undefined;
      if (!d?.ok || !d.value) throw new Error(`a valid record does not round-trip: ${JSON.stringify(v)}`);
      return d.value;
    });
    const expected = asRead.map((v) => normaliseForSink(c.shape, v));
    const running = [];
    const handled = new Map<string, Array<ContractRecord<Record<string, unknown>>>>();
    for (const consumer of c.consumers) {
      const connection = mesh.kafkaAs(consumer.principal);
      if (consumer.sink) {
        running.push(await runPostgresSink(p.product, consumer.name, { connection, lock: p.lock, postgres: mesh.postgresAs(p, consumer.name), log: silentLog, stopOnSignals: false }));
      } else {
        const got: Array<ContractRecord<Record<string, unknown>>> = [];
        handled.set(consumer.name, got);
        running.push(await createConsumer(p.product, consumer.name, async (r) => void got.push(r), { connection, lock: p.lock, log: silentLog, stopOnSignals: false }));
      }
    }
    try {
      for (const sink of mesh.sinks.filter((s) => s.table.product === c.id)) {
        await eventually(`${VALID} rows in ${sink.table.table.value}`, async () => (await sinkRows(db, sink)).length >= VALID);
        const rows = await sinkRows(db, sink);
        const byKey = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a[c.key]).localeCompare(String(b[c.key]));
        expect(rows.map((r) => r.record).sort(byKey)).toEqual([...expected].sort(byKey));
      }
      for (const [name, got] of handled) {
        await eventually(`${VALID} records handled by ${name}`, () => got.length >= VALID);
        const byKey = (a: unknown, b: unknown) => String((a as Record<string, unknown>)[c.key]).localeCompare(String((b as Record<string, unknown>)[c.key]));
        expect(got.map((r) => r.value).sort(byKey)).toEqual([...asRead].sort(byKey));
        expect(got.every((r) => r.topic === c.topic && !r.tombstone)).toBe(true);
      }
    } finally {
      await Promise.all(running.map((r) => r.stop()));
    }

    const letters = await readTopic(mesh.admin, c.deadLetterTopic, INVALID);
    expect(letters).toHaveLength(INVALID);
    for (const l of letters) {
      const h = (n: string) => l.headers[`contract-mesh.${n}`]?.toString();
      expect(h('contract')).toBe(c.id);
      expect(h('failure-reason')).toBeTruthy();
      expect(JSON.parse(h('failing-paths') ?? '[]')).not.toHaveLength(0);
    }
  });
});
