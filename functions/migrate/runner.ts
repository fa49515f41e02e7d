/**
 * Applies migrations with umzug, in ONE transaction under a transaction-level
 * advisory lock, recording each migration's id and sha256 checksum in
 * `contract_mesh.migrations`.
 *
 * - A second run applies nothing (umzug skips what the history records).
 * - A migration whose text changed after it was applied is refused before
 *   anything runs (committed migrations are frozen); so is a recorded migration
 *   that is no longer in the set.
 * - Any failure rolls everything back, and the error names the migration.
 *
 * umzug orders, skips and runs the migrations; the checksum table and the lock
 * are the part umzug leaves to its storage, written here (see docs/postgres-sinks.md, "How the migrations are applied").
 */
import type { Client } from 'pg';
import { Umzug, type UmzugStorage } from 'umzug';
import { checksumOf } from '../../contracts/sql/migrations';

/** A migration to apply: its id (recorded in the history) and its SQL. */
export interface MigrationInput {
  readonly id: string;
  readonly sql: string;
}

export const HISTORY_SCHEMA = 'contract_mesh';
export const HISTORY_TABLE = `${HISTORY_SCHEMA}.migrations`;
/** The advisory lock key: every migration run of every domain takes the same lock. */
export const LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('contract-mesh/migrations'))`;

export class MigrationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationRefused';
  }
}

export interface ApplyResult {
  /** Ids applied by this run, in order. */
  readonly applied: string[];
  /** How many were already applied. */
  readonly alreadyApplied: number;
}

/** Applies `migrations` (in the given order) to the connected client's database. */
export async function applyMigrations(
  client: Client,
  migrations: readonly MigrationInput[],
  log: (msg: string) => void = () => {},
): Promise<ApplyResult> {
  const ids = new Set<string>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new MigrationRefused(`migration ${m.id} is listed twice.`);
    ids.add(m.id);
  }
  await client.query('BEGIN');
  try {
    await client.query(LOCK_SQL);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${HISTORY_SCHEMA}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${HISTORY_TABLE} (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${HISTORY_TABLE} ORDER BY name`);
    const byId = new Map(migrations.map((m) => [m.id, m]));
    for (const r of rows) {
      const m = byId.get(r.name);
      if (!m) {
        throw new MigrationRefused(
          `migration ${r.name} was applied to this database but is not in the set to apply. Committed migrations are never deleted: restore contracts/migrations/${r.name} from git.`,
        );
      }
      const sum = checksumOf(m.sql);
      if (sum !== r.checksum) {
        throw new MigrationRefused(
          `migration ${r.name} was edited after it was applied (checksum ${sum.slice(0, 12)}…, applied ${r.checksum.slice(0, 12)}…). Applied migrations are frozen: restore the committed file from git and express the change as a new migration (npm run contracts:lock).`,
        );
      }
    }
    const storage: UmzugStorage<Client> = {
      async executed() {
        return rows.map((r) => r.name);
      },
      async logMigration({ name }) {
        await client.query(`INSERT INTO ${HISTORY_TABLE} (name, checksum) VALUES ($1, $2)`, [name, checksumOf(byId.get(name)!.sql)]);
      },
      async unlogMigration() {
        throw new MigrationRefused('contract-mesh migrations are never reverted.');
      },
    };
    const umzug = new Umzug<Client>({
      migrations: migrations.map((m) => ({
        name: m.id,
        up: async ({ context }) => {
          await context.query(m.sql);
        },
      })),
      context: client,
      storage,
      logger: undefined,
    });
    const done = await umzug.up();
    await client.query('COMMIT');
    for (const d of done) log(`applied ${d.name}`);
    return { applied: done.map((d) => d.name), alreadyApplied: rows.length };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    if (err instanceof MigrationRefused) throw err;
    // umzug wraps the failure as "Migration <name> (up) failed: Original error: …".
    throw new Error(`contract-mesh migrations failed, nothing was applied: ${err instanceof Error ? err.message : String(err)}`);
  }
}
