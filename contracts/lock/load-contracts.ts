/**
 * What `npm run contracts:lock` and synth both read, and the checks they both
 * run on it, so that the two refuse the same things with the same messages:
 *
 * - every product file (discovery: a file that does not load, or is outside its
 *   domain's folder, is a problem naming it);
 * - `contracts/retired.json` (retired versions are left out);
 * - every lock: a lock whose product has no contract file and is not retired is
 *   a problem — synth would otherwise drop the product's resources, and with them
 *   their `prevent_destroy`, and the next deploy would delete its data;
 * - the migrations folder and the record of the migrations `contracts:lock`
 *   wrote (checked by `reconcileMigrations`).
 */
import { dirname, join, relative, sep } from 'node:path';
import { defaultCacheDir } from '../build-cache';
import { NAME_PATTERN, productId, VERSION_MAX } from '../derive/names';
import { discoverProducts } from '../discover';
import type { ProductEntry } from '../mesh';
import type { Problem } from '../problems';
import { readRetirements, retireCommand, type Retirement } from '../retire/retired';
import { readMigrationsOnDisk, type MigrationsOnDisk } from '../sql/migration-record';
import { lockFileName, type ProductLock } from './lock-file';
import { readLocks } from './lock-store';

/** Where the contracts are; every folder defaults to its place beside `productsDir`. */
export interface ContractSourcesOptions {
  /** Project root, for file names in messages. @default process.cwd() */
  readonly root?: string;
  /** Where the product files are. @default `<root>/contracts/products` */
  readonly productsDir?: string;
  /** Where the locks are. @default the `locks` folder beside `productsDir` */
  readonly locksDir?: string;
  /** Where the committed Postgres sink migrations are. @default the `migrations` folder beside `productsDir` */
  readonly migrationsDir?: string;
  /** Retired product versions (`npm run contracts:retire`). @default `retired.json` beside `productsDir` */
  readonly retiredFile?: string;
  /** Where compiled product files are kept between runs. @default `<root>/node_modules/.cache/contract-mesh` */
  readonly cacheDir?: string;
}

/** {@link ContractSourcesOptions} with every default resolved. */
export interface ContractSources {
  readonly root: string;
  readonly productsDir: string;
  readonly locksDir: string;
  readonly migrationsDir: string;
  readonly retiredFile: string;
  readonly cacheDir: string;
}

/** Resolves the defaults: the locks, migrations and retirements sit beside the products folder. */
export function contractSources(options: ContractSourcesOptions = {}): ContractSources {
  const root = options.root ?? process.cwd();
  const productsDir = options.productsDir ?? join(root, 'contracts', 'products');
  const beside = dirname(productsDir);
  return {
    root,
    productsDir,
    locksDir: options.locksDir ?? join(beside, 'locks'),
    migrationsDir: options.migrationsDir ?? join(beside, 'migrations'),
    retiredFile: options.retiredFile ?? join(beside, 'retired.json'),
    cacheDir: options.cacheDir ?? defaultCacheDir(root),
  };
}

/** What {@link loadContracts} read. */
export interface LoadedContracts {
  /** The products to lock and synthesize: every one found, except retired versions. */
  readonly entries: readonly ProductEntry[];
  readonly retired: readonly Retirement[];
  /** Every lock, by product id. */
  readonly locks: ReadonlyMap<string, ProductLock>;
  readonly migrations: MigrationsOnDisk;
  /** Every problem of the files (not yet of the contracts themselves: compiling them finds those). */
  readonly problems: readonly Problem[];
  /** Findings that do not block, one line each. */
  readonly warnings: readonly string[];
}

/** The raw id a product declares (before validation), or undefined when its name parts are not even strings. */
function declaredId(e: ProductEntry): string | undefined {
  const s = e.product.spec as unknown as Record<string, unknown>;
  return typeof s.domain === 'string' && typeof s.name === 'string' && typeof s.version === 'number' ? productId(s.domain, s.name, s.version) : undefined;
}

