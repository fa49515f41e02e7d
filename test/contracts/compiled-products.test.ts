import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCacheFile, loadCompiledProducts } from '../../contracts/compiled-products';
import { discoverProducts, productFiles } from '../../contracts/discover';
import { z } from '../../contracts/index';
import { copyExampleContracts } from '../helpers';

describe('discovery through the compile cache', () => {
  let work: string;
  let products: string;
  let cache: string;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'cm-compiled-'));
    products = copyExampleContracts(work);
    cache = join(work, 'cache');
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const specs = (r: ReturnType<typeof discoverProducts>) => r.entries.map((e) => ({ source: e.source, spec: JSON.stringify({ ...e.product.spec, schema: undefined }), shape: Object.keys((e.product.spec.schema as z.ZodObject).shape) }));

  it('finds exactly what loading each file with require finds, in the same order', () => {
    const plain = discoverProducts(products, work);
    const cold = discoverProducts(products, work, { cacheDir: cache });
    expect(existsSync(compileCacheFile(cache, products))).toBe(true);
    const warm = discoverProducts(products, work, { cacheDir: cache });
    expect(plain.entries.length).toBeGreaterThanOrEqual(6);
    expect(plain.problems).toEqual([]);
    for (const r of [cold, warm]) {
      expect(r.problems).toEqual([]);
      expect(specs(r)).toEqual(specs(plain));
    }
  });

  it('runs the cached code while a file is unchanged, and compiles an edited file again', () => {
    discoverProducts(products, work, { cacheDir: cache });
    const file = join(products, 'payments', 'payment-events.ts');
    const key = 'payments/payment-events.ts';
    const cacheFile = compileCacheFile(cache, products);
    const original = JSON.parse(readFileSync(cacheFile, 'utf8'));
    // Tamper with the cached code only: the product's description comes from the cache while the file's bytes match.
    const tampered = structuredClone(original);
    tampered.files[key].js = tampered.files[key].js.replace(/description: "[^"]*"/, 'description: "from the cache"');
    expect(tampered.files[key].js).toContain('from the cache');
    writeFileSync(cacheFile, JSON.stringify(tampered));
    const describe = (r: ReturnType<typeof discoverProducts>) => r.entries.find((e) => e.source?.endsWith(key))?.product.spec.description;
    expect(describe(discoverProducts(products, work, { cacheDir: cache }))).toBe('from the cache');

    writeFileSync(file, readFileSync(file, 'utf8').replace(/description: '[^']*'/, "description: 'edited'"));
    expect(describe(discoverProducts(products, work, { cacheDir: cache }))).toBe('edited');
    const rewritten = JSON.parse(readFileSync(cacheFile, 'utf8'));
    expect(rewritten.files[key].js).toContain('edited');
    // The other files' code was kept as it was.
    expect(rewritten.files['orders/order-state.ts']).toEqual(original.files['orders/order-state.ts']);
  });

  it('gives each file its own module, shares a module between product files, and the DSL and Zod with the process', () => {
    mkdirSync(join(products, 'shared'));
    writeFileSync(join(products, 'shared', 'a.ts'), `import { z } from '../../index';\nexport const marker = { from: 'a' };\nexport const zod = z;\nexport const file = __filename;\n`);
    writeFileSync(join(products, 'shared', 'b.ts'), `import { marker } from './a';\nexport const markerFromA = marker;\n`);
    writeFileSync(join(products, 'shared', 'index.ts'), `export { marker as viaIndex } from './a';\n`);
    mkdirSync(join(products, 'shared', 'nested'));
    writeFileSync(join(products, 'shared', 'nested', 'c.ts'), `import { viaIndex } from '..';\nexport const markerViaParent = viaIndex;\n`);
    const files = productFiles(products);
    const loaded = loadCompiledProducts(files, products, cache);
    expect(loaded).toBeDefined();
    const a = loaded!.get(join(products, 'shared', 'a.ts'))!;
    const b = loaded!.get(join(products, 'shared', 'b.ts'))!;
    expect(b.markerFromA).toBe(a.marker);
    expect(loaded!.get(join(products, 'shared', 'nested', 'c.ts'))!.markerViaParent).toBe(a.marker);
    expect(a.zod).toBe(z);
    expect(a.file).toBe(join(products, 'shared', 'a.ts'));
  });

  it('falls back to loading each file, so a file that throws is named with its error, and the others still load', () => {
    writeFileSync(join(products, 'orders', 'typo.ts'), 'export const x = undefinedFunction();\n');
    expect(loadCompiledProducts(productFiles(products), products, cache)).toBeUndefined();
    const r = discoverProducts(products, work, { cacheDir: cache });
    expect(r.problems).toEqual([expect.objectContaining({ product: 'products/orders/typo.ts', field: '(file)', message: expect.stringMatching(/^the file could not be loaded: undefinedFunction is not defined \(at products\/orders\/typo\.ts:1:\d+\)$/) })]);
    expect(r.entries.length).toBe(discoverProducts(products, work).entries.length);
  });

  it('falls back on a file that does not compile, and reports it as loading it alone does', () => {
    writeFileSync(join(products, 'orders', 'broken.ts'), 'export const x = {;\n');
    expect(loadCompiledProducts(productFiles(products), products, cache)).toBeUndefined();
    const cached = discoverProducts(products, work, { cacheDir: cache });
    expect(cached.problems).toEqual([expect.objectContaining({ product: 'products/orders/broken.ts', field: '(file)' })]);
    // The compiler's own message, with file:line:column (1-based), not only "Transform failed".
    expect(cached.problems[0].message).toMatch(/^the file does not compile: products\/orders\/broken\.ts:1:19: Expected identifier but found ";"\.$/);
    expect(cached).toEqual(discoverProducts(products, work));
  });

  it('drops removed files from the cache, and deletes other folders\u2019 cache files unused for a week', () => {
    discoverProducts(products, work, { cacheDir: cache });
    const stale = join(cache, 'products-0123456789abcdef.json');
    const recent = join(cache, 'products-fedcba9876543210.json');
    writeFileSync(stale, '{}');
    writeFileSync(recent, '{}');
    const old = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    utimesSync(stale, old, old);
    rmSync(join(products, 'customers', 'consent-events.ts'));
    discoverProducts(products, work, { cacheDir: cache });
    const files = JSON.parse(readFileSync(compileCacheFile(cache, products), 'utf8')).files;
    expect(Object.keys(files)).not.toContain('customers/consent-events.ts');
    expect(Object.keys(files)).toContain('customers/customer-profile.ts');
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });
});
