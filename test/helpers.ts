/** Test helpers: a valid contract to vary, and compile/plan shortcuts. */
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileProduct, type CompiledProduct } from '../contracts/compile';
import { discoverProducts } from '../contracts/discover';
import { defineDataProduct, z, type DataProduct, type DataProductSpec } from '../contracts/index';
import type { EnvironmentConfig } from '../contracts/environment';
import type { ProductLock } from '../contracts/lock/lock-file';
import { withEncoding } from '../contracts/lock/lock-mesh';
import { readLocks } from '../contracts/lock/lock-store';
import { updateLock } from '../contracts/lock/update-lock';
import { planMesh, type MeshPlan, type ProductEntry } from '../contracts/mesh';
import type { Problem } from '../contracts/problems';
import { recordSizeBound } from '../contracts/derive/message-size';
import { shapeOf } from '../contracts/schema/shape';
import { dev, prod } from '../stacks/environments';

export { dev, prod };

/** A valid contract; override any part (use `undefined` to remove a setting). */
export function spec(overrides: Record<string, unknown> = {}): DataProductSpec {
  const base: Record<string, unknown> = {
    domain: 'payments',
    name: 'payment-events',
    version: 1,
    description: 'Every state change of a card payment.',
    owner: { team: 'payments-core', contact: 'payments-core@example.com', principal: 'User:payments-oncall' },
    producer: { principal: 'User:payments-api' },
    kind: 'event',
    key: 'paymentId',
    schema: z.object({
      paymentId: z.uuid(),
      amountMinor: z.int().nonnegative(),
      currency: z.enum(['USD', 'EUR', 'GBP']),
      occurredAt: z.iso.datetime(),
      merchantId: z.string().max(64),
      metadata: z.record(z.string(), z.string()).optional(),
    }),
    retention: { days: 7 },
    throughput: { peakMessagesPerSecond: 2000, averageMessageBytes: 400 },
    classification: 'internal',
    consumers: [
      { name: 'ledger', principal: 'User:ledger-sink' },
      { name: 'fraud-scoring', principal: 'User:fraud-scoring' },
    ],
  };
  const merged: Record<string, unknown> = { ...base, ...overrides };
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  // A schema given without a throughput gets an average record size it can have (no more than its records' bound).
  if ('schema' in overrides && !('throughput' in overrides)) {
    const { shape, problems } = shapeOf(merged.schema);
    const bound = shape && problems.length === 0 ? recordSizeBound(shape).bytes : undefined;
    if (bound !== undefined && bound < 400) merged.throughput = { peakMessagesPerSecond: 2000, averageMessageBytes: Math.max(1, Math.floor(bound / 2)) };
  }
  return merged as unknown as DataProductSpec;
}

/** Compiles a contract that must be valid. */
export function compiled(overrides: Record<string, unknown> = {}): CompiledProduct {
  const r = compileProduct(defineDataProduct(spec(overrides)));
  if (!r.product) throw new Error(`expected a valid contract, got:\n${r.problems.map((p) => `${p.field}: ${p.message}`).join('\n')}`);
  return r.product;
}

/** The problems of a contract. */
export function problemsOf(overrides: Record<string, unknown> = {}): Problem[] {
  return compileProduct(defineDataProduct(spec(overrides))).problems;
}

/**
 * The toolkit's own fixture contracts (`test/fixtures/contracts/`: products, locks, migrations, retired.json).
 * Toolkit tests use these, never the live `contracts/products/` of the mesh, so that a team adding a product
 * cannot turn them red. What the live products must satisfy is checked by `npm run check`.
 */
export const FIXTURES = join(__dirname, 'fixtures', 'contracts');
/** The fixture products folder. */
export const FIXTURE_PRODUCTS = join(FIXTURES, 'products');
/** The fixture locks folder. */
export const FIXTURE_LOCKS = join(FIXTURES, 'locks');
/** The fixture committed migrations folder. */
export const FIXTURE_MIGRATIONS = join(FIXTURES, 'migrations');

/** The synth options that point at the fixture contracts instead of the live `contracts/` (spread into `synthesizeMesh`). */
export function fixtureSynth(): { productsDir: string; locksDir: string; migrationsDir: string; retiredFile: string } {
  return { productsDir: FIXTURE_PRODUCTS, locksDir: FIXTURE_LOCKS, migrationsDir: FIXTURE_MIGRATIONS, retiredFile: join(FIXTURES, 'retired.json') };
}

/**
 * Copies the fixture contracts — products, their committed locks (and anything else committed beside them
 * that synth reads) — into `work`, with an `index.ts` that re-exports the real DSL, since
 * the products import '../../index'. Returns the copied products folder.
 */
export function copyExampleContracts(work: string): string {
  const dsl = join(__dirname, '..', 'contracts', 'index');
  const products = join(work, 'products');
  cpSync(FIXTURE_PRODUCTS, products, { recursive: true });
  for (const beside of ['locks', 'migrations', 'retired.json']) {
    if (existsSync(join(FIXTURES, beside))) cpSync(join(FIXTURES, beside), join(work, beside), { recursive: true });
  }
  writeFileSync(join(work, 'index.ts'), `export * from '${dsl.replace(/\\/g, '/')}';\n`);
  return products;
}

/**
 * Plans products the way synth does after `npm run contracts:lock`: each gets a fresh lock (field numbers,
 * partitions, the measured size ratio), built in memory.
 */
export function lockedPlan(products: readonly DataProduct[], environments: readonly EnvironmentConfig[]): MeshPlan {
  const locks = new Map<string, ProductLock>();
  for (const product of products) {
    const compiled = compileProduct(product).product;
    if (!compiled) continue;
    const lock = updateLock(compiled, undefined, environments).lock;
    if (lock) locks.set(compiled.id, withEncoding(product, lock));
  }
  return planMesh(products.map((product) => ({ product })), environments, { locks });
}

const ROOT = join(__dirname, '..');

/** The fixture products with their committed locks, and the lock of one product. */
export function exampleContracts(): { entries: ProductEntry[]; locks: ReadonlyMap<string, ProductLock>; lockOf: (p: DataProduct) => ProductLock | undefined } {
  const { entries } = discoverProducts(FIXTURE_PRODUCTS, ROOT);
  const { locks } = readLocks(FIXTURE_LOCKS, ROOT);
  return { entries, locks, lockOf: (p) => locks.get(`${p.spec.domain}/${p.spec.name}@v${p.spec.version}`) };
}
