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
 * Copies the example contracts — products, their committed locks (and anything else committed beside them
 * under contracts/ that synth reads) — into `work`, with an `index.ts` that re-exports the real DSL, since
 * the products import '../../index'. Returns the copied products folder.
 */
export function copyExampleContracts(work: string): string {
  const contracts = join(__dirname, '..', 'contracts');
  const products = join(work, 'products');
  cpSync(join(contracts, 'products'), products, { recursive: true });
  for (const beside of ['locks', 'migrations']) {
    if (existsSync(join(contracts, beside))) cpSync(join(contracts, beside), join(work, beside), { recursive: true });
  }
  writeFileSync(join(work, 'index.ts'), `export * from '${join(contracts, 'index').replace(/\\/g, '/')}';\n`);
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

/** The project's example products with their committed locks, and the lock of one product. */
export function exampleContracts(): { entries: ProductEntry[]; locks: ReadonlyMap<string, ProductLock>; lockOf: (p: DataProduct) => ProductLock | undefined } {
  const { entries } = discoverProducts(join(ROOT, 'contracts', 'products'), ROOT);
  const { locks } = readLocks(join(ROOT, 'contracts', 'locks'), ROOT);
  return { entries, locks, lockOf: (p) => locks.get(`${p.spec.domain}/${p.spec.name}@v${p.spec.version}`) };
}
