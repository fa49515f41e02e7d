/**
 * The column mapping: one contract field → one Postgres column, and how a
 * column follows the contract's history. A column only ever widens: its CHECK
 * is the union of every shape's bounds, it keeps NOT NULL only while the field
 * was required in every shape since the table was created, and its type never
 * changes (a change that would need one is refused, see {@link mergeColumn}).
 */
import { INT32_MAX, INT32_MIN, toSnake, type ShapeField, type ShapeType } from '../schema/shape';
import { ident, literal } from './identifiers';

/** A CHECK a column carries, as data so that two can be merged into the wider one. */
export type ColumnCheck =
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  | { readonly kind: 'double'; readonly min?: number; readonly max?: number; readonly minExclusive?: boolean; readonly maxExclusive?: boolean }
  | { readonly kind: 'min-length'; readonly min: number };

/** How a value of the column is written (the write statement converts by it). */
export type ValueKind = 'scalar' | 'datetime' | 'json';

/** One column derived from one contract field. */
export interface Column {
  /** The column name: the field in snake_case. */
  readonly name: string;
  /** The contract field (camelCase). */
  readonly field: string;
  /** The SQL type, e.g. `varchar(64)`, `bigint`, `jsonb`. */
  readonly type: string;
  readonly notNull: boolean;
  readonly check?: ColumnCheck;
  readonly valueKind: ValueKind;
  /** Why this type, quoted by the docs and migration comments. */
  readonly reason: string;
}

/** The SQL type, CHECK and value kind of one contract type. */
export function columnType(t: ShapeType): { type: string; check?: ColumnCheck; valueKind: ValueKind; reason: string } {
  switch (t.kind) {
    case 'uuid':
      return { type: 'uuid', valueKind: 'scalar', reason: 'uuid' };
    case 'string': {
      const check: ColumnCheck | undefined = t.minLength ? { kind: 'min-length', min: t.minLength } : undefined;
      return t.maxLength !== undefined
        ? { type: `varchar(${t.maxLength})`, ...(check ? { check } : {}), valueKind: 'scalar', reason: `string of at most ${t.maxLength} characters` }
        : { type: 'text', ...(check ? { check } : {}), valueKind: 'scalar', reason: 'string without a maximum length' };
    }
    case 'datetime':
      return { type: 'timestamptz', valueKind: 'datetime', reason: 'ISO datetime' };
    case 'date':
      return { type: 'date', valueKind: 'scalar', reason: 'ISO date' };
    case 'int': {
      const small = t.min >= INT32_MIN && t.max <= INT32_MAX;
      const full = small && t.min === INT32_MIN && t.max === INT32_MAX;
      return {
        type: small ? 'integer' : 'bigint',
        ...(full ? {} : { check: { kind: 'int', min: t.min, max: t.max } as ColumnCheck }),
        valueKind: 'scalar',
        reason: small ? `integer within 32 bits (${t.min}..${t.max})` : `integer beyond 32 bits (${t.min}..${t.max})`,
      };
    }
    case 'double': {
      const check: ColumnCheck = { kind: 'double', min: t.min, max: t.max, minExclusive: t.minExclusive, maxExclusive: t.maxExclusive };
      return { type: 'double precision', check: clean(check), valueKind: 'scalar', reason: 'number (finite; NaN and infinities excluded)' };
    }
    case 'boolean':
      return { type: 'boolean', valueKind: 'scalar', reason: 'boolean' };
    case 'enum':
      return { type: 'text', check: { kind: 'enum', values: [...t.values] }, valueKind: 'scalar', reason: 'enum: text with a CHECK, so values can be added without a type change' };
    case 'object':
    case 'array':
    case 'record':
      return { type: 'jsonb', valueKind: 'json', reason: `${t.kind}: jsonb` };
  }
}

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== false)) as T;
}

