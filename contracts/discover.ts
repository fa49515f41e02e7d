/**
 * Finds every data product under a folder (by default `contracts/products/`):
 * every `.ts` file is loaded and every exported {@link DataProduct} taken.
 * Nothing is registered by hand. A file that fails to load, or exports no
 * product, is a problem naming the file.
 */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isDataProduct } from './dsl/data-product';
import type { ProductEntry } from './mesh';
import type { Problem } from './problems';

/** Every product file below `dir`, sorted, so discovery is deterministic. */
export function productFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !e.name.endsWith('.test.ts')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Loads every product below `dir`; `root` makes file names in messages project-relative. */
export function discoverProducts(dir: string, root: string = process.cwd()): { entries: ProductEntry[]; problems: Problem[] } {
  const entries: ProductEntry[] = [];
  const problems: Problem[] = [];
  for (const file of productFiles(dir)) {
    const source = relative(root, file).split(sep).join('/');
    let mod: Record<string, unknown>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(file) as Record<string, unknown>;
    } catch (err) {
      const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
      problems.push({ product: source, field: '(file)', message: `the file could not be loaded: ${first}`, fix: 'fix the error in the file (run `npm run typecheck` for details).' });
      continue;
    }
    const found = Object.values(mod).filter(isDataProduct);
    if (found.length === 0) {
      problems.push({ product: source, field: '(file)', message: 'the file exports no data product.', fix: 'export the result of defineDataProduct({...}), or move the file out of contracts/products/.' });
    }
    for (const product of found) entries.push({ product, source });
  }
  return { entries, problems };
}
