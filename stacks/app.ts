/**
 * The app: contracts in, every stack out. Used by `main.ts` (and so by
 * `npm run synth` and `cdktf synth|deploy`) and by the end-to-end test.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { App, type TerraformStack } from 'cdktf';
import { discoverProducts } from '../contracts/discover';
import type { EnvironmentConfig } from '../contracts/environment';
import { planMesh, type MeshPlan } from '../contracts/mesh';
import { ContractError, formatProblems, type Problem } from '../contracts/problems';
import { buildManifest } from './manifest';
import { buildAwsStacks } from './aws-stacks';
import { DomainStack } from './domain-stack';
import { ENVIRONMENTS } from './environments';

export interface SynthOptions {
  /** Where the product files are. @default `<project>/contracts/products` */
  readonly productsDir?: string;
  /** Where to write. @default `$CDKTF_OUTDIR`, else `cdktf.out` */
  readonly outdir?: string;
  /** The environments. @default ENVIRONMENTS */
  readonly environments?: readonly EnvironmentConfig[];
  /** Project root, for file names in messages. @default process.cwd() */
  readonly root?: string;
  /** Where messages go. @default console */
  readonly log?: { info(msg: string): void; error(msg: string): void };
}

/** Adds every stack of the plan to `app`: per environment with AWS settings `platform-<env>` and `identities-<env>`, then every domain stack. */
export function buildStacks(app: App, plan: MeshPlan): TerraformStack[] {
  return [...buildAwsStacks(app, plan), ...plan.stacks.map((s) => new DomainStack(app, s))];
}

/** Discovers and plans the mesh; every problem of every product, or the plan. */
export function loadMesh(options: SynthOptions = {}): { plan?: MeshPlan; problems: Problem[] } {
  const root = options.root ?? process.cwd();
  const dir = options.productsDir ?? join(root, 'contracts', 'products');
  const discovered = discoverProducts(dir, root);
  try {
    const plan = planMesh(discovered.entries, options.environments ?? ENVIRONMENTS);
    return discovered.problems.length ? { problems: discovered.problems } : { plan, problems: [] };
  } catch (err) {
    if (err instanceof ContractError) return { problems: [...discovered.problems, ...err.problems] };
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
  try {
    const { plan, problems } = loadMesh(options);
    if (!plan) {
      removeOutput(outdir);
      log.error(formatProblems(problems));
      return 1;
    }
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(dirname(partial), { recursive: true });
    const app = new App({ outdir: partial, stackTraces: false });
    const stacks = buildStacks(app, plan);
    for (const s of plan.stacks) for (const p of s.products) for (const d of p.deployments ?? []) for (const w of d.warnings) log.info(`warning: ${s.name}: ${w}`);
    app.synth();
    writeFileSync(join(partial, 'mesh-manifest.json'), `${JSON.stringify(buildManifest(plan), null, 2)}\n`);
    removeOutput(outdir);
    renameSync(partial, outdir);
    log.info(`contract-mesh: ${plan.products.length} data products → ${stacks.length} stacks in ${outdir}: ${stacks.map((s) => s.node.id).join(', ')}`);
    return 0;
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    removeOutput(outdir);
    const message = err instanceof ContractError ? err.message : `synth failed: ${err instanceof Error ? err.message : String(err)}`;
    log.error(`${message}\nNothing was synthesized; ${outdir} was removed so that no stale stack looks current.`);
    return 1;
  }
}

/** Removes a previous output folder, but only one that cdktf wrote (it holds manifest.json) or an empty one. */
function removeOutput(outdir: string): void {
  if (!existsSync(outdir)) return;
  const entries = readdirSync(outdir);
  if (entries.length === 0 || entries.includes('manifest.json') || entries.includes('mesh-manifest.json') || entries.includes('stacks')) {
    rmSync(outdir, { recursive: true, force: true });
  }
}
