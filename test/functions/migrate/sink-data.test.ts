/**
 * What the sink tables hold, on a real PostgreSQL 17, for every example
 * product with a sink: generated records round-trip through the exported
 * write statement, records the contract rejects are rejected by the table
 * where a constraint can say so, redeliveries and older records change
 * nothing, tombstones delete, and an accepted evolution keeps every row.
 */
import fc from 'fast-check';
import type { Client } from 'pg';
import type { Shape, ShapeField } from '../../../contracts/schema/shape';
import { toCamel } from '../../../contracts/schema/shape';
import type { Column } from '../../../contracts/sql/columns';
import { planSinks, type SinkPlan } from '../../../contracts/sql/sink-plan';
import { rowParams, tombstoneParams } from '../../../contracts/sql/statements';
import { normaliseForSink as normalise, STORABLE, valueArb } from '../../support/arbitrary';
import { startPostgres, type PgServer } from '../../support/postgres';
import { committedMigrations, MemorySecretStore, migrationHandler, SINK_EXAMPLES } from '../../support/sinks';
import { discoverProducts } from '../../../contracts/discover';
import { compileProduct } from '../../../contracts/compile';
import { join } from 'node:path';
import { FIXTURE_PRODUCTS } from '../../helpers';

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

/** A row as the contract's record: camelCase fields, NULL columns left out, ingestion columns dropped. */
function asRecord(row: Record<string, unknown>, columns: readonly Column[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const v = row[c.name];
    if (v === null || v === undefined) continue;
    out[toCamel(c.name)] = c.type === 'timestamptz' ? new Date(v as string).toISOString() : v;
  }
  return out;
}

async function readRows(c: Client, s: SinkPlan): Promise<Array<Record<string, unknown>>> {
  const { rows } = await c.query(`SELECT row_to_json(t) AS r FROM ${tableOf(s)} t ORDER BY _source_partition, _source_offset`);
  return rows.map((r) => r.r as Record<string, unknown>);
}

async function write(c: Client, s: SinkPlan, value: Record<string, unknown>, partition: number, offset: number) {
  return c.query(s.statements.write.text, rowParams(s.columns, value, partition, offset));
}

it('covers every example product that declares a sink', () => {
  const root = join(__dirname, '..', '..', '..');
  const all = discoverProducts(FIXTURE_PRODUCTS, root).entries.map((e) => compileProduct(e.product).product!);
  const withSink = all.filter((p) => p.consumers.some((c) => c.sink)).map((p) => p.id).sort();
  expect(SINK_EXAMPLES.map((e) => e.product.id).sort()).toEqual(withSink);
});