/** True when the product's domain, name and version are valid names, so that its id can be a lock's. */
function validId(e: ProductEntry): boolean {
  const s = e.product.spec as unknown as Record<string, unknown>;
  return [s.domain, s.name].every((x) => typeof x === 'string' && NAME_PATTERN.test(x)) && Number.isInteger(s.version) && (s.version as number) >= 1 && (s.version as number) <= VERSION_MAX;
}

/** Reads the products, retirements, locks and migrations, and runs the checks that need more than one contract. */
export function loadContracts(sources: ContractSources): LoadedContracts {
  const { root, productsDir, locksDir, migrationsDir, retiredFile } = sources;
  const rel = (p: string) => relative(root, p).split(sep).join('/') || '.';
  const discovered = discoverProducts(productsDir, root, { cacheDir: sources.cacheDir });
  const problems: Problem[] = [...discovered.problems];
  const warnings: string[] = [];

  let retired: Retirement[] = [];
  try {
    retired = readRetirements(retiredFile);
  } catch (err) {
    problems.push({ product: rel(retiredFile), field: '(file)', message: (err as Error).message, fix: 'fix or restore the file (git checkout), or re-run npm run contracts:retire.' });
  }
  const retiredIds = new Set(retired.map((r) => r.id));

  // A retired version's resources are removed, even while its file is still there.
  const entries: ProductEntry[] = [];
  for (const e of discovered.entries) {
    const id = declaredId(e);
    if (id === undefined || !retiredIds.has(id)) {
      entries.push(e);
      continue;
    }
    const s = e.product.spec as unknown as Record<string, unknown>;
    warnings.push(`${id} (${e.source ?? 'a product file'}) is retired in ${rel(retiredFile)}, so synth leaves it out and its resources are removed. Delete the file; a product that comes back needs the next major version (version: ${Number(s.version) + 1}).`);
  }

  const read = readLocks(locksDir, root);
  problems.push(...read.problems);
  // A lock is the record that a product was synthesized (and so may be deployed): its product must still be declared, or retired.
  const declared = new Set(discovered.entries.map(declaredId).filter((x): x is string => x !== undefined));
  // What a file that does not load, or declares no valid id, stands for is unknown: the locks of its domain folder
  // are not judged until it loads and names itself (its own problem is reported meanwhile).
  const folderOf = (source: string) => relative(productsDir, join(root, source)).split(sep)[0];
  const unknownDomains = new Set([
    ...discovered.failed.map(folderOf),
    ...discovered.entries.filter((e) => !validId(e) && e.source).map((e) => folderOf(e.source as string)),
  ]);
  for (const id of [...read.locks.keys()].sort()) {
    if (declared.has(id) || retiredIds.has(id)) continue;
    const m = /^(.+)\/(.+)@v(\d+)$/.exec(id) as RegExpExecArray;
    const [domain, name, version] = [m[1], m[2], Number(m[3])];
    if (unknownDomains.has(domain)) continue;
    const lockFile = rel(join(locksDir, lockFileName(domain, name, version)));
    problems.push({
      product: `${id} (${lockFile})`,
      field: '(lock)',
      message: `the product has a lock but no contract file: no file under ${rel(productsDir)}/ declares it, and ${rel(retiredFile)} does not retire it. Synth would drop its topic, dead-letter topic, ACLs, schema and identities, and their prevent_destroy with them: the next deploy would delete its data.`,
      fix: `restore its contract file in ${rel(join(productsDir, domain))}/ (e.g. from git), or, to delete the product and its data on purpose, run \`${retireCommand(id)}\` and commit ${rel(retiredFile)}.`,
    });
  }

  const migrations = readMigrationsOnDisk(migrationsDir, root);
  return { entries, retired, locks: read.locks, migrations, problems, warnings };
}
