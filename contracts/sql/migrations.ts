/**
 * Migrations of the sink tables, derived from a product's lock history (every
 * accepted shape, in order) and from the table's committed migrations. Each
 * table gets `0001_create.sql` from the first shape, then one migration per
 * later shape that changes the table, and — for a table created by an older
 * generator — one `privileges-v<r>` migration per revision of the privilege
 * model since (see {@link PRIVILEGES_REVISION}). Only these operations are ever
 * generated: create schema/table/role (idempotently), add a nullable column,
 * drop NOT NULL, replace a CHECK by a wider one (or drop it), grant and revoke.
 * Never DROP TABLE/COLUMN, never a type change: a change that would need one
 * is refused with the remedy (a new major version = a new table).
 *
 * Migrations are frozen once committed: `writeMigrations` (scripts) only adds
 * files that are not there yet, a step already committed is taken as it is on
 * disk (its number and text), new steps are numbered after the last committed
 * one, and the migration function refuses to run when an applied migration's
 * checksum changed.
 *
 * The privilege model (revision 2), proven on PostgreSQL 17 by
 * test/functions/migrate/handler.test.ts with a non-superuser migrating role:
 * - the login role of an `append` table may SELECT and INSERT; of an `upsert`
 *   table SELECT, INSERT, UPDATE and DELETE; the analyst role SELECT; nobody
 *   else anything (not even PUBLIC);
 * - every sink role is created NOSUPERUSER NOCREATEDB NOCREATEROLE
 *   NOREPLICATION NOBYPASSRLS; an existing one with any of those attributes,
 *   a login role that is a member of another role, or one the migrating user
 *   cannot administer, fails the migration with the role and the fix;
 * - database-level statements live in each table's create (or privileges)
 *   migration, idempotently: PUBLIC loses every right on the database and on
 *   schema `public`, and the table's login and analyst roles get CONNECT. The
 *   migration fails when the migrating user cannot revoke them (it does not
 *   own the database), instead of PostgreSQL's silent warning.
 */
import { createHash } from 'node:crypto';
import type { CompiledProduct } from '../compile';
import type { Problem } from '../problems';
import type { Shape } from '../schema/shape';
import { checkName, checkSql, columnOf, columnType, sameCheck, typeChangeProblem, widerCheck, type Column } from './columns';
import { ident, literal, qualified } from './identifiers';
import { deriveSinkTables, INGESTION_COLUMNS, type SinkTable } from './sink-tables';

/**
 * The revision of the privilege model that {@link createSql} writes. Revision 1 (no mark in the
 * create migration): login roles could UPDATE and DELETE append tables, PUBLIC kept its default
 * rights. Revision 2: least privilege (see the file comment). A table created at an older revision
 * gets a `privileges-v<r>` migration for each later one.
 */
export const PRIVILEGES_REVISION = 2;

/** The line that records, in a create migration, the privilege revision it was written at. */
const REVISION_MARK = '-- contract-mesh privileges: revision';

/** The privilege revision a committed create migration was written at (1: written before revisions were marked). */
export function createdRevision(createSqlText: string): number {
  const m = new RegExp(`^${REVISION_MARK} (\\d+)\\b`, 'm').exec(createSqlText);
  return m ? Number(m[1]) : 1;
}

/** A committed migration file of one table: its file name (`NNNN_<slug>.sql`) and text. */
export interface CommittedFile {
  readonly name: string;
  readonly sql: string;
}

/** The committed files of a table's migrations folder (`SinkTable.migrationsDir`); none for a table never locked. */
export type CommittedFiles = (migrationsDir: string) => readonly CommittedFile[];

const NONE_COMMITTED: CommittedFiles = () => [];

/** One migration file. */
export interface Migration {
  /** File name: `NNNN_create.sql`, `NNNN_shape-<k>.sql` (k: 1-based index in the lock history) or `NNNN_privileges-v<r>.sql`. */
  readonly name: string;
  /** `<domain>/<name>.v<version>/<consumer>/<file>`: the name recorded in the history table. */
  readonly id: string;
  readonly sql: string;
  /** sha256 of `sql`, hex. */
  readonly checksum: string;
  /** What a reader must know, e.g. a required field added as a nullable column. */
  readonly notes: readonly string[];
}

