/**
 * `npm run contracts:lock`: discovers every product, compiles it, and creates
 * or advances its lock, and writes the sink migrations of every accepted
 * shape (recording each in the migrations' record). Refuses (writes nothing
 * at all) when any contract is invalid, any change is rejected by the
 * evolution gate, or anything synth would refuse is found — synth's checks
 * are run here too, with the same messages.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { compileProduct, type CompiledProduct } from '../compile';
import type { EnvironmentConfig } from '../environment';
import { findCollisions, planMesh, productWarnings, type ProductEntry } from '../mesh';
import { ContractError, formatProblem, formatProblems, type Problem } from '../problems';
import type { ProductLock } from './lock-file';
import { writeLock } from './lock-store';
import { updateLock } from './update-lock';
import { createCodec, type Codec } from '../codec/codec';
import { measureSizeRatio } from '../codec/size-sample';
import type { DataProduct } from '../dsl/data-product';
import { committedFilesOf, writeMigrations } from '../sql/committed';
import { MIGRATION_RECORD_FILE, reconcileMigrations, serializeMigrationRecord } from '../sql/migration-record';
import type { Migration } from '../sql/migrations';
import { planSinks } from '../sql/sink-plan';
import { contractSources, loadContracts, type ContractSourcesOptions } from './load-contracts';

export interface LockMeshOptions extends ContractSourcesOptions {
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
  const sources = contractSources(options);
  const loaded = loadContracts(sources);
  const problems: Problem[] = [...loaded.problems];
  const products: CompiledProduct[] = [];
  const entries = new Map<CompiledProduct, ProductEntry>();
  for (const e of loaded.entries) {
    const r = compileProduct(e.product, e.source);
    problems.push(...r.problems);
    if (r.product) {
      products.push(r.product);
      entries.set(r.product, e);
    }
  }
  problems.push(...findCollisions(products));
  // Steps already committed keep their numbers; a table created by an older generator gets its privilege migrations.
  const committed = committedFilesOf(loaded.migrations.files);
  const updates: Array<{ product: CompiledProduct; lock: ProductLock }> = [];
  const next = new Map(loaded.locks);
  const locked: ProductEntry[] = [];
  const notes: string[] = [];
  const migrations: Migration[] = [];
  for (const product of products) {
    const u = updateLock(product, loaded.locks.get(product.id), options.environments);
    problems.push(...u.problems);
    if (u.lock && (u.changed || !u.lock.encoding)) {
      // The protobuf/JSON size ratio of the accepted shape, for the review's cost section (measured here, not at synth).
      const lock = u.problems.length === 0 ? withEncoding(entries.get(product)?.product as DataProduct, u.lock) : u.lock;
      if (u.changed || lock.encoding) {
        updates.push({ product, lock });
        next.set(product.id, lock);
        notes.push(...(u.changed ? u.notes : [`${product.id}: protobuf/JSON size ratio recorded`]));
      }
    }
    // The sink migrations of every accepted shape; a change no allowed SQL operation can express is refused here.
    const lock = u.lock ?? loaded.locks.get(product.id);
    if (lock && u.problems.length === 0) {
      locked.push(entries.get(product) as ProductEntry);
      const sinks = planSinks(product, lock.history.map((v) => v.shape), committed);
      problems.push(...sinks.problems);
      for (const s of sinks.sinks) migrations.push(...s.migrations);
    }
  }
  // What synth checks in each environment (retention bounds, deployments against partitions, …), under the new locks.
  const warnings = [...loaded.warnings];
  try {
    const plan = planMesh(locked, options.environments, { locks: next });
    for (const st of plan.stacks) for (const p of st.products) for (const w of productWarnings(p)) warnings.push(`${st.name}: ${w}`);
  } catch (err) {
    if (!(err instanceof ContractError)) throw err;
    const seen = new Set(problems.map(formatProblem));
    for (const p of err.problems) if (!seen.has(formatProblem(p))) problems.push(p);
  }
  const reconciled = reconcileMigrations(loaded.migrations, sources.migrationsDir, sources.root, migrations);
  problems.push(...reconciled.problems);
  if (problems.length) {
    log.error(formatProblems(problems).replace('nothing was synthesized', 'no lock was written'));
    return 1;
  }
  for (const { product, lock } of updates) writeLock(sources.locksDir, product.domain, product.name, product.version, lock);
  for (const n of notes) log.info(`  ✔ ${n}`);
  // Migrations are frozen once written: only missing files are added, a committed one is never rewritten.
  const { written } = writeMigrations(sources.migrationsDir, reconciled.toWrite);
  const migrationsFolder = relative(sources.root, sources.migrationsDir).split(sep).join('/');
  for (const id of written) log.info(`  ✔ wrote ${migrationsFolder}/${id}`);
  if (reconciled.recordChanged) {
    mkdirSync(sources.migrationsDir, { recursive: true });
    writeFileSync(join(sources.migrationsDir, MIGRATION_RECORD_FILE), serializeMigrationRecord(reconciled.record));
    log.info(`  ✔ recorded ${reconciled.record.size - loaded.migrations.record.size} migration${reconciled.record.size - loaded.migrations.record.size === 1 ? '' : 's'} in ${migrationsFolder}/${MIGRATION_RECORD_FILE}`);
  }
  for (const w of warnings) log.info(`warning: ${w}`);
  log.info(`contract-mesh: ${updates.length} lock${updates.length === 1 ? '' : 's'} written, ${products.length - updates.length} up to date. Commit contracts/locks/ and contracts/migrations/ with the contracts.`);
  return 0;
}
