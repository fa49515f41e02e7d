import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from '../../../contracts/index';
import { shapeOf, type Shape } from '../../../contracts/schema/shape';
import { readCommittedMigrations, writeMigrations } from '../../../contracts/sql/committed';
import { checksumOf, createdRevision, createSql, loginPrivileges, migrationsFor, PRIVILEGES_REVISION, privilegesSql, type CommittedFile } from '../../../contracts/sql/migrations';
import { planSinks } from '../../../contracts/sql/sink-plan';
import { compiled } from '../../helpers';

const ledger = { name: 'ledger', principal: 'User:ledger-sink', sink: { postgres: { mode: 'upsert' } } };
const product = (schema: z.ZodObject, consumers: unknown[] = [ledger]) => compiled({ schema, key: 'paymentId', consumers });
const shape = (schema: z.ZodObject): Shape => shapeOf(schema).shape;

const v1 = z.object({
  paymentId: z.uuid(),
  amountMinor: z.int().min(0).max(1000),
  currency: z.enum(['USD', 'EUR']),
  merchantId: z.string().max(64),
  note: z.string().max(100).optional(),
});

describe('migrationsFor', () => {
  it('creates one table per sink consumer, and none for consumers without a sink', () => {
    const p = product(v1, [ledger, { name: 'fraud-scoring', principal: 'User:fraud' }, { name: 'audit', principal: 'User:audit', sink: { postgres: { mode: 'append' } } }]);
    const { tables, problems } = migrationsFor(p, [p.shape]);
    expect(problems).toEqual([]);
    expect(tables.map((t) => [t.table.table.value, t.table.mode, t.table.roles.login, t.migrations.map((m) => m.id)])).toEqual([
      ['payment_events_v1__ledger', 'upsert', 'payments__ledger', ['payments/payment-events.v1/ledger/0001_create.sql']],
      ['payment_events_v1__audit', 'append', 'payments__audit', ['payments/payment-events.v1/audit/0001_create.sql']],
    ]);
  });

  it('keys an upsert table by the contract key and an append table by (partition, offset)', () => {
    const p = product(v1, [ledger, { name: 'audit', principal: 'User:audit', sink: { postgres: { mode: 'append' } } }]);
    const [up, app] = migrationsFor(p, [p.shape]).tables;
    expect(up.migrations[0].sql).toContain('CONSTRAINT "payment_events_v1__ledger_pk" PRIMARY KEY ("payment_id")');
    expect(app.migrations[0].sql).toContain('CONSTRAINT "payment_events_v1__audit_pk" PRIMARY KEY ("_source_partition", "_source_offset")');
  });

  it('writes NOT NULL for required fields only, and checksums the text', () => {
    const [t] = migrationsFor(product(v1), [shape(v1)]).tables;
    const sql = t.migrations[0].sql;
    expect(sql).toContain('"merchant_id" varchar(64) NOT NULL');
    expect(sql).toMatch(/"note" varchar\(100\),/);
    expect(t.migrations[0].checksum).toBe(checksumOf(sql));
  });

  it('never emits DROP TABLE, DROP COLUMN or a type change, across an evolution', () => {
    const v2 = v1.omit({ merchantId: true }).extend({ currency: z.enum(['USD', 'EUR', 'GBP']), channel: z.string().optional(), score: z.number() });
    const { tables, problems } = migrationsFor(product(v2), [shape(v1), shape(v2)]);
    expect(problems).toEqual([]);
    const evolve = tables[0].migrations[1];
    expect(evolve.name).toBe('0002_shape-2.sql');
    expect(evolve.sql).not.toMatch(/DROP TABLE|DROP COLUMN|ALTER COLUMN \S+ (SET DATA )?TYPE/);
    expect(evolve.sql).toContain('ALTER TABLE "payments"."payment_events_v1__ledger" ALTER COLUMN "merchant_id" DROP NOT NULL;');
    expect(evolve.sql).toContain('ADD COLUMN "channel" text;');
    expect(evolve.sql).toContain('ADD COLUMN "score" double precision;');
    expect(evolve.sql).toContain(`DROP CONSTRAINT IF EXISTS "ck_currency", ADD CONSTRAINT "ck_currency" CHECK ("currency" IN ('USD', 'EUR', 'GBP'));`);
    expect(evolve.notes).toEqual([
      'score is required from shape 2 on, but its column is added nullable: rows written before have no value.',
      'merchantId was removed in shape 2; its column merchant_id is kept (old rows keep their values) and new rows leave it NULL.',
    ]);
  });

  it('keeps the wider CHECK when a later shape narrows (an enum value removed, a bound tightened)', () => {
    const v2 = v1.extend({ currency: z.enum(['USD']), amountMinor: z.int().min(0).max(10) });
    const { tables } = migrationsFor(product(v2), [shape(v1), shape(v2)]);
    expect(tables[0].migrations).toHaveLength(1);
  });

  it('drops NOT NULL when a required field becomes optional, and not the other way round', () => {
    const v2 = v1.extend({ merchantId: z.string().max(64).optional(), note: z.string().max(100) });
    const { tables } = migrationsFor(product(v2), [shape(v1), shape(v2)]);
    expect(tables[0].migrations[1].sql).toContain('ALTER COLUMN "merchant_id" DROP NOT NULL;');
    expect(tables[0].migrations[1].sql).not.toContain('"note" SET NOT NULL');
    expect(tables[0].migrations[1].notes).toEqual(['note is required from shape 2 on; its column stays nullable because earlier rows may have no value.']);
  });

  it.each([
    ['a type change', v1.extend({ amountMinor: z.string() }), 'schema.amountMinor', /column type integer would have to become text/],
    ['a longer string limit', v1.extend({ merchantId: z.string().max(128) }), 'schema.merchantId', /varchar\(64\) would have to become varchar\(128\)/],
    ['a 32-bit integer widened to 64 bits', v1.extend({ amountMinor: z.int().min(0) }), 'schema.amountMinor', /integer would have to become bigint/],
  ])('fails if the history needs %s, naming the product, the field and the remedy', (_what, v2, field, message) => {
    const { tables, problems } = migrationsFor(product(v2), [shape(v1), shape(v2)]);
    expect(tables).toEqual([]);
    expect(problems).toEqual([
      {
        product: 'payments/payment-events@v1',
        field,
        message: expect.stringMatching(message),
        fix: expect.stringMatching(/next major version \(a new contract file with version: 2\).*new table/),
      },
    ]);
  });

  it('fails if the history is empty', () => {
    expect(migrationsFor(product(v1), []).problems[0]).toMatchObject({ field: 'schema', fix: 'run npm run contracts:lock.' });
  });

  it('derives the same migrations for the same history (generated once, frozen)', () => {
    expect(migrationsFor(product(v1), [shape(v1)])).toEqual(migrationsFor(product(v1), [shape(v1)]));
  });
});