/** A table's migrations and its columns after the last one. */
export interface TableMigrations {
  readonly table: SinkTable;
  readonly migrations: readonly Migration[];
  /** Field columns (including those of removed fields), in creation order. */
  readonly columns: readonly Column[];
}

/** sha256 hex of a migration's text. */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/**
 * Every sink table's migrations for a product and its lock history (oldest first; the last is the
 * current shape). `committed` gives each table's committed files: steps already committed keep their
 * file, and a table created at an older privilege revision gets its `privileges-v<r>` migrations.
 * @param committed @default - nothing committed (a product never locked)
 */
export function migrationsFor(product: CompiledProduct, history: readonly Shape[], committed: CommittedFiles = NONE_COMMITTED): { tables: TableMigrations[]; problems: Problem[] } {
  const { tables, problems } = deriveSinkTables(product);
  if (history.length === 0) {
    return { tables: [], problems: [...problems, { product: product.id, field: 'schema', message: 'the lock history is empty.', fix: 'run npm run contracts:lock.' }] };
  }
  const out: TableMigrations[] = [];
  for (const t of tables) {
    const r = tableMigrations(product, t, history, committed(t.migrationsDir));
    problems.push(...r.problems);
    if (!r.problems.length) out.push(r.result);
  }
  return { tables: problems.length ? [] : out, problems };
}

function migration(table: SinkTable, n: number, slug: string, sql: string, notes: readonly string[]): Migration {
  const name = `${String(n).padStart(4, '0')}_${slug}.sql`;
  return { name, id: `${table.migrationsDir}/${name}`, sql, checksum: checksumOf(sql), notes };
}

/** One step of a table's migrations before it is numbered: `create`, `shape-<k>`, `privileges-v<r>`. */
interface Step {
  readonly slug: string;
  readonly sql: string;
  readonly notes: readonly string[];
}

const FILE_NAME = /^(\d{4})_([a-z0-9-]+)\.sql$/;

/**
 * Numbers a table's steps: a step already committed keeps its file's number, and every other step is
 * numbered after the last committed file, in order. The text is always the generator's: the record of
 * the generated migrations (`contracts/migrations/checksums.json`) compares it with what is on disk.
 */
