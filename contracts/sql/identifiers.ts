/**
 * SQL identifiers and literals. Every identifier contract-mesh derives is at
 * most 63 bytes (Postgres silently truncates longer ones, which could make two
 * names one) and is always double-quoted, so no derived name can be read as a
 * keyword.
 */

/** Postgres's identifier limit (NAMEDATALEN - 1), in bytes. */
export const PG_IDENTIFIER_MAX_BYTES = 63;

/** A double-quoted identifier; throws when it would be truncated (derived names are bounded, so this is a bug guard). */
export function ident(name: string): string {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes === 0 || bytes > PG_IDENTIFIER_MAX_BYTES) {
    throw new Error(`Postgres identifier "${name}" is ${bytes} bytes; it must be 1 to ${PG_IDENTIFIER_MAX_BYTES}.`);
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"`. */
export function qualified(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`;
}

/** A standard-conforming string literal. */
export function literal(value: string): string {
  if (value.includes('\u0000')) throw new Error('a SQL literal cannot contain U+0000');
  return `'${value.replace(/'/g, "''")}'`;
}
