/**
 * The app: contracts in, every stack out. Used by `main.ts` (and so by
 * `npm run synth` and `cdktf synth|deploy`) and by the end-to-end test.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { basename, dirname, join, resolve } from 'node:path';
import { App, type TerraformStack } from 'cdktf';
import type { EnvironmentConfig } from '../contracts/environment';
import { planMesh, productWarnings, type MeshPlan } from '../contracts/mesh';
import { stackName } from '../contracts/derive/names';
import { ContractError, didYouMean, formatProblems, type Problem } from '../contracts/problems';
import { blocksSynth, formatFinding, formatPolicyErrors } from '../contracts/policy/evaluate';
import type { Finding } from '../contracts/policy/rule';
import type { Retirement } from '../contracts/retire/retired';
import { applyMeshPolicy, applyPlatformPolicy, meshPolicyOf, meshPrincipals } from './apply-policy';
import { contractSources, loadContracts } from '../contracts/lock/load-contracts';
import { committedFilesOf, readCommittedMigrations } from '../contracts/sql/committed';
import { reconcileMigrations } from '../contracts/sql/migration-record';
import { writeContractFiles } from './contract-output';
import { buildManifest } from './manifest';
import { awsStackNames, buildAwsStacks, environmentsOf } from './aws-stacks';
import { LeftOutStack } from './left-out-stack';
import { DomainStack, type DomainStackProps } from './domain-stack';
import { ENVIRONMENTS } from './environments';

export interface SynthOptions {
  /** Where the product files are. @default `<project>/contracts/products` */
  readonly productsDir?: string;
  /**
   * Where the product locks are (`npm run contracts:lock` writes them; synth only reads).
   * @default the `locks` folder beside `productsDir` (`<project>/contracts/locks`)
   */
  readonly locksDir?: string;
  /**
   * Where the committed Postgres sink migrations are (`npm run contracts:lock` writes them; synth only reads).
   * @default the `migrations` folder beside `productsDir` (`<project>/contracts/migrations`)
   */
  readonly migrationsDir?: string;
  /** Where to write. @default `$CDKTF_OUTDIR`, else `cdktf.out` */
  readonly outdir?: string;
  /** The environments. @default ENVIRONMENTS */
  readonly environments?: readonly EnvironmentConfig[];
  /** Project root, for file names in messages. @default process.cwd() */
  readonly root?: string;
  /** Retired product versions (`npm run contracts:retire`). @default `retired.json` beside `productsDir` (`<project>/contracts/retired.json`) */
  readonly retiredFile?: string;
  /**
   * Where compiled product files are kept between runs (see `DiscoverOptions.cacheDir`).
   * @default `<root>/node_modules/.cache/contract-mesh`
   */
  readonly cacheDir?: string;
  /** Where messages go. @default console */
  readonly log?: { info(msg: string): void; error(msg: string): void };
  /**
   * Build and write only the stacks of these domains (in every environment) — what `MESH_DOMAINS` sets (main.ts).
   * Every contract is still checked; each stack built is byte for byte what a full synth writes. The platform and
   * identities stacks are not built (they hold every domain's principals and the shared platform: deploy them from a
   * full synth); every stack left out is written as a {@link LeftOutStack}, whose plan fails naming `MESH_DOMAINS`.
   * `mesh-manifest.json` and the contract files then cover these domains only, and say so (the review refuses it).
   * @default - every domain, and the platform and identities stacks
   */
  readonly domains?: readonly string[];
}

/** The domains named by `MESH_DOMAINS` (comma- or space-separated), or undefined when it is unset or empty. */
export function meshDomainsFrom(value: string | undefined): string[] | undefined {
  const domains = [...new Set((value ?? '').split(/[\s,]+/).map((d) => d.trim()).filter(Boolean))];
  return domains.length ? domains : undefined;
}

/**
 * Adds every stack of the plan to `app`: per environment with AWS settings `platform-<env>` and `identities-<env>`, then
 * every domain stack, each with the policy guardrails aspect. With `only`, just the stacks of those domains, and a
 * {@link LeftOutStack} in place of every other stack.
 */
