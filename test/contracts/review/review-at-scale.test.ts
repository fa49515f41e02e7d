/**
 * The review stays one page at mesh scale: at 1,000 products — the synth benchmark's mesh (bench/generate.ts) — the
 * review of one changed product is at most 80 lines outside <details>.
 *
 * Built in memory to keep the test fast: both sides are planned and locked as `contracts:lock` and synth do (every
 * product with its lock and measured size ratio), their manifests are the full `mesh-manifest.json` of 1,000 products,
 * and the changed product's domain stacks are synthesized for real. The other stacks are left out of both sides: they
 * are identical, and the review only counts unchanged stacks.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Testing } from 'cdktf';
import { writeProducts } from '../../../bench/generate';
import { defaultCacheDir } from '../../../contracts/build-cache';
import { compileProduct } from '../../../contracts/compile';
import { discoverProducts } from '../../../contracts/discover';
import type { ProductLock } from '../../../contracts/lock/lock-file';
import { withEncoding } from '../../../contracts/lock/lock-mesh';
import { updateLock } from '../../../contracts/lock/update-lock';
import { planMesh, type MeshPlan, type ProductEntry } from '../../../contracts/mesh';
import { reviewMesh } from '../../../contracts/review/review';
import { normaliseManifest, stackFromTerraform, type SynthOutput, type SynthStack } from '../../../contracts/review/synth-output';
import { writeMigrations } from '../../../contracts/sql/committed';
import { planSinks } from '../../../contracts/sql/sink-plan';
import { DomainStack } from '../../../stacks/domain-stack';
import { ENVIRONMENTS } from '../../../stacks/environments';
import { buildManifest } from '../../../stacks/manifest';
import { linesOutsideDetails } from './review-size';

const ROOT = resolve(__dirname, '../../..');
const N = 1000;

/** Locks every product the way `contracts:lock` does (on top of `previous`, when given). */
function lock(entries: readonly ProductEntry[], previous?: ReadonlyMap<string, ProductLock>): Map<string, ProductLock> {
  const locks = new Map(previous);
  for (const e of entries) {
    const compiled = compileProduct(e.product).product;
    if (!compiled) throw new Error(`${e.source}: invalid`);
    const u = updateLock(compiled, previous?.get(compiled.id), ENVIRONMENTS);
    if (!u.lock || u.problems.length) throw new Error(`${compiled.id}: ${u.problems.map((p) => p.message).join('; ')}`);
    if (u.changed || !previous) locks.set(compiled.id, withEncoding(e.product, u.lock));
  }
  return locks;
}

/** A synth output of the plan: its whole manifest, and the stacks of `domain` synthesized with their committed migrations. */
function output(plan: MeshPlan, domain: string, work: string): SynthOutput {
  const migrationsRoot = mkdtempSync(join(work, 'migrations-'));
  const app = Testing.app();
  const stacks = new Map<string, SynthStack>();
  for (const s of plan.stacks.filter((x) => x.domain === domain)) {
    writeMigrations(migrationsRoot, s.products.flatMap((p) => planSinks(p.product, p.history).sinks.flatMap((k) => k.migrations)));
    stacks.set(s.name, stackFromTerraform(s.name, JSON.parse(Testing.synth(new DomainStack(app, s, { migrationsRoot })))));
  }
  return { stacks, manifest: normaliseManifest(JSON.parse(JSON.stringify(buildManifest(plan)))) };
}

describe(`the review at ${N.toLocaleString('en-US')} products`, () => {
  const work = mkdtempSync(join(tmpdir(), 'review-at-scale-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('of one changed product (a field, a consumer, a longer retention) is at most 80 lines outside <details>', () => {
    const generated = writeProducts(join(work, 'base', 'products'), N);
    const index = `export * from ${JSON.stringify(join(ROOT, 'contracts', 'index'))};\n`;
    writeFileSync(join(work, 'base', 'index.ts'), index);
    const cacheDir = defaultCacheDir(ROOT);
    const base = discoverProducts(join(work, 'base', 'products'), ROOT, { cacheDir });
    expect(base.problems).toEqual([]);
    expect(base.entries).toHaveLength(N);

    // The team edits one file: an optional field, a new consumer (a principal other products use too), 3 days of retention.
    const target = generated.find((g) => g.domain === 'payments' && g.version === 1 && g.source.includes('retention: { days: 1 }')) ?? generated.find((g) => g.domain === 'payments');
    if (!target) throw new Error('no payments product generated');
    const edited = target.source
      .replace('  }),\n  retention:', "    note: z.string().max(200).optional(),\n  }),\n  retention:")
      .replace(/retention: \{[^}]*\}/, 'retention: { days: 3 }')
      .replace('  consumers: [\n', "  consumers: [\n    { name: 'bi', principal: 'User:analytics-loader' },\n");
    expect(edited).not.toBe(target.source);
    mkdirSync(join(work, 'head', 'products', 'payments'), { recursive: true });
    writeFileSync(join(work, 'head', 'index.ts'), index);
    writeFileSync(join(work, 'head', 'products', target.file), edited);
    const changed = discoverProducts(join(work, 'head', 'products'), ROOT, { cacheDir });
    expect(changed.problems).toEqual([]);
    const id = (e: ProductEntry) => `${e.product.spec.domain}/${e.product.spec.name}@v${e.product.spec.version}`;
    const headEntries = base.entries.map((e) => (id(e) === id(changed.entries[0]) ? changed.entries[0] : e));

    const baseLocks = lock(base.entries);
    const headLocks = lock([changed.entries[0]], baseLocks);
    const review = reviewMesh(output(planMesh(base.entries, ENVIRONMENTS, { locks: baseLocks }), 'payments', work), output(planMesh(headEntries, ENVIRONMENTS, { locks: headLocks }), 'payments', work));

    expect(review.markdown).toContain(`### ${id(changed.entries[0])} — changed`);
    expect(review.markdown).toContain(`products: 0 added, 1 changed, 0 removed, ${(N - 1).toLocaleString('en-US')} unchanged`);
    expect(review.dangers.map((d) => d.code)).toContain('CM-DANGER-GRANT-WIDENS');
    const outside = linesOutsideDetails(review.markdown);
    if (outside > 80) throw new Error(`${outside} lines outside <details> (at most 80):\n\n${review.markdown}`);
  });
});
