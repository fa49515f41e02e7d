/**
 * Everything a product's Postgres sinks need, from the product and its lock
 * history: per sink consumer, the table, its migrations, its current columns
 * and the statements its deployment runs.
 */
import type { CompiledProduct } from '../compile';
import type { Problem } from '../problems';
import type { Shape } from '../schema/shape';
import type { Column } from './columns';
import { migrationsFor, type CommittedFiles, type Migration } from './migrations';
import type { SinkTable } from './sink-tables';
import { sinkStatements, type SinkStatements } from './statements';

export interface SinkPlan {
  readonly table: SinkTable;
  readonly migrations: readonly Migration[];
  readonly columns: readonly Column[];
  readonly statements: SinkStatements;
}

/**
 * The sink plans of a product; `history` defaults to the current shape alone (a product never locked
 * before), `committed` to nothing committed (see {@link migrationsFor}).
 */
export function planSinks(product: CompiledProduct, history: readonly Shape[] = [product.shape], committed?: CommittedFiles): { sinks: SinkPlan[]; problems: Problem[] } {
  const { tables, problems } = migrationsFor(product, history, committed);
  return {
    sinks: tables.map((t) => ({ table: t.table, migrations: t.migrations, columns: t.columns, statements: sinkStatements(t.table, t.columns) })),
    problems,
  };
}