export function buildStacks(app: App, plan: MeshPlan, props: DomainStackProps = {}, only?: ReadonlySet<string>): TerraformStack[] {
  const principals = meshPrincipals(plan);
  // A plain loop: every token cdktf creates below records the call stack, so each frame here is paid ~10,000 times.
  const domains: DomainStack[] = [];
  for (const s of plan.stacks) {
    if (only && !only.has(s.domain)) continue;
    const stack = new DomainStack(app, s, props);
    applyMeshPolicy(stack, s, principals);
    domains.push(stack);
  }
  if (only) {
    const built = domains.map((d) => d.node.id);
    const environments = environmentsOf(plan);
    const every = [...new Set(plan.products.map((p) => p.domain))].flatMap((d) => environments.map((e) => stackName(d, e.name)));
    const leftOut = [...every.filter((n) => !built.includes(n)), ...awsStackNames(plan, environments)].sort();
    for (const name of leftOut) new LeftOutStack(app, name, { domains: [...only], built });
    return domains;
  }
  const platform = buildAwsStacks(app, plan);
  for (const stack of platform) applyPlatformPolicy(stack, stack.environment, principals);
  return [...platform, ...domains];
}

/** Every policy finding of the stacks (after synth), suppressed ones included. */
export function policyFindings(stacks: readonly TerraformStack[]): Finding[] {
  return stacks.flatMap((s) => meshPolicyOf(s)?.findings ?? []);
}

/**
 * Discovers, checks and plans the mesh: every problem of every product (the
 * same checks as `npm run contracts:lock`, with the same messages, plus the
 * lock of each product being current), or the plan; and the warnings to print.
 */
export function loadMesh(options: SynthOptions = {}): { plan?: MeshPlan; problems: Problem[]; retired?: Retirement[]; warnings: string[] } {
  const sources = contractSources(options);
  const loaded = loadContracts(sources);
  // Every committed migration is one that contracts:lock wrote, byte for byte (the record beside them).
  const migrations = reconcileMigrations(loaded.migrations, sources.migrationsDir, sources.root);
  const early = [...loaded.problems, ...migrations.problems];
  const warnings = [...loaded.warnings];
  try {
    const plan = planMesh(loaded.entries, options.environments ?? ENVIRONMENTS, { locks: loaded.locks, ...(options.domains ? { only: new Set(options.domains) } : {}) });
    for (const s of plan.stacks) for (const p of s.products) for (const w of productWarnings(p)) warnings.push(`${s.name}: ${w}`);
    return early.length ? { problems: early, warnings } : { plan, problems: [], retired: [...loaded.retired], warnings };
  } catch (err) {
    if (err instanceof ContractError) return { problems: [...early, ...err.problems], warnings };
    throw err;
  }
}

/**
 * Synthesizes every stack into `outdir`, atomically: the output is written
 * beside it and moved into place only when everything succeeded. On any
 * failure the old output is removed too, so nothing stale looks current.
 * Returns the process exit code.
 */
