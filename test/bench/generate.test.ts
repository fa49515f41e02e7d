import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { baselineInput } from '../../bench/baseline-input';
import { BENCH_DOMAINS, generateProducts, writeProducts } from '../../bench/generate';
import { aclKey } from '../../contracts/derive/acls';
import { discoverProducts } from '../../contracts/discover';
import { planMesh } from '../../contracts/mesh';
import { ENVIRONMENTS } from '../../stacks/environments';

const consumersOf = (source: string) => (source.match(/\{ name: '/g) ?? []).length;

describe('bench product generator', () => {
  it('is deterministic for a seed, and another seed gives other products', () => {
    expect(generateProducts(40)).toEqual(generateProducts(40));
    expect(generateProducts(40, { seed: 2 })).not.toEqual(generateProducts(40));
  });

  it('spreads products over 25 domains with unique names, both kinds and 2–4 consumers each', () => {
    const products = generateProducts(200);
    expect(products).toHaveLength(200);
    expect(new Set(products.map((p) => p.domain)).size).toBe(25);
    expect(BENCH_DOMAINS).toHaveLength(25);
    const ids = products.map((p) => `${p.domain}/${p.name}@v${p.version}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(products.map((p) => p.file)).size).toBe(products.length);
    expect(products.some((p) => p.source.includes("kind: 'event'"))).toBe(true);
    expect(products.some((p) => p.source.includes("kind: 'entity'"))).toBe(true);
    expect(products.some((p) => p.version === 2)).toBe(true);
    for (const p of products) {
      expect(consumersOf(p.source)).toBeGreaterThanOrEqual(2);
      expect(consumersOf(p.source)).toBeLessThanOrEqual(4);
    }
  });

  describe('written to disk', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'mesh-bench-gen-'));
      writeProducts(dir, 60, { importFrom: resolve(__dirname, '../../contracts/index') });
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('gives valid contracts that planMesh accepts in every environment', () => {
      const found = discoverProducts(dir, dir);
      expect(found.problems).toEqual([]);
      expect(found.entries).toHaveLength(60);
      const plan = planMesh(found.entries, ENVIRONMENTS);
      expect(plan.products).toHaveLength(60);
      expect(plan.stacks).toHaveLength(25 * ENVIRONMENTS.length);
    });

    it('gives the baseline exactly the planned topics and ACLs, with the ACL identity as construct ID', () => {
      const plan = planMesh(discoverProducts(dir, dir).entries, ENVIRONMENTS);
      const input = baselineInput(plan);
      expect(input.stacks.map((s) => s.name)).toEqual(plan.stacks.map((s) => s.name));
      plan.stacks.forEach((s, i) => {
        const b = input.stacks[i];
        expect(b.products.map((p) => p.id)).toEqual(s.products.map((p) => `${p.product.name}-v${p.product.version}`));
        s.products.forEach((p, j) => {
          expect(b.products[j].topic.name).toBe(p.topics.topic.name);
          expect(b.products[j].deadLetter.partitions).toBe(p.topics.deadLetter.partitions.value);
          expect(b.products[j].topic.preventDestroy).toBe(s.environment.production);
          expect(b.products[j].acls.map((a) => a.id)).toEqual(p.acls.map(aclKey));
        });
      });
      const prod = input.stacks.find((s) => s.name.endsWith('-prod'));
      expect(prod?.backend).toMatchObject({ useLockfile: true });
    });
  });

  it('keeps names unique and within the 32-character limit at 5,000 products', () => {
    const products = generateProducts(5000);
    expect(new Set(products.map((p) => `${p.domain}/${p.name}@v${p.version}`)).size).toBe(5000);
    expect(Math.max(...products.map((p) => p.name.length))).toBeLessThanOrEqual(32);
  });
});
