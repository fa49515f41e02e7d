/**
 * The statements a sink consumer runs, exported for its deployment. Parameters
 * are positional: the field columns in table order, then the record's source
 * partition and offset ({@link rowParams} builds them from a decoded record).
 *
 * - upsert: one row per key. A record replaces the row only when it comes later
 *   in the same partition (a key stays in its partition within a major
 *   version, because partitions are locked), so an older or redelivered record
 *   never overwrites a newer one. A tombstone deletes the row, unless the row
 *   is newer than the tombstone.
 * - append: one row per record; a redelivered (partition, offset) is ignored.
 */
import type { Column } from './columns';
import { ident, qualified } from './identifiers';
import { INGESTION_COLUMNS, type SinkTable } from './sink-tables';

/** A parameterised statement. */
export interface SinkStatement {
  readonly text: string;
  /** What each `$n` is: a contract field name, or `partition` / `offset`. */
  readonly params: readonly string[];
}

export interface SinkStatements {
  /** Writes one record (upsert or append, by the table's mode). */
  readonly write: SinkStatement;
  /** Deletes the key's row for a tombstone (upsert mode only). */
  readonly tombstone?: SinkStatement;
}

/**
 * What the one-record and the set-wise statements share: the INSERT's columns and conflict handling, the tombstone's
 * guard. `source` is the INSERT's row source (after the column list); `tombstone` writes the DELETE from the table's
 * name, its key column and the guard (`newer(partition, offset)`: the row is older than the record).
 */
function statementsOf(
  table: SinkTable,
  columns: readonly Column[],
  source: string,
  tombstone: (name: string, key: Column, newer: (p: string, o: string) => string) => string,
): SinkStatements {
  const name = qualified(table.schema.value, table.table.value);
  const { partition, offset, ingestedAt } = INGESTION_COLUMNS;
  const cols = [...columns.map((c) => c.name), partition, offset];
  const params = [...columns.map((c) => c.field), 'partition', 'offset'];
  const insert = `INSERT INTO ${name} AS t (${cols.map(ident).join(', ')})\n${source}`;
  if (table.mode === 'append') {
    return { write: { text: `${insert}\nON CONFLICT (${ident(partition)}, ${ident(offset)}) DO NOTHING`, params } };
  }
  const key = columns.find((c) => c.field === table.key);
  if (!key) throw new Error(`${table.product}: key ${table.key} has no column`);
  const newer = (p: string, o: string) => `(t.${ident(partition)} <> ${p} OR t.${ident(offset)} < ${o})`;
  const set = [...cols.map((c) => `${ident(c)} = EXCLUDED.${ident(c)}`), `${ident(ingestedAt)} = now()`];
  return {
    write: {
      text: `${insert}\nON CONFLICT (${ident(key.name)}) DO UPDATE SET ${set.join(', ')}\nWHERE ${newer(`EXCLUDED.${ident(partition)}`, `EXCLUDED.${ident(offset)}`)}`,
      params,
    },
    tombstone: { text: tombstone(name, key, newer), params: [table.key, 'partition', 'offset'] },
  };
}

/** The statements of a table, for its current columns. */
export function sinkStatements(table: SinkTable, columns: readonly Column[]): SinkStatements {
  const values = Array.from({ length: columns.length + 2 }, (_, i) => `$${i + 1}`);
  return statementsOf(table, columns, `VALUES (${values.join(', ')})`, (name, key, newer) => `DELETE FROM ${name} AS t WHERE t.${ident(key.name)} = $1 AND ${newer('$2', '$3')}`);
}

/** Converts a record's value for its column: datetimes to UTC ISO (ms), nested values to JSON text, absent to NULL. */
export function columnValue(column: Column, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (column.valueKind) {
    case 'datetime':
      return new Date(value as string).toISOString();
    case 'json':
      return JSON.stringify(value);
    default:
      return value;
  }
}

/** The parameters of {@link SinkStatements.write} for one decoded record. */
export function rowParams(columns: readonly Column[], record: Readonly<Record<string, unknown>>, partition: number, offset: number | bigint | string): unknown[] {
  return [...columns.map((c) => columnValue(c, record[c.field])), partition, String(offset)];
}

/** The parameters of {@link SinkStatements.tombstone} for a key. */
export function tombstoneParams(key: unknown, partition: number, offset: number | bigint | string): unknown[] {
  return [key, partition, String(offset)];
}

/**
 * The set-wise forms of {@link SinkStatements}: one statement writes (or deletes) many records, each parameter an
 * array holding one element per record (`unnest` turns them back into rows), so a batch costs one round trip per
 * statement instead of one per record. They mean what the one-record statements mean, applied to each row, on one
 * condition the caller keeps: in upsert mode no key appears twice in one call (see {@link planSinkBatch}).
 */
