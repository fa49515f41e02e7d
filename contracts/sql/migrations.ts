/**
 * Migrations of the sink tables, derived from a product's lock history (every
 * accepted shape, in order). Each table gets `0001_create.sql` from the first
 * shape, then one migration per later shape that changes the table. Only these
 * operations are ever generated: create schema/table/role (idempotently),
 * add a nullable column, drop NOT NULL, replace a CHECK by a wider one (or drop
 * it), grant. Never DROP TABLE/COLUMN, never a type change: a change that
 * would need one is refused with the remedy (a new major version = a new table).
 *
 * Migrations are frozen once committed: `writeMigrations` (scripts) only adds
 * files that are not there yet, and the migration function refuses to run when
 * an applied migration's checksum changed.
 */
import { createHash } from 'node:crypto';
import type { CompiledProduct } from '../compile';
import type { Problem } from '../problems';
import type { Shape } from '../schema/shape';
import { checkName, checkSql, columnOf, columnType, sameCheck, typeChangeProblem, widerCheck, type Column } from './columns';
import { ident, literal, qualified } from './identifiers';
import { deriveSinkTables, INGESTION_COLUMNS, type SinkTable } from './sink-tables';

/** One migration file. */
export interface Migration {
  /** File name: `NNNN_create.sql` or `NNNN_shape-<k>.sql` (k: 1-based index in the lock history). */
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

/** Every sink table's migrations for a product and its lock history (oldest first; the last is the current shape). */
export function migrationsFor(product: CompiledProduct, history: readonly Shape[]): { tables: TableMigrations[]; problems: Problem[] } {
  const { tables, problems } = deriveSinkTables(product);
  if (history.length === 0) {
    return { tables: [], problems: [...problems, { product: product.id, field: 'schema', message: 'the lock history is empty.', fix: 'run npm run contracts:lock.' }] };
  }
  const out: TableMigrations[] = [];
  for (const t of tables) {
    const r = tableMigrations(product, t, history);
    problems.push(...r.problems);
    if (!r.problems.length) out.push(r.result);
  }
  return { tables: problems.length ? [] : out, problems };
}

function migration(table: SinkTable, n: number, slug: string, sql: string, notes: string[]): Migration {
  const name = `${String(n).padStart(4, '0')}_${slug}.sql`;
  return { name, id: `${table.migrationsDir}/${name}`, sql, checksum: checksumOf(sql), notes };
}

/** One table's migrations, or the problems that make its history impossible to follow. */
export function tableMigrations(product: CompiledProduct, table: SinkTable, history: readonly Shape[]): { result: TableMigrations; problems: Problem[] } {
  const problems: Problem[] = [];
  const tableName = qualified(table.schema.value, table.table.value);
  const columns = history[0].fields.map(columnOf);
  const migrations: Migration[] = [migration(table, 1, 'create', createSql(product, table, columns), [])];
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
      migrations.push(migration(table, migrations.length + 1, `shape-${k + 1}`, `${[...header, ...statements].join('\n')}\n`, notes));
    }
  }
  return { result: { table, migrations, columns }, problems };
}

/** `0001_create.sql`: roles, schema, table, grants. */
export function createSql(product: CompiledProduct, table: SinkTable, columns: readonly Column[]): string {
  const { owner, login, analyst } = table.roles;
  const schema = ident(table.schema.value);
  const name = qualified(table.schema.value, table.table.value);
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
  const role = (r: string, login: boolean) =>
    `  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${literal(r)}) THEN CREATE ROLE ${ident(r)} ${login ? 'LOGIN' : 'NOLOGIN'}; END IF;`;
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
    defs.join(',\n'),
    ');',
    `ALTER TABLE ${name} OWNER TO ${ident(owner)};`,
    `REVOKE ALL ON TABLE ${name} FROM PUBLIC;`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE ${name} TO ${ident(login)};`,
    `GRANT SELECT ON TABLE ${name} TO ${ident(analyst)};`,
    `COMMENT ON TABLE ${name} IS ${literal(`${table.product} as sunk by consumer ${table.consumer} (${table.mode}); managed by contract-mesh.`)};`,
    '',
  ].join('\n');
}