describe('privileges', () => {
  const audit = { name: 'audit', principal: 'User:audit', sink: { postgres: { mode: 'append' } } };

  it('grants an append login role SELECT and INSERT only, and an upsert login role SELECT, INSERT, UPDATE, DELETE', () => {
    const [up, app] = migrationsFor(product(v1, [ledger, audit]), [shape(v1)]).tables.map((t) => t.migrations[0].sql);
    expect(app).toContain('GRANT SELECT, INSERT ON TABLE "payments"."payment_events_v1__audit" TO "payments__audit";');
    expect(app).not.toMatch(/GRANT [^;]*(UPDATE|DELETE)[^;]* TO "payments__audit"/);
    // The SQL says why SELECT stays, so that nobody removes it.
    expect(app).toMatch(/-- SELECT stays: INSERT … ON CONFLICT \(…\) DO NOTHING needs SELECT/);
    expect(up).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "payments"."payment_events_v1__ledger" TO "payments__ledger";');
    expect(loginPrivileges('append')).toEqual(['SELECT', 'INSERT']);
  });

  it('creates every role with explicit NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', () => {
    const [t] = migrationsFor(product(v1), [shape(v1)]).tables;
    for (const [role, login] of [['payments__ledger', 'LOGIN'], ['payments_owner', 'NOLOGIN'], ['payments_analyst', 'NOLOGIN']]) {
      expect(t.migrations[0].sql).toContain(`CREATE ROLE "${role}" ${login} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;`);
    }
  });

  it('revokes what PUBLIC has on the database and schema public, and grants CONNECT to the login and analyst roles', () => {
    const sql = migrationsFor(product(v1), [shape(v1)]).tables[0].migrations[0].sql;
    expect(sql).toContain("EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());");
    expect(sql).toContain("EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I, %I', current_database(), 'payments__ledger', 'payments_analyst');");
    expect(sql).toContain('REVOKE ALL ON SCHEMA public FROM PUBLIC;');
  });

  it('marks a new create migration with the privilege revision it was written at; an unmarked one is revision 1', () => {
    const sql = migrationsFor(product(v1), [shape(v1)]).tables[0].migrations[0].sql;
    expect(createdRevision(sql)).toBe(PRIVILEGES_REVISION);
    expect(createdRevision('-- contract-mesh migration for x, consumer "y" (append): creates its sink table.\nCREATE TABLE x ();\n')).toBe(1);
  });
});

