import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BENCH_DOMAINS, generateProducts, writeProducts } from '../../bench/generate';
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

  it('gives about a fifth of the products a Postgres sink consumer and a tenth a deployed consumer, at most one each', () => {
    const products = generateProducts(1000);
    const sinks = products.filter((p) => p.source.includes('sink: { postgres'));
    const deployed = products.filter((p) => p.source.includes('deployment: {'));
    expect(sinks.length / 1000).toBeGreaterThan(0.15);
    expect(sinks.length / 1000).toBeLessThan(0.25);
    expect(deployed.length / 1000).toBeGreaterThan(0.06);
    expect(deployed.length / 1000).toBeLessThan(0.14);
    for (const p of [...sinks, ...deployed]) {
      expect(p.source.match(/sink: \{/g)?.length ?? 0).toBeLessThanOrEqual(1);
      expect(p.source.match(/deployment: \{/g)?.length ?? 0).toBeLessThanOrEqual(1);
    }
    expect(sinks.some((p) => p.source.includes("mode: 'upsert'") && p.source.includes("kind: 'entity'"))).toBe(true);
    expect(sinks.some((p) => p.source.includes("mode: 'append'") && p.source.includes("kind: 'event'"))).toBe(true);
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
  });

  it('keeps names unique and within the 32-character limit at 5,000 products', () => {
    const products = generateProducts(5000);
    expect(new Set(products.map((p) => `${p.domain}/${p.name}@v${p.version}`)).size).toBe(5000);
    expect(Math.max(...products.map((p) => p.name.length))).toBeLessThanOrEqual(32);
  });
});
