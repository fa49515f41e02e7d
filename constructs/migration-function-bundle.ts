/**
 * Builds the migration function's deployment folder: `index.js` (the handler
 * and its dependencies — pg, umzug, the Secrets Manager client — bundled by
 * esbuild, offline) and `migrations.json` (the committed migrations it
 * applies, `[{ id, sql }]`). Deterministic: the same sources and migrations
 * give the same bytes, so the asset hash changes only when they do.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { buildSync } from 'esbuild';
import type { CommittedMigration } from '../contracts/sql/committed';

const PROJECT_ROOT = resolve(__dirname, '..');
const ENTRY = join(PROJECT_ROOT, 'functions', 'migrate', 'handler.ts');

let code: string | undefined;

/** The bundled handler's JavaScript (built once per process). */
export function migrationFunctionCode(): string {
  if (code === undefined) {
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
      logLevel: 'silent',
    });
    code = result.outputFiles[0].text;
  }
  return code;
}

/** The CA bundle's file name in the function folder (read by the handler when present). */
export const CA_BUNDLE_FILE = 'db-ca.pem';

/**
 * Writes the function folder for a set of migrations and returns its path.
 * `caBundlePem`: the database server's CA certificates (e.g. the RDS CA bundle), so that TLS is verified.
 */
export function bundleMigrationFunction(
  migrations: readonly CommittedMigration[],
  caBundlePem?: string,
  outRoot: string = join(tmpdir(), 'contract-mesh-build'),
): string {
  const js = migrationFunctionCode();
  const json = `${JSON.stringify(migrations.map((m) => ({ id: m.id, sql: m.sql })), null, 1)}\n`;
  const hash = createHash('sha256').update(js).update('\u0000').update(json).update('\u0000').update(caBundlePem ?? '').digest('hex').slice(0, 16);
  const dir = join(outRoot, `migrate-${hash}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.js'), js);
  writeFileSync(join(dir, 'migrations.json'), json);
  if (caBundlePem) writeFileSync(join(dir, CA_BUNDLE_FILE), caBundlePem);
  return dir;
}