describe('a table with committed migrations', () => {
  const p = product(v1);
  const dir = 'payments/payment-events.v1/ledger';
  const fresh = migrationsFor(p, [shape(v1)]).tables[0];
  /** The create migration as the first generator wrote it (no revision mark): the generator still writes it, byte for byte. */
  const revision1: CommittedFile = { name: '0001_create.sql', sql: createSql(p, fresh.table, fresh.columns, 1) };
  const committed = (files: CommittedFile[]) => (d: string) => (d === dir ? files : []);

  it('gets no privileges migration when it was created at the current revision', () => {
    expect(fresh.migrations.map((m) => m.name)).toEqual(['0001_create.sql']);
    expect(migrationsFor(p, [shape(v1)], committed([{ name: '0001_create.sql', sql: fresh.migrations[0].sql }])).tables[0].migrations.map((m) => m.name)).toEqual(['0001_create.sql']);
  });

  it('fails if a table created at revision 1 had no privileges migration: it gets one, numbered after its last committed file', () => {
    const [t] = migrationsFor(p, [shape(v1)], committed([revision1])).tables;
    expect(t.migrations.map((m) => m.name)).toEqual(['0001_create.sql', '0002_privileges-v2.sql']);
    // The create is written as it was at revision 1 (what is committed), so the record of generated migrations matches it.
    expect(t.migrations[0].sql).toBe(revision1.sql);
    expect(revision1.sql).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "payments"."payment_events_v1__ledger" TO "payments__ledger";');
    expect(createdRevision(revision1.sql)).toBe(1);
    expect(t.migrations[1].sql).toBe(privilegesSql(t.table, 2));
    expect(t.migrations[1].sql).toContain('REVOKE ALL ON TABLE "payments"."payment_events_v1__ledger" FROM "payments__ledger", "payments_analyst";');
    expect(t.migrations[1].sql).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "payments"."payment_events_v1__ledger" TO "payments__ledger";');
    expect(t.migrations[1].id).toBe(`${dir}/0002_privileges-v2.sql`);
  });

  it('keeps the numbers of committed steps and numbers a later shape after the privileges migration', () => {
    const v2 = v1.extend({ channel: z.string().optional() });
    const [before] = migrationsFor(product(v2), [shape(v1), shape(v2)], committed([revision1, { name: '0002_shape-2.sql', sql: '-- shape 2 as committed\n' }])).tables;
    expect(before.migrations.map((m) => m.name)).toEqual(['0001_create.sql', '0002_shape-2.sql', '0003_privileges-v2.sql']);
    // The text is always the generator's: the record of generated migrations compares it with the file on disk.
    expect(before.migrations[1].sql).toMatch(/^-- contract-mesh migration for payments\/payment-events@v1, consumer "ledger": follows shape 2/);
    const v3 = v2.extend({ score: z.number().optional() });
    const files = [revision1, { name: '0002_privileges-v2.sql', sql: privilegesSql(fresh.table, 2) }];
    const [after] = migrationsFor(product(v3), [shape(v1), shape(v3)], committed(files)).tables;
    expect(after.migrations.map((m) => m.name)).toEqual(['0001_create.sql', '0002_privileges-v2.sql', '0003_shape-2.sql']);
  });

  it('fails to plan a privilege revision that does not exist', () => {
    expect(() => privilegesSql(fresh.table, 3)).toThrow(/no privilege revision 3/);
    expect(() => createSql(p, fresh.table, fresh.columns, 3)).toThrow(/no privilege revision 3/);
  });
});

