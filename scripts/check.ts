/**
 * `npm run check`: what the mesh itself must satisfy, over whatever products exist under `contracts/products/`:
 *
 * 1. contracts and locks — every contract valid, every product locked and its lock up to date;
 * 2. synth and policy — every stack synthesizes (into a temporary folder; `cdktf.out/` is left alone) and no policy
 *    rule fails;
 * 3. buf lint — the generated protos pass `buf lint`;
 * 4. migrations — the committed Postgres sink migrations are exactly what `npm run contracts:lock` wrote (its record,
 *    `contracts/migrations/checksums.json`), and none that the lock histories need is missing.
 *
 * Prints one line per check (✔/✖) with every problem under it and the fix; exits 1 when any check fails. `npm test`
 * runs it on the live mesh (test/mesh/check.test.ts). A failing check skips the ones that need it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { defaultCacheDir } from '../contracts/build-cache';
import type { EnvironmentConfig } from '../contracts/environment';
import { formatProblem, type Problem } from '../contracts/problems';
import type { Finding } from '../contracts/policy/rule';
import { committedFilesOf } from '../contracts/sql/committed';
import type { Migration } from '../contracts/sql/migrations';
import { readMigrationsOnDisk, reconcileMigrations } from '../contracts/sql/migration-record';
import { planSinks } from '../contracts/sql/sink-plan';
import { loadMesh, synthesizeMesh } from '../stacks/app';

export interface CheckOptions {
  /** Project root: the mesh is `<root>/contracts/`. @default process.cwd() */
  readonly root?: string;
  /** Where the product files are. @default `<root>/contracts/products` */
  readonly productsDir?: string;
  /** Where the locks are. @default the `locks` folder beside `productsDir` */
  readonly locksDir?: string;
  /** Where the committed migrations are. @default the `migrations` folder beside `productsDir` */
  readonly migrationsDir?: string;
  /** The retirements. @default `<root>/contracts/retired.json` */
  readonly retiredFile?: string;
  /** The environments. @default the project's (`stacks/environments.ts`) */
  readonly environments?: readonly EnvironmentConfig[];
  /** Where the report goes. @default console */
  readonly log?: { info(msg: string): void; error(msg: string): void };
}

/** One check's outcome. */
interface Outcome {
  readonly name: string;
  readonly ok: boolean | 'skipped';
  /** The one-line summary. */
  readonly summary: string;
  /** Lines under it (problems, warnings). */
  readonly details?: readonly string[];
}

const BUF = join(__dirname, '..', 'node_modules', '.bin', 'buf');

/** `buf lint` over a folder of generated protos (with its buf.yaml); the lint output, or undefined when clean. */
export function bufLint(dir: string, cacheDir: string): { ok: boolean; files: number; output: string } {
  mkdirSync(join(cacheDir, 'buf'), { recursive: true });
  const r = spawnSync(BUF, ['lint', '--error-format', 'text'], { cwd: dir, encoding: 'utf8', env: { ...process.env, BUF_CACHE_DIR: join(cacheDir, 'buf'), NO_COLOR: '1' } });
  if (r.error) return { ok: false, files: 0, output: `buf could not run (${r.error.message}); run npm ci.` };
  return { ok: r.status === 0, files: countFiles(dir, '.proto'), output: `${r.stdout}${r.stderr}`.trim() };
}

function countFiles(dir: string, ext: string): number {
  return readdirSync(dir).reduce((n, e) => {
    const p = join(dir, e);
    return n + (statSync(p).isDirectory() ? countFiles(p, ext) : e.endsWith(ext) ? 1 : 0);
  }, 0);
}

const indent = (lines: readonly string[]) => lines.flatMap((l) => l.split('\n')).map((l) => `      ${l}`);

