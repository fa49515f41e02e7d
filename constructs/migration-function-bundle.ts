/**
 * Builds the migration function's deployment folder: `index.js` (the handler
 * and its dependencies — pg, umzug, the Secrets Manager client — bundled by
 * esbuild, offline) and `migrations.json` (the committed migrations it
 * applies, `[{ id, sql }]`). Deterministic: the same sources and migrations
 * give the same bytes, so the asset hash changes only when they do.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { buildSync, version as esbuildVersion } from 'esbuild';
import { defaultCacheDir, markUsed, pruneUnused, sha256, writeAtomically } from '../contracts/build-cache';
import type { CommittedMigration } from '../contracts/sql/committed';
import { CA_BUNDLE_FILE } from '../functions/migrate/environment';

const PROJECT_ROOT = resolve(__dirname, '..');
const ENTRY = join(PROJECT_ROOT, 'functions', 'migrate', 'handler.ts');
/** The project's build cache (`node_modules/.cache/contract-mesh`): the user's own, and gone with `node_modules`. */
const BUILD_ROOT = defaultCacheDir(PROJECT_ROOT);

/** The handler's code and its SHA-256, built (or read from the cache) once per process. */
let handler: { readonly code: string; readonly sha256: string } | undefined;

/** A built handler with the hash of every file esbuild read to build it. */
interface CachedBuild {
  readonly esbuild: string;
  readonly entry: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly code: string;
}


function hashOf(file: string): string | undefined {
  try {
    return sha256(readFileSync(join(PROJECT_ROOT, file)));
  } catch {
    return undefined;
  }
}

/**
 * The bundled handler's JavaScript: built once per process, and kept between
 * processes in the build cache, where it is reused only while every file the
 * build read (the handler's sources and its dependencies) is byte for byte the same.
 */
export function migrationFunctionCode(): string {
  return builtHandler().code;
}

function builtHandler(): { readonly code: string; readonly sha256: string } {
  if (!handler) {
    const code = buildMigrationFunction(BUILD_ROOT);
    handler = { code, sha256: sha256(code) };
  }
  return handler;
}

/** Builds the handler, or reads it from `cacheRoot` when no input changed since it was built there. */
export function buildMigrationFunction(cacheRoot: string): string {
  const cacheFile = join(cacheRoot, `handler-${sha256(`${esbuildVersion}\u0000${ENTRY}`).slice(0, 16)}.json`);
  try {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as CachedBuild;
    if (cached.esbuild === esbuildVersion && cached.entry === ENTRY && Object.entries(cached.inputs).every(([f, h]) => hashOf(f) === h)) return cached.code;
  } catch {
    // No usable cache entry: build.
  }
  const result = buildSync({
    entryPoints: [ENTRY],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    keepNames: true,
    legalComments: 'none',
    // pg's optional native binding is never used.
    external: ['pg-native'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const built = result.outputFiles[0].text;
  const inputs: Record<string, string> = {};
  for (const f of Object.keys(result.metafile.inputs).sort()) inputs[f] = hashOf(f) ?? '';
  writeAtomically(cacheFile, JSON.stringify({ esbuild: esbuildVersion, entry: ENTRY, inputs, code: built } satisfies CachedBuild));
  return built;
}

/** The CA bundle's file name in the function folder (read by the handler when present). */
export { CA_BUNDLE_FILE };

/**
 * Writes the function folder for a set of migrations and returns its path.
 * `caBundlePem`: the database server's CA certificates (e.g. the RDS CA bundle), so that TLS is verified.
 */
export function bundleMigrationFunction(
  migrations: readonly CommittedMigration[],
  caBundlePem?: string,
  outRoot: string = BUILD_ROOT,
): string {
  // The handler (about a megabyte) is hashed once per process, not once per sink stack.
  const { code: js, sha256: codeHash } = builtHandler();
  const json = `${JSON.stringify(migrations.map((m) => ({ id: m.id, sql: m.sql })), null, 1)}\n`;
  const hash = createHash('sha256').update(codeHash).update('\u0000').update(json).update('\u0000').update(caBundlePem ?? '').digest('hex').slice(0, 16);
  const dir = join(outRoot, `migrate-${hash}`);
  // Content-addressed: a complete folder (migrations.json is written last) already holds these bytes.
  // Marked as used first, so that a run writing another folder does not prune it meanwhile.
  markUsed(dir);
  if (existsSync(join(dir, 'migrations.json'))) return dir;
  mkdirSync(dir, { recursive: true });
  writeAtomically(join(dir, 'index.js'), js);
  if (caBundlePem) writeAtomically(join(dir, CA_BUNDLE_FILE), caBundlePem);
  writeAtomically(join(dir, 'migrations.json'), json);
  // Folders of migration sets no synth used for a week (older migrations, older handlers) go.
  pruneUnused(outRoot, /^migrate-[0-9a-f]{16}$/, dir);
  return dir;
}
