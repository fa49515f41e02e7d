/** The example products that declare a Postgres sink, their plans, and a migration handler bound to a test database. */
import { join } from 'node:path';
import type { z } from 'zod';
import type { CompiledProduct } from '../../contracts/compile';
import type { DataProduct } from '../../contracts/dsl/data-product';
import { committedFilesOf, readCommittedMigrations } from '../../contracts/sql/committed';
import { planSinks, type SinkPlan } from '../../contracts/sql/sink-plan';
import { loginRolesOf } from '../../contracts/sql/sink-tables';
import { consentEvents } from '../fixtures/contracts/products/customers/consent-events';
import { orderState } from '../fixtures/contracts/products/orders/order-state';
import { paymentEvents } from '../fixtures/contracts/products/payments/payment-events';
import { compileProduct } from '../../contracts/compile';
import { createMigrationHandler, type MigrationDeps } from '../../functions/migrate/handler';
import type { MigrationInput } from '../../functions/migrate/runner';
import type { SecretStore } from '../../functions/migrate/secret-store';
import type { PgServer } from './postgres';

export const MIGRATIONS_ROOT = join(__dirname, '..', 'fixtures', 'contracts', 'migrations');

export interface SinkExample {
  readonly product: CompiledProduct;
  readonly schema: z.ZodObject;
  readonly sinks: SinkPlan[];
}

function example(p: DataProduct): SinkExample {
  const r = compileProduct(p);
  if (!r.product) throw new Error(r.problems.map((x) => x.message).join('\n'));
  // Planned against the committed files, as synth does: a table created by an older generator has its privilege migration.
  const plan = planSinks(r.product, [r.product.shape], committedFilesOf(readCommittedMigrations(MIGRATIONS_ROOT)));
  if (plan.problems.length) throw new Error(plan.problems.map((x) => x.message).join('\n'));
  return { product: r.product, schema: p.spec.schema, sinks: plan.sinks };
}

/** Every example product with a sink (asserted to be all of them by the tests). */
export const SINK_EXAMPLES: readonly SinkExample[] = [paymentEvents, consentEvents, orderState].map((p) => example(p as unknown as DataProduct));

/** The committed migrations (what synth packages). */
export function committedMigrations(): MigrationInput[] {
  return readCommittedMigrations(MIGRATIONS_ROOT);
}

/** A real in-memory secret store: the secrets boundary, not a database stand-in. */
export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, string>();
  readonly puts: string[] = [];
  async get(id: string) {
    return this.values.get(id);
  }
  async put(id: string, value: string) {
    this.values.set(id, value);
    this.puts.push(id);
  }
}

export const secretIdOf = (role: string) => `contract-mesh/test/postgres/${role}`;

/**
 * The migrating user as on RDS: the master user is NOT a superuser; it has CREATEROLE and CREATEDB,
 * and owns the database RDS created for it (and so, through pg_database_owner, schema public).
 */
export const MASTER = { user: 'mesh_master', password: 'master-test-password' };

/** Creates the master role (once per server) and makes it the owner of `db`, as RDS does. */
export async function prepareMaster(pg: PgServer, db: string, options: { ownsDatabase?: boolean } = {}): Promise<void> {
  const admin = await pg.admin(db);
  try {
    await admin.query(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${MASTER.user}') THEN CREATE ROLE ${MASTER.user} LOGIN NOSUPERUSER CREATEROLE CREATEDB NOREPLICATION NOBYPASSRLS PASSWORD '${MASTER.password}'; END IF; END $$`);
    if (options.ownsDatabase ?? true) await admin.query(`ALTER DATABASE ${db} OWNER TO ${MASTER.user}`);
    else await admin.query(`GRANT CREATE ON DATABASE ${db} TO ${MASTER.user}`);
  } finally {
    await admin.end();
  }
}

async function connectAsMaster(pg: PgServer, db: string, ownsDatabase = true) {
  await prepareMaster(pg, db, { ownsDatabase });
  return pg.connectAs(db, MASTER.user, MASTER.password);
}

/** The migration function's own handler, against `db` on the test server. */
export function migrationHandler(
  pg: PgServer,
  db: string,
  migrations: readonly MigrationInput[],
  secrets: SecretStore,
  plans: readonly SinkPlan[] = SINK_EXAMPLES.flatMap((e) => e.sinks),
  options: { masterOwnsDatabase?: boolean } = {},
) {
  const port = Number(new URL(pg.url(db)).port);
  const deps: MigrationDeps = {
    connect: () => connectAsMaster(pg, db, options.masterOwnsDatabase ?? true),
    migrations,
    logins: loginRolesOf(plans.map((s) => s.table)).map((role) => ({ role, secretId: secretIdOf(role) })),
    secrets,
    database: { host: '127.0.0.1', port, dbname: db },
    log: () => {},
  };
  return createMigrationHandler(deps);
}
