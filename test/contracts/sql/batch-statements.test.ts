/**
 * The set-wise sink statements (`sinkBatchStatements`, `planSinkBatch`) on a
 * real PostgreSQL 17: for every example sink, any sequence of writes and
 * tombstones over a few keys and two partitions — replays of older offsets
 * included, on a table that already holds rows — leaves the table exactly as
 * the one-record statements run one by one do; generated records store the
 * same row either way; and a value the table refuses fails the set-wise call
 * with the same SQLSTATE class (so the sink finds the row one by one).
 */
import fc from 'fast-check';
import type { Client } from 'pg';
import { normaliseRecord } from '../../../contracts/codec/normalise';
import type { SinkPlan } from '../../../contracts/sql/sink-plan';
import { columnValue, planSinkBatch, rowParams, sinkBatchStatements, tombstoneParams, type SinkOperation } from '../../../contracts/sql/statements';
import { STORABLE, valueArb } from '../../support/arbitrary';
import { startPostgres, type PgServer } from '../../support/postgres';
import { committedMigrations, MemorySecretStore, migrationHandler, SINK_EXAMPLES } from '../../support/sinks';

let pg: PgServer;
let db: string;
let admin: Client;

beforeAll(async () => {
  pg = await startPostgres();
  db = await pg.freshDatabase();
  await migrationHandler(pg, db, committedMigrations(), new MemorySecretStore())();
  admin = await pg.admin(db);
  await admin.query(`SET TIME ZONE 'UTC'`);
});
afterAll(async () => {
  await admin?.end();
  await pg?.stop();
});

const tableOf = (s: SinkPlan) => `"${s.table.schema.value}"."${s.table.table.value}"`;

/** The table's rows without `_ingested_at` (the one thing a set-wise call may set at another instant), in a fixed order. */
async function rowsOf(s: SinkPlan): Promise<string[]> {
  const { rows } = await admin.query(`SELECT row_to_json(t)::jsonb - '_ingested_at' AS r FROM ${tableOf(s)} t`);
  return rows.map((r) => JSON.stringify(r.r)).sort();
}

/** Runs `ops` with the one-record statements, one by one (what the sink did before). */
async function oneByOne(s: SinkPlan, ops: readonly SinkOperation[]): Promise<void> {
  for (const op of ops) {
    if (op.kind === 'write') await admin.query(s.statements.write.text, rowParams(s.columns, op.value, op.partition, op.offset));
    else if (s.statements.tombstone) await admin.query(s.statements.tombstone.text, tombstoneParams(op.key, op.partition, op.offset));
  }
}

/** Runs `ops` with the set-wise statements, as planned. */
async function setWise(s: SinkPlan, ops: readonly SinkOperation[]): Promise<number> {
  const statements = sinkBatchStatements(s.table, s.columns);
  const steps = planSinkBatch(s.table, s.columns, ops);
  for (const step of steps) {
    const statement = step.statement === 'write' ? statements.write : statements.tombstone;
    if (!statement) throw new Error('a tombstone step for a table without a tombstone statement');
    await admin.query(statement.text, step.params);
  }
  return steps.length;
}