export function synthesizeMesh(options: SynthOptions = {}): number {
  const log = options.log ?? { info: (m: string) => console.log(m), error: (m: string) => console.error(m) };
  const outdir = resolve(options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out');
  const partial = `${outdir}.partial-${process.pid}`;
  let stacks: TerraformStack[] = [];
  // The previous output goes first (whatever happens, it would be stale), and is deleted while synth runs.
  discardOutput(outdir);
  if (existsSync(outdir)) {
    log.error(`contract-mesh: ${outdir} exists and synth did not write it (it has no manifest.json), so synth will not replace it. Move it away, or write elsewhere with CDKTF_OUTDIR=<folder>.`);
    return 1;
  }
  try {
    const { plan: full, problems, retired, warnings } = loadMesh(options);
    if (!full) {
      log.error(formatProblems(problems));
      return 1;
    }
    // MESH_DOMAINS: every contract was checked above; only these domains are built and written.
    const only = options.domains ? new Set(options.domains) : undefined;
    const unknown = unknownDomains(full, options.domains);
    if (unknown) {
      log.error(`contract-mesh: ${unknown}\nNothing was synthesized.`);
      return 1;
    }
    // (planMesh planned the stacks and artifacts of these domains only; `full` still lists every product.)
    const plan = only ? partOf(full, only) : full;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(dirname(partial), { recursive: true });
    const app = new App({ outdir: partial, stackTraces: false });
    const productsDir = options.productsDir ?? join(options.root ?? process.cwd(), 'contracts', 'products');
    const migrationsRoot = options.migrationsDir ?? join(dirname(productsDir), 'migrations');
    stacks = buildStacks(app, full, { migrationsRoot }, only);
    for (const w of warnings) log.info(`warning: ${w}`);
    // The policy checks each stack as synth writes it, into the partial folder; one run reports every policy error.
    for (const s of stacks) meshPolicyOf(s)?.deferErrors();
    app.synth();
    const findings = policyFindings(stacks);
    if (findings.some(blocksSynth)) throw new Error('policy errors');
    for (const f of findings) log.info(`contract-mesh: ${formatFinding(f)}`);
    // One line of JSON: a machine input (the review reads it; jq reads it), 22 MB at 1,000 products when indented.
    const manifest = buildManifest(plan, { findings, retired: retired ?? [], committedMigrations: committedFilesOf(readCommittedMigrations(migrationsRoot)) });
    writeFileSync(join(partial, 'mesh-manifest.json'), `${JSON.stringify(only ? { ...manifest, partial: { domains: [...only] } } : manifest)}\n`);
    writeContractFiles(partial, plan);
    discardOutput(outdir);
    renameSync(partial, outdir);
    if (only) {
      log.info(`contract-mesh: MESH_DOMAINS=${[...only].join(',')}: ${full.products.length} data products checked, ${plan.products.length} of them built → ${stacks.length} stacks in ${outdir}: ${stacks.map((s) => s.node.id).join(', ')}. Every other stack is left out: \`cdktf deploy\` of one fails, naming MESH_DOMAINS.`);
    } else log.info(`contract-mesh: ${plan.products.length} data products → ${stacks.length} stacks in ${outdir}: ${stacks.map((s) => s.node.id).join(', ')}`);
    return 0;
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    discardOutput(outdir);
    const policyErrors = policyFindings(stacks).filter(blocksSynth);
    const message = err instanceof ContractError ? err.message
      : policyErrors.length ? formatPolicyErrors(policyFindings(stacks))
      : `synth failed: ${err instanceof Error ? err.message : String(err)}`;
    log.error(`${message}\nNothing was synthesized; ${outdir} was removed so that no stale stack looks current.`);
    return 1;
  }
}

/** What is wrong with the domains MESH_DOMAINS names, if anything: one that has no product (with a did-you-mean). */
function unknownDomains(plan: MeshPlan, domains: readonly string[] | undefined): string | undefined {
  if (!domains) return undefined;
  const known = [...new Set(plan.products.map((p) => p.domain))].sort();
  const wrong = domains.filter((d) => !known.includes(d));
  if (!wrong.length) return undefined;
  const hints = wrong.map((d) => {
    const guess = didYouMean(d, known);
    return `"${d}"${guess ? ` (did you mean "${guess}"?)` : ''}`;
  });
  return `MESH_DOMAINS names ${wrong.length === 1 ? 'a domain' : 'domains'} with no data product: ${hints.join(', ')}. The domains are: ${known.join(', ')}. Fix MESH_DOMAINS, or unset it to synthesize every stack.`;
}

/** The part of the plan that belongs to the domains. */
function partOf(plan: MeshPlan, domains: ReadonlySet<string>): MeshPlan {
  return {
    products: plan.products.filter((p) => domains.has(p.domain)),
    stacks: plan.stacks.filter((s) => domains.has(s.domain)),
    contracts: plan.contracts.filter((c) => domains.has(c.product.domain)),
  };
}

/**
 * Moves a previous output folder aside and deletes it in the background (the
 * deletion overlaps synth), but only a folder that synth wrote (it holds
 * manifest.json) or an empty one. Also deletes what an interrupted synth left
 * beside it (`<outdir>.partial-<pid>`, `<outdir>.old-<pid>` of a process that
 * is gone).
 */
function discardOutput(outdir: string): void {
  const parent = dirname(outdir);
  const leftover = new RegExp(`^${basename(outdir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(?:partial|old)-(\\d+)$`);
  const doomed: string[] = [];
  if (existsSync(outdir)) {
    const entries = readdirSync(outdir);
    if (entries.length === 0 || entries.includes('manifest.json') || entries.includes('mesh-manifest.json') || entries.includes('stacks')) {
      const aside = `${outdir}.old-${process.pid}`;
      rmSync(aside, { recursive: true, force: true });
      renameSync(outdir, aside);
      doomed.push(aside);
    }
  }
  if (existsSync(parent)) {
    for (const name of readdirSync(parent)) {
      const pid = leftover.exec(name)?.[1];
      if (pid && Number(pid) !== process.pid && !isRunning(Number(pid))) doomed.push(join(parent, name));
    }
  }
  if (doomed.length > 0) deleteInBackground(doomed);
}

/**
 * Deletes folders on a worker thread, in parallel with synth (a promise-based
 * `fs.rm` would only advance when synth's synchronous work is done). The
 * process waits for it before it exits.
 */
function deleteInBackground(dirs: readonly string[]): void {
  const worker = new Worker(
    "const { rmSync } = require('node:fs'); for (const d of require('node:worker_threads').workerData) { try { rmSync(d, { recursive: true, force: true }); } catch { /* a later synth retries */ } }",
    { eval: true, workerData: dirs, execArgv: [] },
  );
  worker.on('error', () => undefined);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
