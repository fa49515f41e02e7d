/**
 * `npm run contracts:migrations`: writes the Postgres sink migrations that are
 * not committed yet, under `contracts/migrations/`. Never rewrites a committed
 * one. Until the lock (issue 4) exists, every product's history is its current
 * shape; `contracts:lock` will call `planSinks(product, lock.history)` instead.
 */
import { join } from 'node:path';
import { formatProblems } from '../contracts/problems';
import { writeMigrations } from '../contracts/sql/committed';
import { planSinks } from '../contracts/sql/sink-plan';
import { loadMesh } from '../stacks/app';

export const MIGRATIONS_ROOT = join(__dirname, '..', 'contracts', 'migrations');

function main(): number {
  const { plan, problems } = loadMesh({ root: join(__dirname, '..') });
  if (!plan) {
    console.error(formatProblems(problems));
    return 1;
  }
  const all = plan.products.map((p) => planSinks(p));
  const sinkProblems = all.flatMap((r) => r.problems);
  if (sinkProblems.length) {
    console.error(formatProblems(sinkProblems));
    return 1;
  }
  const { written, kept } = writeMigrations(MIGRATIONS_ROOT, all.flatMap((r) => r.sinks.flatMap((s) => s.migrations)));
  for (const id of written) console.log(`wrote contracts/migrations/${id}`);
  console.log(`contract-mesh: ${written.length} migration(s) written, ${kept.length} already committed (left as they are).`);
  return 0;
}

if (require.main === module) process.exitCode = main();