describe('statements', () => {
  it('upserts only a later record of the same partition, and deletes only for a later tombstone', () => {
    const [s] = planSinks(product(v1)).sinks;
    expect(s.statements.write.params).toEqual(['paymentId', 'amountMinor', 'currency', 'merchantId', 'note', 'partition', 'offset']);
    expect(s.statements.write.text).toMatch(/ON CONFLICT \("payment_id"\) DO UPDATE SET .*\nWHERE \(t\."_source_partition" <> EXCLUDED\."_source_partition" OR t\."_source_offset" < EXCLUDED\."_source_offset"\)$/);
    expect(s.statements.tombstone!.text).toBe('DELETE FROM "payments"."payment_events_v1__ledger" AS t WHERE t."payment_id" = $1 AND (t."_source_partition" <> $2 OR t."_source_offset" < $3)');
  });
  it('appends and ignores a redelivered (partition, offset)', () => {
    const [s] = planSinks(product(v1, [{ name: 'audit', principal: 'User:audit', sink: { postgres: { mode: 'append' } } }])).sinks;
    expect(s.statements.write.text).toMatch(/ON CONFLICT \("_source_partition", "_source_offset"\) DO NOTHING$/);
    expect(s.statements.tombstone).toBeUndefined();
  });
});

describe('committed migrations on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cm-migrations-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes missing migrations and never rewrites a committed one', () => {
    const [t] = planSinks(product(v1)).sinks;
    expect(writeMigrations(dir, t.migrations)).toEqual({ written: [t.migrations[0].id], kept: [] });
    const file = join(dir, 'payments/payment-events.v1/ledger/0001_create.sql');
    writeFileSync(file, '-- edited by hand\n');
    expect(writeMigrations(dir, t.migrations)).toEqual({ written: [], kept: [t.migrations[0].id] });
    expect(readFileSync(file, 'utf8')).toBe('-- edited by hand\n');
  });

  it('reads them back in apply order: by table folder, then by number', () => {
    const v2 = v1.extend({ channel: z.string().optional() });
    const p = product(v2, [ledger, { name: 'audit', principal: 'User:audit', sink: { postgres: { mode: 'append' } } }]);
    const sinks = planSinks(p, [shape(v1), shape(v2)]).sinks;
    writeMigrations(dir, sinks.flatMap((s) => s.migrations).reverse());
    expect(readCommittedMigrations(dir).map((m) => m.id)).toEqual([
      'payments/payment-events.v1/audit/0001_create.sql',
      'payments/payment-events.v1/audit/0002_shape-2.sql',
      'payments/payment-events.v1/ledger/0001_create.sql',
      'payments/payment-events.v1/ledger/0002_shape-2.sql',
    ]);
    expect(readCommittedMigrations(dir, 'orders')).toEqual([]);
  });
});
