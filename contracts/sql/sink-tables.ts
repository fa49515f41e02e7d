/**
 * Which sink tables and roles a product needs, named by one rule each:
 *
 * - schema `<domain_snake>` ({@link pgSchemaName}), owned by the non-login role `<domain_snake>_owner`;
 * - table `<name_snake>_v<version>__<consumer_snake>` ({@link pgTableName}) per sink consumer and major version;
 * - login role `<domain_snake>__<consumer_snake>` per sink consumer (shared by that consumer's tables in the domain);
 * - read-only role `<domain_snake>_analyst` per domain.
 *
 * Names never contain underscores of their own (hyphens become underscores), so
 * `_owner`, `_analyst` and `__<consumer>` cannot meet. Every name is ≤ 63 bytes.
 */
import type { CompiledConsumer, CompiledProduct } from '../compile';
import type { PostgresSinkMode } from '../dsl/data-product';
import type { Derived } from '../derive/derived';
import { pgSchemaName, pgTableName, snake } from '../derive/names';
import type { Problem } from '../problems';
import { PG_IDENTIFIER_MAX_BYTES } from './identifiers';

/** Ingestion columns every sink table has; field columns start with a letter, so these cannot collide. */
export const INGESTION_COLUMNS = {
  partition: '_source_partition',
  offset: '_source_offset',
  ingestedAt: '_ingested_at',
} as const;

/** Schema names a domain may not take. */
const RESERVED_SCHEMAS = ['public', 'information_schema'];

/** One sink table: where one consumer keeps one product major version. */
export interface SinkTable {
  /** The product, `<domain>/<name>@v<version>`. */
  readonly product: string;
  readonly consumer: string;
  readonly mode: PostgresSinkMode;
  /** The domain's schema. */
  readonly schema: Derived<string>;
  readonly table: Derived<string>;
  /** The contract key (upsert: the primary key). */
  readonly key: string;
  /** Roles: the schema owner, the consumer's login role, the domain's analysts. */
  readonly roles: { readonly owner: string; readonly login: string; readonly analyst: string };
  /** The migration folder, relative to the migrations root: `<domain>/<name>.v<version>/<consumer>`. */
  readonly migrationsDir: string;
}

/** The non-login role that owns a domain's schema and tables. */
export function ownerRoleName(domain: string): string {
  return `${snake(domain)}_owner`;
}

/** The read-only role of a domain's analysts. */
export function analystRoleName(domain: string): string {
  return `${snake(domain)}_analyst`;
}

/** A sink consumer's login role in a domain. */
export function loginRoleName(domain: string, consumer: string): string {
  return `${snake(domain)}__${snake(consumer)}`;
}

/** The consumers of a product that declare a Postgres sink. */
export function sinkConsumers(product: CompiledProduct): Array<CompiledConsumer & { sink: NonNullable<CompiledConsumer['sink']> }> {
  return product.consumers.filter((c): c is CompiledConsumer & { sink: NonNullable<CompiledConsumer['sink']> } => !!c.sink);
}

/** Every sink table of a product, with problems for names Postgres cannot take. */
export function deriveSinkTables(product: CompiledProduct): { tables: SinkTable[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const tables: SinkTable[] = [];
  const schema = pgSchemaName(product.domain);
  for (const [i, c] of product.consumers.entries()) {
    if (!c.sink) continue;
    if (RESERVED_SCHEMAS.includes(schema) || schema.startsWith('pg_')) {
      problems.push({
        product: product.id,
        field: `consumers[${i}].sink`,
        message: `the domain's Postgres schema would be "${schema}", which Postgres reserves.`,
        fix: 'rename the domain, or remove the sink.',
      });
      continue;
    }
    const table = pgTableName(product.name, product.version, c.name);
    const roles = { owner: ownerRoleName(product.domain), login: loginRoleName(product.domain, c.name), analyst: analystRoleName(product.domain) };
    for (const n of [schema, table, `${table}_pk`, ...Object.values(roles)]) {
      if (Buffer.byteLength(n) > PG_IDENTIFIER_MAX_BYTES) {
        problems.push({ product: product.id, field: `consumers[${i}].name`, message: `the derived Postgres name "${n}" is longer than ${PG_IDENTIFIER_MAX_BYTES} bytes.`, fix: 'shorten the product or consumer name.' });
      }
    }
    tables.push({
      product: product.id,
      consumer: c.name,
      mode: c.sink.postgres.mode,
      schema: { value: schema, reason: `the schema of domain "${product.domain}" (hyphens → underscores)` },
      table: {
        value: table,
        reason: `consumer "${c.name}" sinks ${product.id} in ${c.sink.postgres.mode} mode: <name>_v<version>__<consumer>`,
      },
      key: product.key,
      roles,
      migrationsDir: `${product.domain}/${product.name}.v${product.version}/${c.name}`,
    });
  }
  return { tables, problems };
}

/** The distinct login roles of some sink tables, sorted. */
export function loginRolesOf(tables: readonly SinkTable[]): string[] {
  return [...new Set(tables.map((t) => t.roles.login))].sort();
}