/** Runs every check; returns the exit code (0 all passed, 1 a check failed). */
export function checkMesh(options: CheckOptions = {}): number {
  const log = options.log ?? { info: (m: string) => console.log(m), error: (m: string) => console.error(m) };
  const root = resolve(options.root ?? process.cwd());
  const productsDir = options.productsDir ?? join(root, 'contracts', 'products');
  const migrationsDir = options.migrationsDir ?? join(dirname(productsDir), 'migrations');
  const mesh = { ...options, root, productsDir, migrationsDir };
  const outcomes: Outcome[] = [];

  // 1. Contracts and locks: synth's own checks, before anything is built (its migration findings are reported under 4).
  const loaded = loadMesh(mesh);
  const plan = loaded.plan;
  const isMigration = (p: Problem) => p.field === '(migration)' || p.field === '(migrations)';
  const contractProblems = loaded.problems.filter((p) => !isMigration(p));
  const migrationProblems = loaded.problems.filter(isMigration);
  const domains = plan ? new Set(plan.products.map((p) => p.domain)).size : 0;
  log.info(`contract-mesh check of ${relative(process.cwd(), dirname(productsDir)) || '.'}/${plan ? `: ${plan.products.length} data product${plan.products.length === 1 ? '' : 's'} in ${domains} domain${domains === 1 ? '' : 's'}` : ''}`);
  if (contractProblems.length) {
    outcomes.push({ name: 'contracts and locks', ok: false, summary: `${contractProblems.length} problem${contractProblems.length === 1 ? '' : 's'}`, details: contractProblems.map((p) => `✖ ${formatProblem(p)}`) });
  } else {
    outcomes.push({ name: 'contracts and locks', ok: true, summary: `every contract is valid, locked, and its lock is up to date` });
  }

  // 2. Synth and policy, into a folder of its own.
  const work = mkdtempSync(join(tmpdir(), 'contract-mesh-check-'));
  try {
    const outdir = join(work, 'cdktf.out');
    let synthOk = false;
    if (!plan) outcomes.push({ name: 'synth and policy', ok: 'skipped', summary: `skipped: fix the ${contractProblems.length ? 'contracts and locks' : 'migrations'} first` });
    else {
      const lines: string[] = [];
      const code = synthesizeMesh({ ...mesh, outdir, log: { info: (m) => lines.push(m), error: (m) => lines.push(m) } });
      synthOk = code === 0;
      if (!synthOk) {
        outcomes.push({ name: 'synth and policy', ok: false, summary: 'synth failed', details: lines.join('\n').split('\n').filter((l) => !/^Nothing was synthesized/.test(l)) });
      } else {
        const manifest = JSON.parse(readFileSync(join(outdir, 'mesh-manifest.json'), 'utf8')) as { policy: { findings: Finding[] } };
        const stacks = readdirSync(join(outdir, 'stacks')).length;
        const findings = manifest.policy.findings;
        const warnings = findings.filter((f) => !f.suppressed && f.level !== 'error');
        const suppressed = findings.filter((f) => f.suppressed).length;
        const other = lines.filter((l) => /^warning: /.test(l));
        outcomes.push({
          name: 'synth and policy',
          ok: true,
          summary: `${stacks} stacks; no policy error, ${warnings.length} policy warning${warnings.length === 1 ? '' : 's'}${suppressed ? `, ${suppressed} suppressed` : ''}${other.length ? `; ${other.length} synth warning${other.length === 1 ? '' : 's'}` : ''}`,
          details: [...warnings.map((f) => `⚠ [${f.rule}] ${f.path}: ${f.message}`), ...other.map((l) => `⚠ ${l.replace(/^warning: /, '')}`)],
        });
      }
    }

    // 3. buf lint over the generated protos.
    const protos = join(outdir, 'contracts');
    if (!synthOk || !existsSync(protos)) outcomes.push({ name: 'buf lint', ok: 'skipped', summary: 'skipped: needs a passing synth' });
    else {
      const lint = bufLint(protos, defaultCacheDir(root));
      outcomes.push(lint.ok
        ? { name: 'buf lint', ok: true, summary: `${lint.files} generated proto file${lint.files === 1 ? '' : 's'} pass` }
        : { name: 'buf lint', ok: false, summary: 'the generated protos fail buf lint (a contract-mesh bug: please report it with the output below)', details: lint.output.split('\n') });
    }

    // 4. Committed migrations: each one recorded as contracts:lock wrote it (synth's check), none the histories need missing.
    if (migrationProblems.length) {
      outcomes.push({ name: 'migrations', ok: false, summary: `${migrationProblems.length} problem${migrationProblems.length === 1 ? '' : 's'}`, details: migrationProblems.map((p) => `✖ ${formatProblem(p)}`) });
    } else if (!plan) outcomes.push({ name: 'migrations', ok: 'skipped', summary: 'skipped: fix the contracts and locks first' });
    else {
      const onDisk = readMigrationsOnDisk(migrationsDir, root);
      const committed = committedFilesOf(onDisk.files);
      const generated: Migration[] = [];
      const problems: Problem[] = [];
      const seen = new Set<string>();
      for (const st of plan.stacks) {
        for (const p of st.products) {
          if (seen.has(p.product.id)) continue;
          seen.add(p.product.id);
          const sinks = planSinks(p.product, p.history, committed);
          problems.push(...sinks.problems);
          for (const k of sinks.sinks) generated.push(...k.migrations);
        }
      }
      const reconciled = reconcileMigrations(onDisk, migrationsDir, root, generated);
      const folder = relative(root, migrationsDir).split(sep).join('/');
      problems.push(...reconciled.problems);
      for (const m of reconciled.toWrite) {
        problems.push({ product: `${folder}/${m.id}`, field: '(migration)', message: 'the migration is missing: a shape in its product\'s lock history needs it.', fix: 'run `npm run contracts:lock` (it writes the migrations of every accepted change) and commit contracts/migrations/ with the lock.' });
      }
      const adopted = reconciled.record.size - onDisk.record.size - reconciled.toWrite.length;
      if (adopted > 0) problems.push({ product: `${folder}/checksums.json`, field: '(migrations)', message: `${adopted} committed migration${adopted === 1 ? ' is' : 's are'} not recorded yet (written before the record).`, fix: 'run `npm run contracts:lock`: it records them (they are byte for byte what it writes) — then commit contracts/migrations/.' });
      outcomes.push(problems.length
        ? { name: 'migrations', ok: false, summary: `${problems.length} problem${problems.length === 1 ? '' : 's'}`, details: problems.map((p) => `✖ ${formatProblem(p)}`) }
        : { name: 'migrations', ok: true, summary: `${onDisk.files.length} committed, each one as contracts:lock wrote it; none missing (${generated.length} needed by the sink tables)` });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  for (const o of outcomes) {
    const line = `  ${o.ok === true ? '✔' : o.ok === false ? '✖' : '–'} ${o.name}: ${o.summary}`;
    (o.ok === false ? log.error : log.info)([line, ...indent(o.details ?? [])].join('\n'));
  }
  const failed = outcomes.filter((o) => o.ok === false);
  if (failed.length) {
    log.error(`contract-mesh check: FAILED (${failed.map((o) => o.name).join(', ')}). Fix what is listed above, then run npm run check again.`);
    return 1;
  }
  log.info(`contract-mesh check: passed (${outcomes.length} checks).`);
  return 0;
}

if (require.main === module) process.exitCode = checkMesh({ root: process.cwd() });