function numberSteps(table: SinkTable, steps: readonly Step[], committed: readonly CommittedFile[]): Migration[] {
  const numbers = new Map<string, number>();
  let last = 0;
  for (const f of committed) {
    const m = FILE_NAME.exec(f.name);
    if (!m) continue;
    numbers.set(m[2], Number(m[1]));
    last = Math.max(last, Number(m[1]));
  }
  const out = steps.map((s) => migration(table, numbers.get(s.slug) ?? ++last, s.slug, s.sql, s.notes));
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * One table's migrations, or the problems that make its history impossible to follow.
 * @param committed the table's committed files @default - none
 */
export function tableMigrations(product: CompiledProduct, table: SinkTable, history: readonly Shape[], committed: readonly CommittedFile[] = []): { result: TableMigrations; problems: Problem[] } {
  const problems: Problem[] = [];
  const tableName = qualified(table.schema.value, table.table.value);
  const columns = history[0].fields.map(columnOf);
  // The privilege revision the table was created at: the committed create migration's, else the current one.
  const committedCreate = committed.find((f) => FILE_NAME.exec(f.name)?.[2] === 'create');
  const createdAt = committedCreate ? createdRevision(committedCreate.sql) : PRIVILEGES_REVISION;
  const steps: Step[] = [{ slug: 'create', sql: createSql(product, table, columns, createdAt), notes: [] }];
  for (let k = 1; k < history.length; k++) {
    const statements: string[] = [];
    const notes: string[] = [];
    const shape = history[k];
    for (const f of shape.fields) {
      const i = columns.findIndex((c) => c.field === f.name);
      const wanted = columnOf(f);
      if (i < 0) {
        const col: Column = { ...wanted, notNull: false };
        columns.push(col);
        statements.push(`ALTER TABLE ${tableName} ADD COLUMN ${ident(col.name)} ${col.type};`);
        if (col.check) statements.push(`ALTER TABLE ${tableName} ADD CONSTRAINT ${ident(checkName(col.name))} CHECK (${checkSql(col.name, col.check)});`);
        if (f.required) notes.push(`${f.name} is required from shape ${k + 1} on, but its column is added nullable: rows written before have no value.`);
        continue;
      }
      const col = columns[i];
      const problem = typeChangeProblem(col.type, columnType(f.type).type);
      if (problem) {
        problems.push({
          product: product.id,
          field: `schema.${f.name}`,
          message: `the Postgres sink table ${table.schema.value}.${table.table.value} (consumer "${table.consumer}") cannot follow shape ${k + 1} of the lock history: ${problem}, and no allowed migration changes a column's type (rows already written would have to be rewritten).`,
          fix: `keep the field's type, or declare the change as the next major version (a new contract file with version: ${product.version + 1}), which gets a new topic and a new table.`,
        });
        continue;
      }
      let next: Column = col;
      if (col.notNull && !f.required) {
        statements.push(`ALTER TABLE ${tableName} ALTER COLUMN ${ident(col.name)} DROP NOT NULL;`);
        next = { ...next, notNull: false };
      } else if (!col.notNull && f.required) {
        notes.push(`${f.name} is required from shape ${k + 1} on; its column stays nullable because earlier rows may have no value.`);
      }
      const check = widerCheck(col.check, wanted.check);
      if (!sameCheck(col.check, check, col.name)) {
        const drop = `ALTER TABLE ${tableName} DROP CONSTRAINT IF EXISTS ${ident(checkName(col.name))}`;
        statements.push(check ? `${drop}, ADD CONSTRAINT ${ident(checkName(col.name))} CHECK (${checkSql(col.name, check)});` : `${drop};`);
        const { check: _old, ...rest } = next;
        next = check ? { ...rest, check } : rest;
      }
      columns[i] = next;
    }
    for (const [i, col] of columns.entries()) {
      if (shape.fields.some((f) => f.name === col.field)) continue;
      if (col.notNull) {
        statements.push(`ALTER TABLE ${tableName} ALTER COLUMN ${ident(col.name)} DROP NOT NULL;`);
        notes.push(`${col.field} was removed in shape ${k + 1}; its column ${col.name} is kept (old rows keep their values) and new rows leave it NULL.`);
        columns[i] = { ...col, notNull: false };
      }
    }
    if (statements.length) {
      const header = [
        `-- contract-mesh migration for ${table.product}, consumer "${table.consumer}": follows shape ${k + 1} of the lock history.`,
        '-- Generated once, then frozen: never edit a committed migration.',
        ...notes.map((n) => `-- Note: ${n}`),
      ];
      steps.push({ slug: `shape-${k + 1}`, sql: `${[...header, ...statements].join('\n')}\n`, notes });
    }
  }
  // A table whose create migration was written at an older privilege revision is brought up to date.
  for (let r = createdAt + 1; r <= PRIVILEGES_REVISION; r++) {
    steps.push({ slug: `privileges-v${r}`, sql: privilegesSql(table, r), notes: [`privilege revision ${r} for a table created at revision ${r - 1}: ${REVISION_SUMMARY}.`] });
  }
  return { result: { table, migrations: numberSteps(table, steps, committed), columns }, problems };
}

/** What revision 2 of the privilege model grants, for migration notes. */
const REVISION_SUMMARY = 'login role SELECT, INSERT (append) or SELECT, INSERT, UPDATE, DELETE (upsert); sink roles without elevated attributes; PUBLIC without rights on the database and schema public; CONNECT for the login and analyst roles';

/** The table privileges of the consumer's login role, by mode. */
export function loginPrivileges(mode: SinkTable['mode']): readonly string[] {
  // append: SELECT is not for reading rows back. PostgreSQL requires SELECT on the conflict target's
  // columns for INSERT … ON CONFLICT (…) DO NOTHING, the append statement (see statements.ts): without
  // it every write fails with "permission denied". Do not remove it.
  // upsert: ON CONFLICT … DO UPDATE needs INSERT, UPDATE and SELECT; a tombstone needs DELETE.
  return mode === 'append' ? ['SELECT', 'INSERT'] : ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
}

/** The role attributes no sink role may have; created roles say NO… for each, explicitly. */
const ELEVATED: ReadonlyArray<readonly [column: string, attribute: string]> = [
  ['rolsuper', 'SUPERUSER'],
  ['rolcreatedb', 'CREATEDB'],
  ['rolcreaterole', 'CREATEROLE'],
  ['rolreplication', 'REPLICATION'],
  ['rolbypassrls', 'BYPASSRLS'],
];

/** A RAISE message: a string literal whose `%` are RAISE's placeholders. */
const message = literal;

/**
 * The table's three roles: created with explicit NO… attributes when missing, then checked, each in
 * turn. The migration fails, naming the role and the fix, when a role has an elevated attribute (the
 * migrating user — not a superuser on RDS — cannot remove one, and this migration would not), when a
 * login role is a member of another role (it would use that role's rights), or when the migrating
 * user cannot administer the role (it could not grant it or set its password).
 */
function rolesSql(table: SinkTable): string[] {
  const { owner, login, analyst } = table.roles;
  const noAttrs = ELEVATED.map(([, a]) => `NO${a}`).join(' ');
  const create = (r: string, canLogin: boolean) =>
    `  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${literal(r)}) THEN CREATE ROLE ${ident(r)} ${canLogin ? 'LOGIN' : 'NOLOGIN'} ${noAttrs}; END IF;`;
  const elevated = ELEVATED.map(([c, a]) => `CASE WHEN r.${c} THEN ${literal(a)} END`).join(', ');
  return [
    'DO $$',
    'DECLARE',
    '  r record;',
    '  elevated text;',
    '  member_of text;',
    'BEGIN',
    create(owner, false),
    create(analyst, false),
    create(login, true),
    `  FOR r IN SELECT p.*, w.login FROM (VALUES (${literal(owner)}, false), (${literal(analyst)}, false), (${literal(login)}, true)) AS w(name, login) JOIN pg_catalog.pg_roles p ON p.rolname = w.name LOOP`,
    `    elevated := concat_ws(', ', ${elevated});`,
    "    IF elevated <> '' THEN",
    `      RAISE EXCEPTION ${message(`contract-mesh: role % has %; a sink role may have none of ${ELEVATED.map(([, a]) => a).join(', ')}, and this migration does not remove attributes (on RDS the master user is not a superuser and cannot). Fix: as a user allowed to, run ALTER ROLE % ${noAttrs}; (or drop the role if nothing else uses it), then deploy again.`)}, quote_ident(r.rolname), elevated, quote_ident(r.rolname);`,
    '    END IF;',
    '    IF r.login THEN',
    "      SELECT string_agg(quote_ident(g.rolname), ', ' ORDER BY g.rolname) INTO member_of FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid;",
    '      IF member_of IS NOT NULL THEN',
    `        RAISE EXCEPTION ${message('contract-mesh: login role % is a member of % and would use their rights; a sink login role is a member of no role. Fix: REVOKE % FROM %; then deploy again.')}, quote_ident(r.rolname), member_of, member_of, quote_ident(r.rolname);`,
    '      END IF;',
    '    END IF;',
    "    IF NOT pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER WITH ADMIN OPTION') THEN",
    `      RAISE EXCEPTION ${message("contract-mesh: the migrating user % cannot administer role % (it has no ADMIN OPTION on it: another user created the role), so it can neither grant the role nor give it its login credentials. Fix: as the role's creator or a superuser, run GRANT % TO % WITH ADMIN OPTION; (or drop the role if nothing else uses it), then deploy again.")}, quote_ident(current_user), quote_ident(r.rolname), quote_ident(r.rolname), quote_ident(current_user);`,
    '    END IF;',
    '  END LOOP;',
    'END',
    '$$;',
  ];
}

/** The table's grants: its login role by mode, its analyst role SELECT, nobody else anything. */
function tableGrantsSql(table: SinkTable, reset: boolean): string[] {
  const name = qualified(table.schema.value, table.table.value);
  const { login, analyst } = table.roles;
  return [
    `REVOKE ALL ON TABLE ${name} FROM PUBLIC;`,
    ...(reset ? [`REVOKE ALL ON TABLE ${name} FROM ${ident(login)}, ${ident(analyst)};`] : []),
    ...(table.mode === 'append'
      ? ['-- SELECT stays: INSERT … ON CONFLICT (…) DO NOTHING needs SELECT on the conflict columns. UPDATE and DELETE are not granted: an append table is a record of what arrived.']
      : ['-- ON CONFLICT … DO UPDATE needs SELECT, INSERT and UPDATE; a tombstone needs DELETE.']),
    `GRANT ${loginPrivileges(table.mode).join(', ')} ON TABLE ${name} TO ${ident(login)};`,
    `GRANT SELECT ON TABLE ${name} TO ${ident(analyst)};`,
  ];
}

/**
 * Database-level statements, idempotent, in every table's create (or privileges) migration: PUBLIC
 * loses every right on the database and on schema `public`, and the table's login and analyst roles
 * get CONNECT. PostgreSQL only warns when a user who does not own the database revokes nothing, so
 * the result is checked and a failure names the fix.
 */
function databaseSql(table: SinkTable): string[] {
  const { login, analyst } = table.roles;
  const notOwner = (what: string) =>
    message(`contract-mesh: PUBLIC still has rights on ${what} after REVOKE: the migrating user % does not own it. Fix: run the migrations as the database owner (on RDS: the master user, which owns the database RDS created), or make it the owner (ALTER DATABASE % OWNER TO %;), then deploy again.`);
  return [
    '-- Database level: PUBLIC gets nothing (no CONNECT, no TEMP, nothing in schema public); each sink role is granted CONNECT explicitly.',
    'DO $$',
    'BEGIN',
    "  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());",
    `  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I, %I', current_database(), ${literal(login)}, ${literal(analyst)});`,
    '  IF EXISTS (SELECT FROM pg_catalog.pg_database d WHERE d.datname = current_database() AND (d.datacl IS NULL OR EXISTS (SELECT FROM pg_catalog.aclexplode(d.datacl) a WHERE a.grantee = 0))) THEN',
    `    RAISE EXCEPTION ${notOwner('database %')}, quote_ident(current_database()), quote_ident(current_user), quote_ident(current_database()), quote_ident(current_user);`,
    '  END IF;',
    "  IF EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'public') THEN",
    '    REVOKE ALL ON SCHEMA public FROM PUBLIC;',
    "    IF EXISTS (SELECT FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a WHERE n.nspname = 'public' AND a.grantee = 0) THEN",
    `      RAISE EXCEPTION ${notOwner('schema public of database %')}, quote_ident(current_database()), quote_ident(current_user), quote_ident(current_database()), quote_ident(current_user);`,
    '    END IF;',
    '  END IF;',
    'END',
    '$$;',
  ];
}

/**
 * `0001_create.sql`: roles, schema, table, grants, and the database-level statements. The generator
 * still writes every revision it ever wrote, byte for byte, so that a committed create migration is
 * always what the generator writes for its table (the record of the generated migrations relies on it).
 * @param revision the privilege revision @default PRIVILEGES_REVISION
 */
export function createSql(product: CompiledProduct, table: SinkTable, columns: readonly Column[], revision: number = PRIVILEGES_REVISION): string {
  if (revision === 1) return createSqlRevision1(product, table, columns);
  if (revision !== PRIVILEGES_REVISION) throw new Error(`no privilege revision ${revision} (the latest is ${PRIVILEGES_REVISION})`);
  const { owner, login, analyst } = table.roles;
  const schema = ident(table.schema.value);
  const name = qualified(table.schema.value, table.table.value);
  return [
    `-- contract-mesh migration for ${table.product}, consumer "${table.consumer}" (${table.mode}): creates its sink table.`,
    '-- Generated once, then frozen: never edit a committed migration.',
    `${REVISION_MARK} ${PRIVILEGES_REVISION} (${REVISION_SUMMARY}).`,
    ...rolesSql(table),
    `GRANT ${ident(owner)} TO CURRENT_USER;`,
    `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${ident(owner)};`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${ident(analyst)}, ${ident(login)};`,
    `CREATE TABLE ${name} (`,
    tableDefinition(product, table, columns),
    ');',
    `ALTER TABLE ${name} OWNER TO ${ident(owner)};`,
    ...tableGrantsSql(table, false),
    ...databaseSql(table),
    `COMMENT ON TABLE ${name} IS ${literal(`${table.product} as sunk by consumer ${table.consumer} (${table.mode}); managed by contract-mesh.`)};`,
    '',
  ].join('\n');
}

/** The table definition's lines (columns, ingestion columns, primary key, CHECKs), shared by every revision. */
function tableDefinition(product: CompiledProduct, table: SinkTable, columns: readonly Column[]): string {
  const { partition, offset, ingestedAt } = INGESTION_COLUMNS;
  const defs = columns.map((c) => `  ${ident(c.name)} ${c.type}${c.notNull ? ' NOT NULL' : ''}`);
  defs.push(`  ${ident(partition)} integer NOT NULL`, `  ${ident(offset)} bigint NOT NULL`, `  ${ident(ingestedAt)} timestamptz NOT NULL DEFAULT now()`);
  const keyColumn = columns.find((c) => c.field === table.key);
  if (!keyColumn) throw new Error(`${product.id}: key ${table.key} is not a field`);
  defs.push(
    table.mode === 'upsert'
      ? `  CONSTRAINT ${ident(`${table.table.value}_pk`)} PRIMARY KEY (${ident(keyColumn.name)})`
      : `  CONSTRAINT ${ident(`${table.table.value}_pk`)} PRIMARY KEY (${ident(partition)}, ${ident(offset)})`,
  );
  for (const c of columns) if (c.check) defs.push(`  CONSTRAINT ${ident(checkName(c.name))} CHECK (${checkSql(c.name, c.check)})`);
  return defs.join(',\n');
}

/**
 * The create migration as the first generator wrote it (revision 1, frozen: never change a byte). Its
 * login role could UPDATE and DELETE an append table, and PUBLIC kept its default rights; the table's
 * `privileges-v2` migration corrects both.
 */
function createSqlRevision1(product: CompiledProduct, table: SinkTable, columns: readonly Column[]): string {
  const { owner, login, analyst } = table.roles;
  const schema = ident(table.schema.value);
  const name = qualified(table.schema.value, table.table.value);
  const role = (r: string, canLogin: boolean) =>
    `  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${literal(r)}) THEN CREATE ROLE ${ident(r)} ${canLogin ? 'LOGIN' : 'NOLOGIN'}; END IF;`;
  return [
    `-- contract-mesh migration for ${table.product}, consumer "${table.consumer}" (${table.mode}): creates its sink table.`,
    '-- Generated once, then frozen: never edit a committed migration.',
    'DO $$',
    'BEGIN',
    role(owner, false),
    role(analyst, false),
    role(login, true),
    'END',
    '$$;',
    `GRANT ${ident(owner)} TO CURRENT_USER;`,
    `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${ident(owner)};`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${ident(analyst)}, ${ident(login)};`,
    `CREATE TABLE ${name} (`,
    tableDefinition(product, table, columns),
    ');',
    `ALTER TABLE ${name} OWNER TO ${ident(owner)};`,
    `REVOKE ALL ON TABLE ${name} FROM PUBLIC;`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE ${name} TO ${ident(login)};`,
    `GRANT SELECT ON TABLE ${name} TO ${ident(analyst)};`,
    `COMMENT ON TABLE ${name} IS ${literal(`${table.product} as sunk by consumer ${table.consumer} (${table.mode}); managed by contract-mesh.`)};`,
    '',
  ].join('\n');
}

/**
 * `NNNN_privileges-v<r>.sql`: brings a table created at revision r - 1 to revision r. Only revision 2
 * exists: it checks (or creates) the roles, resets the table's grants to the model and runs the
 * database-level statements; every statement is idempotent.
 */
export function privilegesSql(table: SinkTable, revision: number): string {
  if (revision !== 2) throw new Error(`no privilege revision ${revision} (the latest is ${PRIVILEGES_REVISION})`);
  return [
    `-- contract-mesh migration for ${table.product}, consumer "${table.consumer}" (${table.mode}): privilege revision ${revision} for a table created before it.`,
    '-- Generated once, then frozen: never edit a committed migration.',
    `-- Revision ${revision}: ${REVISION_SUMMARY}.`,
    ...rolesSql(table),
    ...tableGrantsSql(table, true),
    ...databaseSql(table),
    '',
  ].join('\n');
}