describe.each(SINK_EXAMPLES.flatMap((e) => e.sinks.map((s) => [`${e.product.id} → ${s.table.table.value} (${s.table.mode})`, e, s] as const)))('%s', (_name, example, sink) => {
  const shape = example.product.shape;
  const key = example.product.key;
  let offset = 0;
  const next = () => ++offset;

  beforeEach(async () => {
    await admin.query(`DELETE FROM ${tableOf(sink)}`);
  });

  it('generated records pass the contract, write through the exported statement and read back equal to their normalised form', async () => {
    await fc.assert(
      fc.asyncProperty(valueArb(shape, STORABLE), async (value) => {
        expect(example.schema.safeParse(value).success).toBe(true);
        const o = next();
        await write(admin, sink, value, 0, o);
        const { rows } = await admin.query(`SELECT row_to_json(t) AS r FROM ${tableOf(sink)} t WHERE _source_partition = 0 AND _source_offset = $1`, [o]);
        expect(rows).toHaveLength(1);
        expect(asRecord(rows[0].r, sink.columns)).toEqual(normalise(shape, value));
      }),
      { numRuns: 40 },
    );
  });

  it('fails if a record the contract rejects gets into the table (bounds, enums, NOT NULL, lengths)', async () => {
    const base = fc.sample(valueArb(shape, STORABLE), { numRuns: 1, seed: 42 })[0];
    const cases = violations(shape.fields, base);
    expect(cases.length).toBeGreaterThan(0);
    for (const [what, bad] of cases) {
      expect({ what, contract: example.schema.safeParse(bad).success }).toEqual({ what, contract: false });
      const err = await write(admin, sink, bad, 1, next()).then(() => undefined, (e: { code?: string }) => e);
      expect({ what, code: err?.code?.slice(0, 2) }).toEqual({ what, code: expect.stringMatching(/^(23|22)$/) });
    }
  });

  it('changes nothing when the same (partition, offset) is delivered again', async () => {
    const [a, b] = fc.sample(valueArb(shape, STORABLE), { numRuns: 2, seed: 7 });
    const o = next();
    await write(admin, sink, a, 2, o);
    const before = await readRows(admin, sink);
    await write(admin, sink, { ...b, [key]: a[key] }, 2, o);
    await write(admin, sink, a, 2, o);
    expect(await readRows(admin, sink)).toEqual(before);
  });

  if (sink.table.mode === 'upsert') {
    it('never lets an older record of a key overwrite a newer one', async () => {
      const [older, newer] = fc.sample(valueArb(shape, STORABLE), { numRuns: 2, seed: 11 });
      newer[key] = older[key];
      const o1 = next();
      const o2 = next();
      await write(admin, sink, newer, 3, o2);
      await write(admin, sink, older, 3, o1);
      const rows = await readRows(admin, sink);
      expect(rows.map((r) => asRecord(r, sink.columns))).toEqual([normalise(shape, newer)]);
      // …while a newer record does replace it.
      const newest = { ...older, [key]: older[key] };
      await write(admin, sink, newest, 3, next());
      expect((await readRows(admin, sink)).map((r) => asRecord(r, sink.columns))).toEqual([normalise(shape, newest)]);
    });

    it('deletes the row on a tombstone, but not on a tombstone older than the row', async () => {
      const [v] = fc.sample(valueArb(shape, STORABLE), { numRuns: 1, seed: 13 });
      const o1 = next();
      const o2 = next();
      await write(admin, sink, v, 4, o2);
      await admin.query(sink.statements.tombstone!.text, tombstoneParams(v[key], 4, o1));
      expect(await readRows(admin, sink)).toHaveLength(1);
      await admin.query(sink.statements.tombstone!.text, tombstoneParams(v[key], 4, next()));
      expect(await readRows(admin, sink)).toHaveLength(0);
    });
  } else {
    it('keeps one row per record, also for the same key', async () => {
      const [a, b] = fc.sample(valueArb(shape, STORABLE), { numRuns: 2, seed: 17 });
      b[key] = a[key];
      await write(admin, sink, a, 5, next());
      await write(admin, sink, b, 5, next());
      expect((await readRows(admin, sink)).map((r) => asRecord(r, sink.columns))).toEqual([normalise(shape, a), normalise(shape, b)]);
    });

    it('has no tombstone statement (an append sink keeps history)', () => {
      expect(sink.statements.tombstone).toBeUndefined();
    });
  }
});

/** Records that break one top-level rule of the contract each, where a column constraint can say so. */
function violations(fields: readonly ShapeField[], base: Record<string, unknown>): Array<[string, Record<string, unknown>]> {
  const out: Array<[string, Record<string, unknown>]> = [];
  const set = (name: string, v: unknown) => ({ ...base, [name]: v });
  for (const f of fields) {
    const t = f.type;
    if (f.required) {
      const { [f.name]: _gone, ...rest } = base;
      out.push([`${f.name} missing`, rest]);
    }
    if (t.kind === 'enum') out.push([`${f.name} not in the enum`, set(f.name, 'NOT_IN_THE_CONTRACT')]);
    if (t.kind === 'int') {
      if (t.min > Number.MIN_SAFE_INTEGER) out.push([`${f.name} below ${t.min}`, set(f.name, t.min - 1)]);
      if (t.max < Number.MAX_SAFE_INTEGER) out.push([`${f.name} above ${t.max}`, set(f.name, t.max + 1)]);
    }
    if (t.kind === 'double') {
      if (t.min !== undefined) out.push([`${f.name} below ${t.min}`, set(f.name, t.min - 1)]);
      if (t.max !== undefined) out.push([`${f.name} above ${t.max}`, set(f.name, t.max + 1)]);
    }
    if (t.kind === 'string' && t.maxLength !== undefined) out.push([`${f.name} longer than ${t.maxLength}`, set(f.name, 'x'.repeat(t.maxLength + 1))]);
    if (t.kind === 'string' && t.minLength) out.push([`${f.name} shorter than ${t.minLength}`, set(f.name, 'x'.repeat(t.minLength - 1))]);
    if (t.kind === 'uuid') out.push([`${f.name} not a uuid`, set(f.name, 'not-a-uuid')]);
    if (t.kind === 'date') out.push([`${f.name} not a date`, set(f.name, '2026-02-30')]);
  }
  return out;
}