/** The column of a field in a newly created table. */
export function columnOf(f: ShapeField): Column {
  const t = columnType(f.type);
  return { name: toSnake(f.name), field: f.name, type: t.type, notNull: f.required, ...(t.check ? { check: t.check } : {}), valueKind: t.valueKind, reason: t.reason };
}

/** The constraint name of a column's CHECK: `ck_<column>` (≤ 51 bytes: columns are ≤ 48). */
export function checkName(column: string): string {
  return `ck_${column}`;
}

/** The CHECK predicate of a column. */
export function checkSql(column: string, c: ColumnCheck): string {
  const col = ident(column);
  switch (c.kind) {
    case 'enum':
      return `${col} IN (${c.values.map(literal).join(', ')})`;
    case 'int':
      return `${col} BETWEEN ${c.min} AND ${c.max}`;
    case 'double': {
      const lower = c.min !== undefined ? `${col} ${c.minExclusive ? '>' : '>='} ${num(c.min)}` : `${col} > '-Infinity'`;
      const upper = c.max !== undefined ? `${col} ${c.maxExclusive ? '<' : '<='} ${num(c.max)}` : `${col} < 'Infinity'`;
      return `${lower} AND ${upper}`;
    }
    case 'min-length':
      // The contract counts UTF-16 code units (JavaScript's length); Postgres counts code points.
      // Code points beyond U+FFFF are two units, so they are counted twice.
      return c.min === 1
        ? `${col} <> ''`
        : `char_length(${col}) + char_length(regexp_replace(${col}, '[^\\U00010000-\\U0010FFFF]', '', 'g')) >= ${c.min}`;
  }
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : `${n}::double precision`;
}

/** The wider of two checks of the same kind, or undefined (no check at all) when nothing bounds both. */
export function widerCheck(a: ColumnCheck | undefined, b: ColumnCheck | undefined): ColumnCheck | undefined {
  if (!a || !b || a.kind !== b.kind) return undefined;
  switch (a.kind) {
    case 'enum': {
      const values = [...a.values];
      for (const v of (b as typeof a).values) if (!values.includes(v)) values.push(v);
      return { kind: 'enum', values };
    }
    case 'int': {
      const o = b as typeof a;
      return { kind: 'int', min: Math.min(a.min, o.min), max: Math.max(a.max, o.max) };
    }
    case 'min-length': {
      const min = Math.min(a.min, (b as typeof a).min);
      return { kind: 'min-length', min };
    }
    case 'double': {
      const o = b as typeof a;
      const min = a.min === undefined || o.min === undefined ? undefined : Math.min(a.min, o.min);
      const max = a.max === undefined || o.max === undefined ? undefined : Math.max(a.max, o.max);
      const minExclusive = min !== undefined && (a.min !== min || !!a.minExclusive) && (o.min !== min || !!o.minExclusive);
      const maxExclusive = max !== undefined && (a.max !== max || !!a.maxExclusive) && (o.max !== max || !!o.maxExclusive);
      return clean<ColumnCheck>({ kind: 'double', min, max, minExclusive, maxExclusive });
    }
  }
}

/** Why a column cannot follow a new field type, or undefined when it can. */
export function typeChangeProblem(current: string, wanted: string): string | undefined {
  if (current === wanted) return undefined;
  const varchar = (t: string) => /^varchar\((\d+)\)$/.exec(t);
  const cv = varchar(current);
  const wv = varchar(wanted);
  // A narrower contract fits the wider column: keep the column as it is.
  if (cv && wv && Number(wv[1]) <= Number(cv[1])) return undefined;
  if (current === 'text' && wv) return undefined;
  if (current === 'bigint' && wanted === 'integer') return undefined;
  return `column type ${current} would have to become ${wanted}`;
}

/** True when two checks are the same constraint. */
export function sameCheck(a: ColumnCheck | undefined, b: ColumnCheck | undefined, column: string): boolean {
  if (!a || !b) return !a && !b;
  return checkSql(column, a) === checkSql(column, b);
}