describe.each(SINK_EXAMPLES.flatMap((e) => e.sinks.map((s) => [`${e.product.id} → ${s.table.table.value} (${s.table.mode})`, e, s] as const)))('%s', (_name, example, sink) => {
  const shape = example.product.shape;
  const key = example.product.key;
  const keyColumn = sink.columns.find((c) => c.field === key)!;

  beforeEach(async () => {
    await admin.query(`DELETE FROM ${tableOf(sink)}`);
  });

  it('leaves the table as the one-record statements do, for any writes, tombstones and replays on any prior rows', async () => {
    // Values as the sink gets them (the codec's normal form), on one of three keys.
    const op = (values: Array<Record<string, unknown>>) =>
      fc.record({
        tombstone: fc.boolean(),
        value: fc.nat({ max: values.length - 1 }),
        key: fc.nat({ max: 2 }),
        partition: fc.nat({ max: 1 }),
        step: fc.integer({ min: 1, max: 3 }),
      });
    const scenario = fc
      .array(valueArb(shape, STORABLE), { minLength: 3, maxLength: 3 })
      .map((vs) => vs.map((v) => normaliseRecord(shape, v)))
      .chain((values) =>
        fc.record({
          values: fc.constant(values),
          prior: fc.array(op(values), { maxLength: 6 }),
          batch: fc.array(op(values), { minLength: 1, maxLength: 14 }),
          // Where the batch's offsets start: before the prior rows' (a replay after a crash) or after them.
          batchStart: fc.constantFrom(0, 5, 40),
        }),
      );
    const keys = fc.sample(valueArb(shape, STORABLE), { numRuns: 3, seed: 5 }).map((v) => normaliseRecord(shape, v)[key]);
    const toOps = (values: Array<Record<string, unknown>>, list: Array<{ tombstone: boolean; value: number; key: number; partition: number; step: number }>, start: number): SinkOperation[] => {
      const offsets = [start, start];
      return list.map((o) => {
        offsets[o.partition] += o.step;
        const offset = String(offsets[o.partition]);
        return o.tombstone
          ? { kind: 'tombstone', key: String(columnValue(keyColumn, keys[o.key])), partition: o.partition, offset }
          : { kind: 'write', value: { ...values[o.value], [key]: keys[o.key] }, partition: o.partition, offset };
      });
    };
    let calls = 0;
    let records = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ values, prior, batch, batchStart }) => {
        const before = toOps(values, prior, 20);
        const ops = toOps(values, batch, batchStart);
        await admin.query('BEGIN');
        await oneByOne(sink, before);
        await oneByOne(sink, ops);
        const expected = await rowsOf(sink);
        await admin.query('ROLLBACK');
        await admin.query('BEGIN');
        await oneByOne(sink, before);
        calls += await setWise(sink, ops);
        records += ops.length;
        const got = await rowsOf(sink);
        await admin.query('ROLLBACK');
        expect(got).toEqual(expected);
      }),
      { numRuns: 150, seed: 16 },
    );
    // …in fewer calls than records (runs of writes and of tombstones, a key's earlier writes dropped).
    expect(calls).toBeLessThan(records);
  });

  it('stores generated records as the one-record statement does', async () => {
    const values = fc.sample(valueArb(shape, STORABLE), { numRuns: 40, seed: 23 }).map((v) => normaliseRecord(shape, v));
    const ops: SinkOperation[] = values.map((v, i) => ({ kind: 'write', value: v, partition: i % 3, offset: String(100 + i) }));
    await oneByOne(sink, ops);
    const expected = await rowsOf(sink);
    await admin.query(`DELETE FROM ${tableOf(sink)}`);
    await setWise(sink, ops);
    expect(await rowsOf(sink)).toEqual(expected);
    expect(expected.length).toBe(sink.table.mode === 'append' ? 40 : new Set(values.map((v) => String(v[key]))).size);
  });

  it('fails the whole call with the one-record statement\'s SQLSTATE class when one row is refused (a string too long is not cut)', async () => {
    const text = sink.columns.find((c) => /^varchar\(\d+\)$/.test(c.type)) ?? sink.columns.find((c) => c.type === 'text');
    const [a, b] = fc.sample(valueArb(shape, STORABLE), { numRuns: 2, seed: 29 }).map((v) => normaliseRecord(shape, v));
    const bad = text && /^varchar/.test(text.type) ? { ...b, [text.field]: 'x'.repeat(Number(/\d+/.exec(text.type)![0]) + 1) } : { ...b, [text!.field]: 'nul\u0000byte' };
    const ops: SinkOperation[] = [
      { kind: 'write', value: a, partition: 0, offset: '1' },
      { kind: 'write', value: bad, partition: 0, offset: '2' },
    ];
    const one = await oneByOne(sink, ops.slice(1)).then(() => 'ok', (e: { code?: string }) => e.code);
    const set = await setWise(sink, ops).then(() => 'ok', (e: { code?: string }) => e.code);
    expect(one).toMatch(/^22/);
    expect(set?.slice(0, 2)).toBe(one?.slice(0, 2));
    expect(await rowsOf(sink)).toEqual([]);
  });
});

describe('planSinkBatch', () => {
  const upsert = SINK_EXAMPLES.find((e) => e.product.id === 'orders/order-state@v1')!;
  const sink = upsert.sinks[0];
  const value = fc.sample(valueArb(upsert.product.shape, STORABLE), { numRuns: 1, seed: 3 }).map((v) => normaliseRecord(upsert.product.shape, v))[0];
  const w = (k: string, partition: number, offset: number): SinkOperation => ({ kind: 'write', value: { ...value, orderId: k }, partition, offset: String(offset) });
  const t = (k: string | null, partition: number, offset: number): SinkOperation => ({ kind: 'tombstone', key: k, partition, offset: String(offset) });
  const K1 = '00000000-0000-4000-8000-000000000001';
  const K2 = '00000000-0000-4000-8000-000000000002';
  const shape = (steps: ReturnType<typeof planSinkBatch>) => steps.map((s) => `${s.statement}:${s.params.at(-1)!.join(',')}`);

  it('keeps a key\'s last write of a run, one call per run of writes or of tombstones, in order', () => {
    expect(shape(planSinkBatch(sink.table, sink.columns, [w(K1, 0, 1), w(K2, 0, 2), w(K1, 0, 3), t(K2, 0, 4), t(K1, 0, 5), w(K2, 0, 6)]))).toEqual(['write:2,3', 'tombstone:4,5', 'write:6']);
  });

  it('starts a new call when a key is written again from another partition (there the order decides)', () => {
    expect(shape(planSinkBatch(sink.table, sink.columns, [w(K1, 0, 7), w(K2, 1, 3), w(K1, 1, 4)]))).toEqual(['write:7,3', 'write:4']);
  });

  it('leaves out a tombstone without a key (it deletes nothing), and every tombstone in append mode', () => {
    expect(shape(planSinkBatch(sink.table, sink.columns, [t(null, 0, 1), w(K1, 0, 2)]))).toEqual(['write:2']);
    expect(shape(planSinkBatch({ ...sink.table, mode: 'append' }, sink.columns, [w(K1, 0, 1), t(K1, 0, 2), w(K1, 0, 3)]))).toEqual(['write:1,3']);
    expect(planSinkBatch(sink.table, sink.columns, [])).toEqual([]);
  });

  it('passes one array per parameter of the one-record statement, in its order', () => {
    const [step] = planSinkBatch(sink.table, sink.columns, [w(K1, 2, 9), w(K2, 2, 10)]);
    expect(step.params).toHaveLength(sink.statements.write.params.length);
    expect(step.params.map((p) => p.length)).toEqual(sink.statements.write.params.map(() => 2));
    expect(step.params[sink.statements.write.params.indexOf('orderId')]).toEqual([K1, K2]);
  });
});