describe('an accepted evolution applied to a populated table', () => {
  const example = SINK_EXAMPLES.find((e) => e.product.id === 'payments/payment-events@v1')!;
  const s1 = example.product.shape;
  // Shape 2: merchantId removed, currency gains JPY, channel added optional, riskScore added required.
  const s2: Shape = {
    fields: [
      ...s1.fields
        .filter((f) => f.name !== 'merchantId')
        .map((f) => (f.name === 'currency' ? { ...f, type: { kind: 'enum' as const, values: ['USD', 'EUR', 'GBP', 'JPY'] } } : f)),
      { name: 'channel', required: false, type: { kind: 'enum', values: ['WEB', 'POS'] } },
      { name: 'riskScore', required: true, type: { kind: 'double', min: 0, max: 1 } },
    ],
  };

  it('keeps every row and its values, and new records without the removed field insert', async () => {
    const evolved = planSinks(example.product, [s1, s2]);
    expect(evolved.problems).toEqual([]);
    const [sink] = evolved.sinks;
    expect(sink.migrations.map((m) => m.name)).toEqual(['0001_create.sql', '0002_shape-2.sql']);
    expect(sink.migrations[1].notes.join('\n')).toMatch(/riskScore is required from shape 2 on, but its column is added nullable/);

    const evoDb = await pg.freshDatabase();
    const store = new MemorySecretStore();
    await migrationHandler(pg, evoDb, committedMigrations(), store)();
    const c = await pg.admin(evoDb);
    try {
      const old = example.sinks[0];
      const values = fc.sample(valueArb(s1, STORABLE), { numRuns: 25, seed: 99 });
      for (const [i, v] of values.entries()) await write(c, old, v, 0, i + 1);
      const before = await readRows(c, old);

      const run = await migrationHandler(pg, evoDb, [...committedMigrations(), sink.migrations[1]], store)();
      expect(run.applied).toEqual([sink.migrations[1].id]);
      const after = await readRows(c, sink);
      expect(after.map((r) => ({ ...r, channel: undefined, risk_score: undefined }))).toEqual(before.map((r) => ({ ...r, channel: undefined, risk_score: undefined })));
      expect(after.every((r) => r.channel === null && r.risk_score === null)).toBe(true);

      const fresh = fc.sample(valueArb(s2, STORABLE), { numRuns: 25, seed: 5 });
      for (const [i, v] of fresh.entries()) {
        expect(v).not.toHaveProperty('merchantId');
        await write(c, sink, v, 1, i + 1);
      }
      const rows = await readRows(c, sink);
      expect(rows.filter((r) => r._source_partition === 1).map((r) => asRecord(r, sink.columns))).toEqual(
        fresh.map((v) => normalise(s2, v)).filter((v, i, all) => !all.slice(i + 1).some((w) => w.paymentId === v.paymentId)),
      );
      await expect(write(c, sink, { ...fresh[0], currency: 'CHF', paymentId: '00000000-0000-4000-8000-000000000001' }, 1, 1000)).rejects.toMatchObject({ code: '23514' });
    } finally {
      await c.end();
    }
  });
});