export interface SinkBatchStatements {
  /** Writes many records; `$n` is the array of {@link SinkStatements.write}'s n-th parameter. */
  readonly write: SinkStatement;
  /** Deletes the rows of many tombstones (upsert mode only); `$n` as for {@link SinkStatements.tombstone}. */
  readonly tombstone?: SinkStatement;
}

/**
 * The SQL array type of a column's parameters: the column's type without a length (`varchar(64)` → `text[]`), so the
 * INSERT's assignment to the column checks the length as the one-record statement does (an explicit cast to
 * `varchar(64)` would cut the string instead).
 */
export function arrayType(columnType: string): string {
  const base = columnType.replace(/\s*\(\s*\d+\s*\)$/, '');
  return `${/^(character varying|varchar)$/i.test(base) ? 'text' : base}[]`;
}

/** The set-wise statements of a table, for its current columns. */
export function sinkBatchStatements(table: SinkTable, columns: readonly Column[]): SinkBatchStatements {
  const types = [...columns.map((c) => arrayType(c.type)), 'integer[]', 'bigint[]'];
  return statementsOf(
    table,
    columns,
    `SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}`).join(', ')})`,
    (name, key, newer) =>
      `DELETE FROM ${name} AS t\nUSING unnest($1::${arrayType(key.type)}, $2::integer[], $3::bigint[]) AS d(k, p, o)\nWHERE t.${ident(key.name)} = d.k AND ${newer('d.p', 'd.o')}`,
  );
}

/** One record for the sink table, as the sink read it. */
export type SinkOperation =
  | { readonly kind: 'write'; readonly value: Readonly<Record<string, unknown>>; readonly partition: number; readonly offset: string }
  | { readonly kind: 'tombstone'; readonly key: string | null; readonly partition: number; readonly offset: string };

/** One call of a set-wise statement: which one, and its arrays (one per parameter, one element per row). */
export interface SinkBatchStep {
  readonly statement: 'write' | 'tombstone';
  readonly params: unknown[][];
}

/**
 * Plans the set-wise statements of a batch: `ops` in the order the one-record statements would run (each partition's
 * records in offset order). Returns the calls to make, in order, which leave the table as the one-record statements
 * run one by one would:
 *
 * - append: one write of every record (a tombstone has nothing to append; a redelivered record is ignored by its
 *   `(partition, offset)`);
 * - upsert: the operations in order, consecutive writes in one call and consecutive tombstones in one call. In a
 *   call of writes only a key's last write is kept: with the statement's guard (a row is replaced only by a later
 *   offset of its partition, or by another partition) its earlier writes never decide the row. A key written again
 *   from another partition starts a new call, since there the order between the two decides. A tombstone without a
 *   key deletes nothing and is left out.
 */
export function planSinkBatch(table: Pick<SinkTable, 'mode' | 'key'>, columns: readonly Column[], ops: readonly SinkOperation[]): SinkBatchStep[] {
  const arraysOf = (rows: readonly unknown[][]): unknown[][] => rows[0].map((_, i) => rows.map((r) => r[i]));
  const rowOf = (op: Extract<SinkOperation, { kind: 'write' }>) => rowParams(columns, op.value, op.partition, op.offset);
  if (table.mode === 'append') {
    const rows = ops.flatMap((op) => (op.kind === 'write' ? [rowOf(op)] : []));
    return rows.length ? [{ statement: 'write', params: arraysOf(rows) }] : [];
  }
  const keyColumn = columns.find((c) => c.field === table.key);
  if (!keyColumn) throw new Error(`key ${table.key} has no column`);
  const steps: SinkBatchStep[] = [];
  let writes = new Map<string, Extract<SinkOperation, { kind: 'write' }>>();
  let deletes: unknown[][] = [];
  const flush = () => {
    if (writes.size) steps.push({ statement: 'write', params: arraysOf([...writes.values()].map(rowOf)) });
    if (deletes.length) steps.push({ statement: 'tombstone', params: arraysOf(deletes) });
    writes = new Map();
    deletes = [];
  };
  for (const op of ops) {
    if (op.kind === 'tombstone') {
      if (op.key === null) continue;
      if (writes.size) flush();
      deletes.push(tombstoneParams(op.key, op.partition, op.offset));
      continue;
    }
    if (deletes.length) flush();
    // The codec normalises values, so one key has one spelling here (a miss would only make PostgreSQL refuse the
    // call: "cannot affect row a second time", and the caller writes the records one by one instead).
    const key = String(columnValue(keyColumn, op.value[table.key]));
    const had = writes.get(key);
    if (had && had.partition !== op.partition) flush();
    writes.delete(key); // re-added last: the map keeps its rows in the order of their last write
    writes.set(key, op);
  }
  flush();
  return steps;
}
