/**
 * The migration function's handler against a real PostgreSQL 17: applying,
 * re-applying, refusing edited migrations, rolling back failures, creating
 * login passwords, and the least privilege of the roles it creates.
 */
import type { Client } from 'pg';
import { checksumOf, createdRevision, PRIVILEGES_REVISION, privilegesSql } from '../../../contracts/sql/migrations';
import { planSinks } from '../../../contracts/sql/sink-plan';
import { rowParams } from '../../../contracts/sql/statements';
import type { MigrationInput } from '../../../functions/migrate/runner';
import { compiled } from '../../helpers';
import { startPostgres, type PgServer } from '../../support/postgres';
import { committedMigrations, MASTER, MemorySecretStore, migrationHandler, prepareMaster, secretIdOf, SINK_EXAMPLES } from '../../support/sinks';

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
  it('cover every step the generator derives for the example sinks', () => {
    const committed = new Map(committedMigrations().map((m) => [m.id, m.sql]));
    const generated = sinks.flatMap((s) => s.migrations);
    expect(generated.length).toBeGreaterThanOrEqual(6);
    for (const m of generated) expect(committed.get(m.id)).toBe(m.sql);
  });

  it('bring every table created before privilege revision 2 up to it, with exactly the migration the generator writes', () => {
    const committed = new Map(committedMigrations().map((m) => [m.id, m.sql]));
    for (const s of sinks) {
      const create = committed.get(`${s.table.migrationsDir}/0001_create.sql`)!;
      if (createdRevision(create) >= PRIVILEGES_REVISION) continue;
      const upgrade = s.migrations.find((m) => m.name.endsWith('_privileges-v2.sql'));
      expect(upgrade).toBeDefined();
      expect(committed.get(upgrade!.id)).toBe(privilegesSql(s.table, 2));
    }
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

describe('least privilege, migrated by a user that is not a superuser (as on RDS)', () => {
  const audit = SINK_EXAMPLES.find((e) => e.product.id === 'customers/consent-events@v1')!.sinks[0];
  const ledgerSink = SINK_EXAMPLES.find((e) => e.product.id === 'payments/payment-events@v1')!.sinks[0];
  // A second sink consumer in the payments domain: "another consumer's table" in the same schema.
  const recon = planSinks(compiled({ name: 'payment-recon', consumers: [{ name: 'recon', principal: 'User:recon', sink: { postgres: { mode: 'append' } } }] })).sinks;
  const plans = [...sinks, ...recon];
  const logins = [...new Set(plans.map((p) => p.table.roles.login))].sort();
  let db: string;
  const store = new MemorySecretStore();
  const clients = new Map<string, Client>();
  const as = (role: string) => clients.get(role)!;

  beforeAll(async () => {
    db = await pg.freshDatabase();
    await migrationHandler(pg, db, [...committedMigrations(), ...recon.flatMap((s) => s.migrations)], store, plans)();
    for (const role of logins) clients.set(role, await pg.connectAs(db, role, JSON.parse(store.values.get(secretIdOf(role))!).password));
  });
  afterAll(async () => {
    for (const c of clients.values()) await c.end();
  });

  const consent = {
    customerId: '0b3f9b9e-3c55-4a0e-9d1f-1e2d3c4b5a69',
    purposes: ['MARKETING'],
    granted: true,
    channel: 'WEB',
    policyVersion: 3,
    recordedAt: '2026-11-25T10:00:00.000Z',
  };

  it('migrates as a user with CREATEROLE and CREATEDB that is not a superuser and owns the database', async () => {
    const r = await withAdmin(db, async (c) => (await c.query(`SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, pg_get_userbyid(d.datdba) AS owner FROM pg_roles r, pg_database d WHERE r.rolname = $1 AND d.datname = $2`, [MASTER.user, db])).rows[0]);
    expect(r).toEqual({ rolsuper: false, rolcreaterole: true, rolcreatedb: true, owner: MASTER.user });
  });

  it('creates every sink role with no elevated attribute', async () => {
    const roles = await withAdmin(db, async (c) => (await c.query(`SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname ~ '^(payments|customers|orders)_' ORDER BY 1`)).rows);
    expect(roles.length).toBe(3 * 2 + logins.length);
    for (const r of roles) expect(r).toEqual({ rolname: r.rolname, rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false, rolbypassrls: false });
  });

  it('lets an append role insert (a redelivery is ignored: ON CONFLICT … DO NOTHING) and read its table', async () => {
    const c = as(audit.table.roles.login);
    await c.query(audit.statements.write.text, rowParams(audit.columns, consent, 0, 7));
    await c.query(audit.statements.write.text, rowParams(audit.columns, consent, 0, 7));
    expect((await c.query('SELECT count(*)::int AS n FROM customers.consent_events_v1__audit')).rows[0].n).toBe(1);
  });

  it.each([
    ['UPDATE', "UPDATE customers.consent_events_v1__audit SET granted = false"],
    ['DELETE', 'DELETE FROM customers.consent_events_v1__audit'],
    ['TRUNCATE', 'TRUNCATE customers.consent_events_v1__audit'],
  ])('fails if an append role tries to %s its table (the audit trail)', async (_what, sql) => {
    await expect(as(audit.table.roles.login).query(sql)).rejects.toThrow(/permission denied for table consent_events_v1__audit/);
  });

  it('fails if a sink role touches another consumer\'s table, in its own domain or another', async () => {
    const others = plans.filter((p) => p.table.roles.login !== ledgerSink.table.roles.login);
    for (const role of logins) {
      for (const t of plans.filter((p) => p.table.roles.login !== role)) {
        const name = `"${t.table.schema.value}"."${t.table.table.value}"`;
        for (const sql of [`SELECT * FROM ${name}`, `INSERT INTO ${name} (_source_partition, _source_offset) VALUES (9, 9)`, `UPDATE ${name} SET _source_offset = 0`, `DELETE FROM ${name}`]) {
          await expect(as(role).query(sql)).rejects.toThrow(/permission denied/);
        }
      }
    }
    expect(others.length).toBeGreaterThanOrEqual(3);
  });

  it.each([
    ['a table in schema public', 'CREATE TABLE public.mine (id int)'],
    ['a table in its own schema', 'CREATE TABLE %schema%.mine (id int)'],
    ['a temporary table', 'CREATE TEMP TABLE mine (id int)'],
    ['a function', 'CREATE FUNCTION public.mine() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$'],
    ['a view', 'CREATE VIEW public.mine AS SELECT 1 AS one'],
    ['a schema', 'CREATE SCHEMA mine'],
    ['a database', 'CREATE DATABASE mine'],
    ['a role', 'CREATE ROLE mine'],
  ])('fails if any sink role tries to create %s', async (_what, sql) => {
    for (const p of plans) {
      await expect(as(p.table.roles.login).query(sql.replace('%schema%', p.table.schema.value))).rejects.toThrow(/permission denied/);
    }
  });

  it('gives PUBLIC no right on the database or on schema public: a role granted nothing cannot connect', async () => {
    const acl = await withAdmin(db, async (c) => (await c.query(`SELECT (SELECT count(*)::int FROM aclexplode(d.datacl) a WHERE a.grantee = 0) AS db, (SELECT count(*)::int FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = 'public' AND a.grantee = 0) AS schema FROM pg_database d WHERE d.datname = $1`, [db])).rows[0]);
    expect(acl).toEqual({ db: 0, schema: 0 });
    await withAdmin(db, (c) => c.query(`DROP ROLE IF EXISTS outsider; CREATE ROLE outsider LOGIN PASSWORD 'outsider-pw'`));
    await expect(pg.connectAs(db, 'outsider', 'outsider-pw')).rejects.toThrow(/permission denied for database/);
    const connect = await withAdmin(db, async (c) => (await c.query(`SELECT r.rolname FROM pg_roles r WHERE has_database_privilege(r.rolname, $1, 'CONNECT') AND r.rolname ~ '^(payments|customers|orders)_' ORDER BY 1`, [db])).rows.map((r) => r.rolname));
    expect(connect).toEqual([...logins, 'customers_analyst', 'orders_analyst', 'payments_analyst'].sort());
  });
});

describe('a table created before privilege revision 2', () => {
  const audit = SINK_EXAMPLES.find((e) => e.product.id === 'customers/consent-events@v1')!.sinks[0];
  const creates = () => committedMigrations().filter((m) => m.id.endsWith('/0001_create.sql'));

  it('gets the narrower grants from its privileges migration, and keeps its rows', async () => {
    const db = await pg.freshDatabase();
    const store = new MemorySecretStore();
    // The committed create migrations were written at revision 1: the append role could UPDATE and DELETE.
    expect(creates().map((m) => createdRevision(m.sql))).toEqual([1, 1, 1]);
    await migrationHandler(pg, db, creates(), store)();
    const password = JSON.parse(store.values.get(secretIdOf('customers__audit'))!).password;
    let c = await pg.connectAs(db, 'customers__audit', password);
    await c.query(audit.statements.write.text, rowParams(audit.columns, { customerId: '0b3f9b9e-3c55-4a0e-9d1f-1e2d3c4b5a69', purposes: ['ANALYTICS'], granted: true, channel: 'APP', policyVersion: 1, recordedAt: '2026-11-25T10:00:00.000Z' }, 0, 1));
    await c.query('UPDATE customers.consent_events_v1__audit SET granted = granted');
    await c.end();

    const result = await migrationHandler(pg, db, committedMigrations(), store)();
    expect(result.applied).toEqual(committedMigrations().filter((m) => m.id.endsWith('_privileges-v2.sql')).map((m) => m.id));
    c = await pg.connectAs(db, 'customers__audit', password);
    try {
      await expect(c.query('UPDATE customers.consent_events_v1__audit SET granted = false')).rejects.toThrow(/permission denied/);
      await expect(c.query('DELETE FROM customers.consent_events_v1__audit')).rejects.toThrow(/permission denied/);
      await expect(c.query('CREATE TEMP TABLE t (id int)')).rejects.toThrow(/permission denied/);
      expect((await c.query('SELECT count(*)::int AS n FROM customers.consent_events_v1__audit')).rows[0].n).toBe(1);
    } finally {
      await c.end();
    }
    // An upsert role keeps what ON CONFLICT … DO UPDATE and tombstones need.
    const ledger = await pg.connectAs(db, 'payments__ledger', JSON.parse(store.values.get(secretIdOf('payments__ledger'))!).password);
    try {
      await ledger.query('UPDATE payments.payment_events_v1__ledger SET status = status');
      await ledger.query('DELETE FROM payments.payment_events_v1__ledger WHERE false');
    } finally {
      await ledger.end();
    }
  });
});

describe('a sink role that already exists', () => {
  /** A product of its own domain per case: roles are per server, and each case leaves one behind. */
  const guarded = (consumer: string) =>
    planSinks(compiled({ domain: 'guarded', name: `guard-${consumer}`, consumers: [{ name: consumer, principal: `User:${consumer}`, sink: { postgres: { mode: 'append' } } }] })).sinks;
  const tableOf = (s: ReturnType<typeof guarded>) => `guarded.${s[0].table.table.value}`;
  async function migrate(plans: ReturnType<typeof guarded>, setup: string, options?: { masterOwnsDatabase?: boolean }) {
    const db = await pg.freshDatabase();
    await prepareMaster(pg, db, { ownsDatabase: options?.masterOwnsDatabase ?? true });
    if (setup) await withAdmin(db, (c) => c.query(setup));
    const run = migrationHandler(pg, db, plans.flatMap((s) => s.migrations), new MemorySecretStore(), plans, options);
    const error = await run().then(() => undefined, (e: Error) => e);
    const table = await withAdmin(db, async (c) => (await c.query('SELECT to_regclass($1)::text AS t', [tableOf(plans)])).rows[0].t);
    return { error, table };
  }

  it('fails if it has an elevated attribute, naming the role and the fix, and applies nothing', async () => {
    const plans = guarded('elevated');
    const { error, table } = await migrate(plans, `CREATE ROLE guarded__elevated LOGIN CREATEDB; GRANT guarded__elevated TO ${MASTER.user} WITH ADMIN OPTION`);
    expect(error?.message).toMatch(/role guarded__elevated has CREATEDB; .*Fix: .*ALTER ROLE guarded__elevated NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS/);
    expect(table).toBeNull();
  });

  it('fails if the migrating user cannot administer it, naming the role and the fix', async () => {
    const plans = guarded('foreign');
    const { error, table } = await migrate(plans, 'CREATE ROLE guarded__foreign LOGIN');
    expect(error?.message).toMatch(new RegExp(`the migrating user ${MASTER.user} cannot administer role guarded__foreign .*Fix: .*GRANT guarded__foreign TO ${MASTER.user} WITH ADMIN OPTION`));
    expect(table).toBeNull();
  });

  it('fails if a login role is a member of another role (it would use its rights)', async () => {
    const plans = guarded('member');
    const { error, table } = await migrate(plans, `CREATE ROLE guarded__member LOGIN; GRANT guarded__member TO ${MASTER.user} WITH ADMIN OPTION; GRANT pg_write_all_data TO guarded__member`);
    expect(error?.message).toMatch(/login role guarded__member is a member of pg_write_all_data .*Fix: REVOKE pg_write_all_data FROM guarded__member/);
    expect(table).toBeNull();
  });

  it('passes when it was created by the migrating user without elevated attributes', async () => {
    const plans = guarded('fine');
    const { error, table } = await migrate(plans, '');
    expect(error).toBeUndefined();
    expect(table).toBe(tableOf(plans));
  });

  it('fails if the migrating user does not own the database, instead of leaving PUBLIC its rights', async () => {
    const plans = guarded('notowner');
    const { error, table } = await migrate(plans, '', { masterOwnsDatabase: false });
    expect(error?.message).toMatch(new RegExp(`PUBLIC still has rights on database cm_test_\\d+_\\d+ after REVOKE: the migrating user ${MASTER.user} does not own it\\. Fix: run the migrations as the database owner`));
    expect(table).toBeNull();
  });
});
