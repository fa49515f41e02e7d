/**
 * `npm run contracts:lock`: discovers every product, compiles it, and creates
 * or advances its lock. Refuses (writes nothing at all) when any contract is
 * invalid or any change is rejected by the evolution gate — with the same
 * messages as synth.
 */
import { dirname, join } from 'node:path';
import { compileProduct, type CompiledProduct } from '../compile';
import { defaultCacheDir } from '../build-cache';
import { discoverProducts } from '../discover';
import type { EnvironmentConfig } from '../environment';
import { findCollisions } from '../mesh';
import { formatProblems, type Problem } from '../problems';
import type { ProductLock } from './lock-file';
import { readLocks, writeLock } from './lock-store';
import { updateLock } from './update-lock';
import { createCodec, type Codec } from '../codec/codec';
import { measureSizeRatio } from '../codec/size-sample';
import type { DataProduct } from '../dsl/data-product';
import { committedFilesOf, readCommittedMigrations, writeMigrations } from '../sql/committed';
import type { Migration } from '../sql/migrations';
import { planSinks } from '../sql/sink-plan';

export interface LockMeshOptions {
  /** Project root, for file names in messages. @default process.cwd() */
  readonly root?: string;
  /** Where the product files are. @default `<root>/contracts/products` */
  readonly productsDir?: string;
  /** Where the locks are. @default the `locks` folder beside `productsDir` */
  readonly locksDir?: string;
  /** Where the Postgres sink migrations are written. @default the `migrations` folder beside `productsDir` */
  readonly migrationsDir?: string;
  /** The environments whose partitions are locked. */
  readonly environments: readonly EnvironmentConfig[];
  /** Where messages go. @default console */
  readonly log?: { info(msg: string): void; error(msg: string): void };
}

/**
 * The lock with the protobuf/JSON size ratio of its current shape, measured with the real codec (the lock's
 * field numbers) on the deterministic sample of `codec/size-sample.ts`; unchanged when nothing could be measured.
 */
export function withEncoding(definition: DataProduct, lock: ProductLock): ProductLock {
  const encoding = measureSizeRatio(createCodec(definition, { lock }) as Codec<unknown>);
  return encoding ? { ...lock, encoding } : lock;
}

/** Creates missing locks and appends accepted changes; returns the process exit code. */
export function lockMesh(options: LockMeshOptions): number {
  const log = options.log ?? { info: (m: string) => console.log(m), error: (m: string) => console.error(m) };
  const root = options.root ?? process.cwd();
  const productsDir = options.productsDir ?? join(root, 'contracts', 'products');
  const locksDir = options.locksDir ?? join(dirname(productsDir), 'locks');
  const discovered = discoverProducts(productsDir, root, { cacheDir: defaultCacheDir(root) });
  const read = readLocks(locksDir, root);
  const problems: Problem[] = [...discovered.problems, ...read.problems];
  const products: CompiledProduct[] = [];
  const definitions = new Map<CompiledProduct, DataProduct>();
  for (const e of discovered.entries) {
    const r = compileProduct(e.product, e.source);
    problems.push(...r.problems);
    if (r.product) {
      products.push(r.product);
      definitions.set(r.product, e.product);
    }
  }
  problems.push(...findCollisions(products));
  const migrationsDir = options.migrationsDir ?? join(dirname(productsDir), 'migrations');
  // Steps already committed keep their files; a table created by an older generator gets its privilege migrations.
  const committed = committedFilesOf(readCommittedMigrations(migrationsDir));
  const updates: Array<{ product: CompiledProduct; lock: ProductLock }> = [];
  const notes: string[] = [];
  const migrations: Migration[] = [];
  for (const product of products) {
    const u = updateLock(product, read.locks.get(product.id), options.environments);
    problems.push(...u.problems);
    if (u.lock && (u.changed || !u.lock.encoding)) {
      // The protobuf/JSON size ratio of the accepted shape, for the review's cost section (measured here, not at synth).
      const lock = u.problems.length === 0 ? withEncoding(definitions.get(product) as DataProduct, u.lock) : u.lock;
      if (u.changed || lock.encoding) {
        updates.push({ product, lock });
        notes.push(...(u.changed ? u.notes : [`${product.id}: protobuf/JSON size ratio recorded`]));
      }
    }
    // The sink migrations of every accepted shape; a change no allowed SQL operation can express is refused here.
    const lock = u.lock ?? read.locks.get(product.id);
    if (lock && u.problems.length === 0) {
      const sinks = planSinks(product, lock.history.map((v) => v.shape), committed);
      problems.push(...sinks.problems);
      for (const s of sinks.sinks) migrations.push(...s.migrations);
    }
  }
  if (problems.length) {
    log.error(formatProblems(problems).replace('nothing was synthesized', 'no lock was written'));
    return 1;
  }
  for (const { product, lock } of updates) writeLock(locksDir, product.domain, product.name, product.version, lock);
  for (const n of notes) log.info(`  ✔ ${n}`);
  // Migrations are frozen once written: only missing files are added, a committed one is never rewritten.
  const { written } = writeMigrations(migrationsDir, migrations);
  for (const id of written) log.info(`  ✔ wrote contracts/migrations/${id}`);
  log.info(`contract-mesh: ${updates.length} lock${updates.length === 1 ? '' : 's'} written, ${products.length - updates.length} up to date. Commit contracts/locks/ and contracts/migrations/ with the contracts.`);
  return 0;
}
