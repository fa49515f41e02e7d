/**
 * The migration function's handler against a real PostgreSQL 17: applying,
 * re-applying, refusing edited migrations, rolling back failures, creating
 * login passwords, and the least privilege of the roles it creates.
 */
import type { Client } from 'pg';
import { checksumOf } from '../../../contracts/sql/migrations';
import { planSinks } from '../../../contracts/sql/sink-plan';
import { rowParams } from '../../../contracts/sql/statements';
import type { MigrationInput } from '../../../functions/migrate/runner';
import { compiled } from '../../helpers';
import { startPostgres, type PgServer } from '../../support/postgres';
import { committedMigrations, MemorySecretStore, migrationHandler, secretIdOf, SINK_EXAMPLES } from '../../support/sinks';

let pg: PgServer;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

async function withAdmin<T>(db: string, f: (c: Client) => Promise<T>): Promise<T> {
  const c = await pg.admin(db);
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

/** Everything the migrations could have changed: tables, columns, constraints, roles, grants, history. */
async function catalog(db: string): Promise<unknown> {
  return withAdmin(db, async (c) => {
    const q = async (sql: string) => (await c.query(sql)).rows;
    return {
      columns: await q(`SELECT table_schema, table_name, column_name, data_type, is_nullable, character_maximum_length FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog','information_schema') ORDER BY 1,2,3`),
      constraints: await q(`SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace::regnamespace::text NOT IN ('pg_catalog','information_schema') ORDER BY 1,2`),
      roles: await q(`SELECT rolname, rolcanlogin, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1`),
      grants: await q(`SELECT grantee, table_schema, table_name, privilege_type FROM information_schema.role_table_grants WHERE table_schema NOT IN ('pg_catalog','information_schema') ORDER BY 1,2,3,4`),
      history: await q(`SELECT name, checksum FROM contract_mesh.migrations ORDER BY name`),
    };
  });
}

const sinks = SINK_EXAMPLES.flatMap((e) => e.sinks);

describe('the committed migrations', () => {
  it('cover every example sink, and match what the generator derives from the current shapes', () => {
    const committed = new Map(committedMigrations().map((m) => [m.id, m.sql]));
    const generated = sinks.flatMap((s) => s.migrations);
    expect(generated.length).toBeGreaterThanOrEqual(3);
    for (const m of generated) expect(committed.get(m.id)).toBe(m.sql);
  });
});

describe('migration handler on a real PostgreSQL 17', () => {
  it('applies every migration on an empty database, and a second apply changes nothing', async () => {
    const db = await pg.freshDatabase();
    const migrations = committedMigrations();
    const run = migrationHandler(pg, db, migrations, new MemorySecretStore());
    const first = await run();
    expect(first.applied).toEqual(migrations.map((m) => m.id));
    const tables = await withAdmin(db, async (c) => (await c.query(`SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema IN ('payments','customers','orders') ORDER BY 1`)).rows.map((r) => r.t));
    expect(tables).toEqual(['customers.consent_events_v1__audit', 'orders.order_state_v1__analytics', 'payments.payment_events_v1__ledger']);
    const before = await catalog(db);
    expect((before as { history: unknown[] }).history).toEqual(migrations.map((m) => ({ name: m.id, checksum: checksumOf(m.sql) })));

    const second = await run();
    expect(second).toMatchObject({ applied: [], alreadyApplied: migrations.length });
    expect(await catalog(db)).toEqual(before);
  });

  it('fails if an applied migration was edited, and changes nothing', async () => {
    const db = await pg.freshDatabase();
    const migrations = committedMigrations();
    await migrationHandler(pg, db, migrations, new MemorySecretStore())();
    const before = await catalog(db);
    const edited: MigrationInput[] = migrations.map((m, i) => (i === 0 ? { ...m, sql: m.sql.replace('NOT NULL', 'NULL') } : m));
    await expect(migrationHandler(pg, db, edited, new MemorySecretStore())()).rejects.toThrow(
      new RegExp(`migration ${migrations[0].id} was edited after it was applied.*restore the committed file`),
    );
    expect(await catalog(db)).toEqual(before);
  });

  it('fails if an applied migration is missing from the set', async () => {
    const db = await pg.freshDatabase();
    const migrations = committedMigrations();
    await migrationHandler(pg, db, migrations, new MemorySecretStore())();
    await expect(migrationHandler(pg, db, migrations.slice(1), new MemorySecretStore())()).rejects.toThrow(/was applied to this database but is not in the set/);
  });

  it('fails if a migration fails, naming it, and applies none of the run (one transaction)', async () => {
    const db = await pg.freshDatabase();
    const migrations = [...committedMigrations(), { id: 'zz/broken.v1/x/0001_create.sql', sql: 'CREATE TABLE broken (id int REFERENCES nowhere(id));' }];
    await expect(migrationHandler(pg, db, migrations, new MemorySecretStore())()).rejects.toThrow(/nothing was applied: .*zz\/broken\.v1\/x\/0001_create\.sql/);
    const exists = await withAdmin(db, async (c) => (await c.query(`SELECT to_regclass('payments.payment_events_v1__ledger') AS t, to_regclass('contract_mesh.migrations') AS h`)).rows[0]);
    expect(exists).toEqual({ t: null, h: null });
  });

  it('creates each login password inside the function, stores it in its secret, and keeps it on the next run', async () => {
    const db = await pg.freshDatabase();
    const store = new MemorySecretStore();
    const run = migrationHandler(pg, db, committedMigrations(), store);
    const first = await run();
    expect(first.passwordsCreated).toEqual(['customers__audit', 'orders__analytics', 'payments__ledger']);
    const secret = JSON.parse(store.values.get(secretIdOf('payments__ledger'))!);
    expect(secret).toMatchObject({ engine: 'postgres', username: 'payments__ledger', dbname: db, host: '127.0.0.1' });
    expect(secret.password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const c = await pg.connectAs(db, 'payments__ledger', secret.password);
    expect((await c.query('SELECT current_user AS u')).rows[0].u).toBe('payments__ledger');
    await c.end();

    const second = await run();
    expect(second.passwordsCreated).toEqual([]);
    expect(JSON.parse(store.values.get(secretIdOf('payments__ledger'))!).password).toBe(secret.password);
    const again = await pg.connectAs(db, 'payments__ledger', secret.password);
    await again.end();
    // The database stores a SCRAM verifier, never the password.
    const stored = await withAdmin(db, async (c) => (await c.query(`SELECT rolpassword FROM pg_authid WHERE rolname = 'payments__ledger'`)).rows[0].rolpassword);
    expect(stored).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(stored).not.toContain(secret.password);
  });

  it('fails to log in as a login role with a wrong password', async () => {
    const db = await pg.freshDatabase();
    await migrationHandler(pg, db, committedMigrations(), new MemorySecretStore())();
    await expect(pg.connectAs(db, 'payments__ledger', 'not-the-password')).rejects.toThrow(/password authentication failed/);
  });
});

describe('least privilege', () => {
  const ledger = SINK_EXAMPLES.find((e) => e.product.id === 'payments/payment-events@v1')!;
  // A second sink consumer in the same domain: its table is "another table" in the same schema.
  const recon = planSinks(compiled({ name: 'payment-recon', consumers: [{ name: 'recon', principal: 'User:recon', sink: { postgres: { mode: 'append' } } }] })).sinks;
  let db: string;
  let store: MemorySecretStore;
  let asLedger: Client;

  beforeAll(async () => {
    db = await pg.freshDatabase();
    store = new MemorySecretStore();
    const plans = [...sinks, ...recon];
    await migrationHandler(pg, db, [...committedMigrations(), ...recon.flatMap((s) => s.migrations)], store, plans)();
    asLedger = await pg.connectAs(db, 'payments__ledger', JSON.parse(store.values.get(secretIdOf('payments__ledger'))!).password);
  });
  afterAll(async () => {
    await asLedger?.end();
  });

  const value = {
    paymentId: '6f1c2a1e-6d1f-4f39-9d59-0a4b8f7b1c11',
    amountMinor: 1250,
    currency: 'EUR',
    status: 'CAPTURED',
    occurredAt: '2026-11-25T10:00:00.000Z',
    merchantId: 'm-1',
  };

  it('lets a consumer role insert, read, update and delete its own table', async () => {
    const s = ledger.sinks[0];
    await asLedger.query(s.statements.write.text, rowParams(s.columns, value, 0, 1));
    expect((await asLedger.query('SELECT amount_minor FROM payments.payment_events_v1__ledger')).rows).toEqual([{ amount_minor: '1250' }]);
    await asLedger.query('UPDATE payments.payment_events_v1__ledger SET status = $1', ['REFUNDED']);
    await asLedger.query(s.statements.tombstone!.text, [value.paymentId, 0, 2]);
    expect((await asLedger.query('SELECT count(*)::int AS n FROM payments.payment_events_v1__ledger')).rows[0].n).toBe(0);
  });

  it.each([
    ['DROP its table', 'DROP TABLE payments.payment_events_v1__ledger', /must be owner/],
    ['ALTER its table', 'ALTER TABLE payments.payment_events_v1__ledger ADD COLUMN x int', /must be owner/],
    ['TRUNCATE its table', 'TRUNCATE payments.payment_events_v1__ledger', /permission denied/],
    ['create a table in its schema', 'CREATE TABLE payments.mine (id int)', /permission denied for schema payments/],
    ['read another table in its schema', 'SELECT * FROM payments.payment_recon_v1__recon', /permission denied for table payment_recon_v1__recon/],
    ['write another table in its schema', "INSERT INTO payments.payment_recon_v1__recon (_source_partition, _source_offset) VALUES (0, 0)", /permission denied/],
    ["read another domain's table", 'SELECT * FROM orders.order_state_v1__analytics', /permission denied for schema orders/],
    ['read the migration history', 'SELECT * FROM contract_mesh.migrations', /permission denied for schema contract_mesh/],
    ['create a role', 'CREATE ROLE sneaky', /permission denied to create role/],
  ])('fails if the consumer role tries to %s', async (_what, sql, error) => {
    await expect(asLedger.query(sql)).rejects.toThrow(error);
  });

  it('lets the analyst role read every sink table of its domain, and nothing more', async () => {
    const c = await pg.admin(db);
    try {
      await c.query('SET ROLE payments_analyst');
      await c.query('SELECT * FROM payments.payment_events_v1__ledger');
      await c.query('SELECT * FROM payments.payment_recon_v1__recon');
      for (const sql of [
        "INSERT INTO payments.payment_recon_v1__recon (_source_partition, _source_offset) VALUES (0, 0)",
        "UPDATE payments.payment_events_v1__ledger SET status = 'FAILED'",
        'DELETE FROM payments.payment_events_v1__ledger',
        'TRUNCATE payments.payment_events_v1__ledger',
        'SELECT * FROM orders.order_state_v1__analytics',
      ]) {
        await expect(c.query(sql)).rejects.toThrow(/permission denied/);
      }
      const canLogin = (await c.query(`SELECT rolcanlogin FROM pg_roles WHERE rolname IN ('payments_analyst','payments_owner')`)).rows;
      expect(canLogin).toEqual([{ rolcanlogin: false }, { rolcanlogin: false }]);
    } finally {
      await c.end();
    }
  });
});
