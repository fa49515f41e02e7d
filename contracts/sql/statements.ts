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

/** The statements of a table, for its current columns. */
export function sinkStatements(table: SinkTable, columns: readonly Column[]): SinkStatements {
  const name = qualified(table.schema.value, table.table.value);
  const { partition, offset, ingestedAt } = INGESTION_COLUMNS;
  const cols = [...columns.map((c) => c.name), partition, offset];
  const params = [...columns.map((c) => c.field), 'partition', 'offset'];
  const insert = `INSERT INTO ${name} AS t (${cols.map(ident).join(', ')})\nVALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`;
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
    tombstone: {
      text: `DELETE FROM ${name} AS t WHERE t.${ident(key.name)} = $1 AND ${newer('$2', '$3')}`,
      params: [table.key, 'partition', 'offset'],
    },
  };
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
