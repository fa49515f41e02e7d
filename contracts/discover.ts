/**
 * Finds every data product under a folder (by default `contracts/products/`):
 * every `.ts` file is loaded and every exported {@link DataProduct} taken.
 * Nothing is registered by hand. A file that fails to load, or exports no
 * product, or lives outside its domain's folder, is a problem naming the file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { transformSync } from 'esbuild';
import { labelOf } from './compile';
import { loadCompiledProducts } from './compiled-products';
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

/** Options of {@link discoverProducts}. */
export interface DiscoverOptions {
  /**
   * A folder where discovery may keep the product files compiled to
   * JavaScript (each file's code with the hash of its bytes), so that they
   * all load as one script instead of one module each: about twice as fast,
   * a third of the memory, at thousands of products. Only new or edited files
   * are compiled again. If a file fails to compile or to load, every file is
   * loaded on its own, as without a cache, so that the error names it.
   * @default undefined (each file is loaded with `require`)
   */
  readonly cacheDir?: string;
}

/** What discovery found: the products, and every problem naming its file. */
export interface Discovered {
  readonly entries: ProductEntry[];
  readonly problems: Problem[];
  /** Project-relative files that could not be loaded (what they declare is unknown). */
  readonly failed: readonly string[];
}

/** Loads every product below `dir`; `root` makes file names in messages project-relative. */
export function discoverProducts(dir: string, root: string = process.cwd(), options: DiscoverOptions = {}): Discovered {
  const entries: ProductEntry[] = [];
  const problems: Problem[] = [];
  const failed: string[] = [];
  const files = productFiles(dir);
  const compiled = options.cacheDir && files.length > 0 ? loadCompiledProducts(files, dir, options.cacheDir) : undefined;
  for (const file of files) {
    const source = posix(relative(root, file));
    let mod: Record<string, unknown>;
    const cached = compiled?.get(file);
    // Loaded alone: a syntax error is reported as the compiler words it (a tolerant loader might even run the file).
    const syntax = cached ? [] : syntaxErrors(file, source);
    if (syntax.length) {
      problems.push(syntaxProblem(source, syntax));
      failed.push(source);
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = cached ?? (require(file) as Record<string, unknown>);
    } catch (err) {
      problems.push(loadProblem(file, source, err));
      failed.push(source);
      continue;
    }
    const found = Object.values(mod).filter(isDataProduct);
    if (found.length === 0) {
      problems.push({ product: source, field: '(file)', message: 'the file exports no data product.', fix: 'export the result of defineDataProduct({...}), or move the file out of contracts/products/.' });
    }
    for (const product of found) {
      entries.push({ product, source });
      const misplaced = placementProblem(dir, root, file, product.spec as unknown as Record<string, unknown>);
      if (misplaced) problems.push({ product: labelOf(product, source), ...misplaced });
    }
  }
  return { entries, problems, failed };
}

/**
 * A product file lives in its domain's folder, `<products>/<domain>/…`: that is where the domain's team owns it
 * (CODEOWNERS), and where its lock and migrations are named. Checked only for a domain that is a valid name
 * (the contract rules report the others).
 */
function placementProblem(dir: string, root: string, file: string, spec: Record<string, unknown>): Omit<Problem, 'product'> | undefined {
  const domain = spec.domain;
  if (typeof domain !== 'string' || !/^[a-z][a-z0-9-]*$/.test(domain)) return undefined;
  const segments = relative(dir, file).split(sep);
  const folder = segments.length > 1 ? segments[0] : undefined;
  if (folder === domain) return undefined;
  const target = posix(relative(root, join(dir, domain, basename(file))));
  return {
    field: 'domain',
    message: folder === undefined
      ? `the file declares domain "${domain}" but is not in a domain folder; a product file lives in its domain's folder, where the domain's team owns it and where its lock and migrations are named.`
      : `the file declares domain "${domain}" but is in the folder of domain "${folder}"; a product file lives in its domain's folder, where the domain's team owns it and where its lock and migrations are named.`,
    fix: `move it to ${target} (or, if the domain is wrong, set domain: '${folder ?? domain}').`,
  };
}

/**
 * Why a file could not be loaded: a syntax error as the compiler reports it, with `file:line:column` (the
 * TypeScript loader only says "Transform failed"), else the error it threw, with the line where it was thrown.
 */
function loadProblem(file: string, source: string, err: unknown): Problem {
  const syntax = syntaxErrors(file, source);
  if (syntax.length) return syntaxProblem(source, syntax);
  const text = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  const at = err instanceof Error ? thrownAt(file, source, err) : undefined;
  return {
    product: source,
    field: '(file)',
    message: `the file could not be loaded: ${text}${at ? ` (at ${at})` : ''}`,
    fix: 'fix the error in the file (run `npm run typecheck` for details).',
  };
}

function syntaxProblem(source: string, syntax: readonly string[]): Problem {
  return {
    product: source,
    field: '(file)',
    message: `the file does not compile: ${syntax.join('; ')}.`,
    fix: 'fix the syntax at that line and column (`npm run typecheck` checks the types too).',
  };
}

/** The compiler's syntax errors of a TypeScript file, each as `file:line:column: message` (1-based, as editors count). */
export function syntaxErrors(file: string, source: string): string[] {
  let code: string;
  try {
    code = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  try {
    transformSync(code, { loader: 'ts', sourcefile: source, logLevel: 'silent' });
    return [];
  } catch (err) {
    const errors = (err as { errors?: Array<{ text: string; location?: { line: number; column: number } | null }> }).errors ?? [];
    return errors.map((e) => (e.location ? `${source}:${e.location.line}:${e.location.column + 1}: ${e.text}` : `${source}: ${e.text}`));
  }
}

/** `file:line:column` of the first stack frame in the file, when the error's stack has one. */
function thrownAt(file: string, source: string, err: Error): string | undefined {
  const m = new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):(\\d+)`).exec(err.stack ?? '');
  return m ? `${source}:${m[1]}:${m[2]}` : undefined;
}

const posix = (p: string) => p.split(sep).join('/');
