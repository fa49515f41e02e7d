/**
 * `npm run bench`: the synth benchmark (and, as later issues add them, other
 * benchmarks). See BENCHMARKS.md.
 *
 * For each N (default 10, 100, 1000) it generates N products over 25 domains
 * into a copy of the project under `bench/.work/n<N>/mesh` and, from the same
 * contracts, the literal resource list of the hand-written baseline app under
 * `bench/.work/n<N>/hand`. It then runs `npm run synth` in both — (a) the mesh
 * app, `tsx main.ts`; (b) the baseline, `tsx bench/hand-written/main.ts` —
 * once each to warm tsx's cache and to check that both synthesize
 * byte-identical stacks, then `--repeats` times each, alternating, and
 * reports medians: wall time, CPU time and peak memory of the whole process
 * tree, the ratio a/b at every N and the growth from the smallest N to the
 * largest.
 *
 * Then, at every N, (c): `MESH_DOMAINS=<the largest domain> npm run synth`
 * in the mesh copy — every contract checked, one domain's stacks built —
 * checked byte for byte against the full synth's stacks of that domain, and
 * timed `--repeats` times (target: ≤ 5 s wall at N = 1,000, median).
 *
 * Then it runs the codec benchmark (`bench/codec-bench.ts`: encode
 * throughput and payload size on the example products).
 *
 * Options: `--only synth|domain|codec|e2e` (one of them; `domain` runs only the full warm-up and (c); `e2e` the data path on
 * a real broker and PostgreSQL, `bench/e2e-bench.ts`), `--sizes 10,100,1000`,
 * `--repeats 7`, `--profile` (one more run of (a) at the largest N with `node --cpu-prof`, profiles in bench/.work/prof),
 * `--json <file>` (write the results).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { baselineInput } from './baseline-input';
import { writeProducts } from './generate';
import { measure, type Measurement } from './measure';

const ROOT = resolve(__dirname, '..');
const WORK = join(__dirname, '.work');
/** Top-level entries of the project that the apps do not need. */
const SKIP = new Set(['node_modules', '.git', 'cdktf.out', 'terraform-state', '.mesh', 'bench', 'test', '.ci', 'coverage', '.cache', 'docs']);

interface Options {
  /** Which benchmarks: the synth benchmark, the codec benchmark (`bench/codec-bench.ts`), or both. */
  only?: 'synth' | 'domain' | 'codec' | 'e2e';
  sizes: number[];
  repeats: number;
  profile: boolean;
  json?: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { sizes: [10, 100, 1000], repeats: 7, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--sizes') o.sizes = argv[++i].split(',').map((s) => Number(s.trim()));
    else if (a === '--repeats') o.repeats = Number(argv[++i]);
    else if (a === '--profile') o.profile = true;
    else if (a === '--json') o.json = argv[++i];
    else if (a === '--only') {
      const only = argv[++i];
      if (only !== 'synth' && only !== 'domain' && only !== 'codec' && only !== 'e2e') throw new Error(`--only takes synth, domain, codec or e2e, not ${only}`);
      o.only = only;
    } else throw new Error(`unknown option ${a}; options: --only synth|domain|codec|e2e --sizes 10,100,1000 --repeats 7 --profile --json <file>`);
  }
  if (!o.sizes.length || o.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes must be positive integers');
  if (!Number.isInteger(o.repeats) || o.repeats < 1) throw new Error('--repeats must be a positive integer');
  return o;
}

/** A copy of the project without its products, `node_modules` linked. */
function copyProject(dest: string): void {
  mkdirSync(dest, { recursive: true });
  // The example products and what belongs to them only (their locks, migrations, retirements) stay behind.
  const own = ['products', 'locks', 'migrations', 'retired.json'].map((f) => join(ROOT, 'contracts', f));
  for (const e of readdirSync(ROOT)) {
    if (SKIP.has(e)) continue;
    cpSync(join(ROOT, e), join(dest, e), { recursive: true, filter: (src) => !own.some((o) => src === o || src.startsWith(`${o}${sep}`)) });
  }
  mkdirSync(join(dest, 'contracts', 'products'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dest, 'node_modules'), 'dir');
}

/** The baseline's project: the same package.json (with `synth` pointing at the baseline), bindings and node_modules. */
function baselineProject(dest: string, resources: unknown): void {
  mkdirSync(join(dest, 'bench'), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  // The same launcher, flags and all: only the entry point differs.
  const synthScript = String(pkg.scripts?.synth ?? '');
  if (!/(^|\s)main\.ts(\s|$)/.test(synthScript)) throw new Error(`the synth script ${JSON.stringify(synthScript)} does not run main.ts; update bench/run.ts`);
  pkg.scripts = { ...pkg.scripts, synth: synthScript.replace(/(^|\s)main\.ts(?=\s|$)/, '$1bench/hand-written/main.ts') };
  writeFileSync(join(dest, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const cdktf = JSON.parse(readFileSync(join(ROOT, 'cdktf.json'), 'utf8'));
  writeFileSync(join(dest, 'cdktf.json'), `${JSON.stringify({ ...cdktf, app: 'npx tsx bench/hand-written/main.ts' }, null, 2)}\n`);
  cpSync(join(ROOT, 'tsconfig.json'), join(dest, 'tsconfig.json'));
  cpSync(join(ROOT, '.gen'), join(dest, '.gen'), { recursive: true });
  cpSync(join(__dirname, 'hand-written'), join(dest, 'bench', 'hand-written'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dest, 'node_modules'), 'dir');
  writeFileSync(join(dest, 'bench-resources.json'), JSON.stringify(resources));
}

interface Prepared {
  readonly n: number;
  readonly mesh: string;
  readonly hand: string;
  /** The domain with the most products: what (c) builds alone. */
  readonly domain: string;
  /** Its number of products. */
  readonly domainProducts: number;
  /** Set by {@link prepareBaseline}. */
  stacks: number;
  resources: number;
}

function prepare(n: number): Prepared {
  const base = join(WORK, `n${n}`);
  rmSync(base, { recursive: true, force: true });
  const mesh = join(base, 'mesh');
  const hand = join(base, 'hand');
  copyProject(mesh);
  const generated = writeProducts(join(mesh, 'contracts', 'products'), n);
  const perDomain = new Map<string, number>();
  for (const g of generated) perDomain.set(g.domain, (perDomain.get(g.domain) ?? 0) + 1);
  const [domain, domainProducts] = [...perDomain].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0];
  // Where the project locks its contracts (`npm run contracts:lock`), lock the generated ones too, untimed.
  if (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts?.['contracts:lock']) {
    const r = spawnSync('npm', ['run', '--silent', 'contracts:lock'], { cwd: mesh, env: ENV, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run contracts:lock failed in ${relative(ROOT, mesh)}:\n${r.stdout}${r.stderr}`);
  }
  return { n, mesh, hand, domain, domainProducts, stacks: 0, resources: 0 };
}

/** After the mesh app's warm-up run: the baseline's project, its input read from the mesh app's output. */
function prepareBaseline(p: Prepared): void {
  mkdirSync(p.hand, { recursive: true });
  const input = baselineInput(join(p.mesh, 'cdktf.out'), p.hand);
  baselineProject(p.hand, input);
  p.stacks = input.stacks.length;
  p.resources = input.stacks.reduce((sum, s) => sum + s.resources.length, 0);
}

const ENV = { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: undefined, NODE_OPTIONS: undefined } as NodeJS.ProcessEnv;

async function synth(dir: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Measurement> {
  const m = await measure('npm', ['run', '--silent', 'synth'], { cwd: dir, env: { ...ENV, ...extraEnv } });
  if (m.exitCode !== 0) throw new Error(`npm run synth failed in ${relative(ROOT, dir)} (exit ${m.exitCode}):\n${m.output}`);
  return m;
}

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** What cdktf writes: the stacks and its manifest. The mesh also writes its own artifacts (mesh-manifest.json, …). */
const cdktfOutput = (f: string) => f === 'manifest.json' || f.startsWith('stacks/');

/** Fails unless both apps synthesized the same stacks, byte for byte. */
function assertSameOutput(p: Prepared): void {
  const a = join(p.mesh, 'cdktf.out');
  const b = join(p.hand, 'cdktf.out');
  const fa = files(a).filter(cdktfOutput);
  const fb = files(b).filter(cdktfOutput);
  if (fa.join('\n') !== fb.join('\n')) {
    throw new Error(`N=${p.n}: the apps synthesized different files:\n  mesh only: ${fa.filter((f) => !fb.includes(f)).join(', ')}\n  baseline only: ${fb.filter((f) => !fa.includes(f)).join(', ')}`);
  }
  for (const f of fa) {
    // Zipped assets: their folder name is the hash of the zipped files (compared above, with the paths); the zip
    // itself holds file times, which differ from run to run even for the same app.
    if (/\/assets\/.*\.zip$/.test(f)) continue;
    const x = readFileSync(join(a, f), 'utf8');
    const y = readFileSync(join(b, f), 'utf8');
    if (x !== y) {
      let i = 0;
      while (i < x.length && x[i] === y[i]) i++;
      throw new Error(`N=${p.n}: ${f} differs between the mesh app and the hand-written baseline at character ${i}:\n  mesh:     …${JSON.stringify(x.slice(Math.max(0, i - 120), i + 120))}\n  baseline: …${JSON.stringify(y.slice(Math.max(0, i - 120), i + 120))}\nThe baseline must declare exactly what the mesh synthesizes: update bench/baseline-input.ts and bench/hand-written/main.ts.`);
    }
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (b: number) => `${Math.round(b / 1048576)} MB`;
const x = (r: number) => `${r.toFixed(2)}×`;

interface Row {
  n: number;
  stacks: number;
  resources: number;
  a: { wallMs: number; cpuMs: number; treePeakRss: number; maxProcessRss: number; runs: number[] };
  b: { wallMs: number; cpuMs: number; treePeakRss: number; maxProcessRss: number; runs: number[] };
}

/** (c): one domain's stacks (`MESH_DOMAINS`) at one N. */
interface DomainRow {
  n: number;
  domain: string;
  products: number;
  stacks: number;
  c: { wallMs: number; cpuMs: number; treePeakRss: number; maxProcessRss: number; runs: number[] };
}

function summarize(ms: Measurement[]): Row['a'] {
  return {
    wallMs: median(ms.map((m) => m.wallMs)),
    cpuMs: median(ms.map((m) => m.cpuMs)),
    treePeakRss: Math.max(...ms.map((m) => m.treePeakRss)),
    maxProcessRss: Math.max(...ms.map((m) => m.maxProcessRss)),
    runs: ms.map((m) => Math.round(m.wallMs)),
  };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.only === 'e2e') return e2eBench(o);
  if (o.only !== 'codec') await synthBench(o);
  if (o.only !== 'synth' && o.only !== 'domain') codecBench();
}

/**
 * (c) at one N: `MESH_DOMAINS=<domain> npm run synth` into its own folder, after the mesh app's full synth is in
 * `<mesh>/cdktf.out`. Fails unless every stack of the domain is byte for byte the full synth's (assets included).
 */
async function domainBench(p: Prepared, repeats: number): Promise<DomainRow> {
  const out = join(p.mesh, '..', 'domain.out');
  const env = { MESH_DOMAINS: p.domain, CDKTF_OUTDIR: out };
  await synth(p.mesh, env); // warm-up
  const full = join(p.mesh, 'cdktf.out', 'stacks');
  const mine = readdirSync(full).filter((s) => s.startsWith(`${p.domain}-`));
  if (!mine.length) throw new Error(`N=${p.n}: the full synth has no stack of domain ${p.domain}`);
  for (const stack of mine) {
    const [a, b] = [join(full, stack), join(out, 'stacks', stack)];
    const [fa, fb] = [files(a), files(b)];
    if (fa.join('\n') !== fb.join('\n')) throw new Error(`N=${p.n}: MESH_DOMAINS=${p.domain} wrote other files for ${stack} than the full synth`);
    for (const f of fa) if (!readFileSync(join(a, f)).equals(readFileSync(join(b, f)))) throw new Error(`N=${p.n}: MESH_DOMAINS=${p.domain}: ${stack}/${f} differs from the full synth's`);
  }
  const runs: Measurement[] = [];
  for (let r = 0; r < repeats; r++) runs.push(await synth(p.mesh, env));
  return { n: p.n, domain: p.domain, products: p.domainProducts, stacks: mine.length, c: summarize(runs) };
}

/** The data path end to end (`bench/e2e-bench.ts`: a real broker and PostgreSQL), in its own process. */
function e2eBench(o: Options): void {
  console.log('\nend-to-end benchmark (bench/e2e-bench.ts):\n');
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(__dirname, 'e2e-bench.ts'), '--repeats', String(o.repeats)], { cwd: ROOT, env: ENV, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`the end-to-end benchmark failed (exit ${r.status})`);
}

/** The codec benchmark (`bench/codec-bench.ts`, on the example products), in its own process. */
function codecBench(): void {
  console.log('\ncodec benchmark (bench/codec-bench.ts):\n');
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(__dirname, 'codec-bench.ts')], { cwd: ROOT, env: ENV, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`the codec benchmark failed (exit ${r.status})`);
}

async function synthBench(o: Options): Promise<void> {
  const started = Date.now();
  console.log(`contract-mesh synth benchmark: N = ${o.sizes.join(', ')}; ${o.repeats} timed run(s) of each app after one warm-up; ${cpus().length} CPUs, ${mb(totalmem())} RAM, node ${process.version}; load average ${load()}`);
  mkdirSync(WORK, { recursive: true });
  const rows: Row[] = [];
  const domainRows: DomainRow[] = [];
  for (const n of o.sizes) {
    const p = prepare(n);
    process.stdout.write(`N=${n}: warm-up… `);
    await synth(p.mesh);
    if (o.only === 'domain') {
      const d = await domainBench(p, o.repeats);
      domainRows.push(d);
      console.log(`(c) MESH_DOMAINS=${d.domain} (${d.products} products): ${sec(d.c.wallMs)} wall (median of ${o.repeats})`);
      continue;
    }
    prepareBaseline(p);
    process.stdout.write(`${p.stacks} stacks, ${p.resources} resources… `);
    await synth(p.hand);
    assertSameOutput(p);
    process.stdout.write('outputs identical; timing ');
    const a: Measurement[] = [];
    const b: Measurement[] = [];
    for (let r = 0; r < o.repeats; r++) {
      // Alternate the order so that a drift in machine load hits both apps alike.
      if (r % 2 === 0) {
        a.push(await synth(p.mesh));
        b.push(await synth(p.hand));
      } else {
        b.push(await synth(p.hand));
        a.push(await synth(p.mesh));
      }
      process.stdout.write('.');
    }
    const row: Row = { n, stacks: p.stacks, resources: p.resources, a: summarize(a), b: summarize(b) };
    rows.push(row);
    console.log(` a ${sec(row.a.wallMs)} / b ${sec(row.b.wallMs)} = ${x(row.a.wallMs / row.b.wallMs)}`);
    // The full output of the last timed (a) run is in place in the mesh copy: (c) is compared with it.
    const d = await domainBench(p, o.repeats);
    domainRows.push(d);
    console.log(`  (c) MESH_DOMAINS=${d.domain} (${d.products} products): ${sec(d.c.wallMs)} wall (median of ${o.repeats})`);
  }
  if (domainRows.length) reportDomains(domainRows, rows);
  if (o.only === 'domain') {
    if (o.json) writeFileSync(o.json, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, memory: totalmem(), loadavg: loadavg(), repeats: o.repeats, domainRows }, null, 2)}\n`);
    console.log(`\nbench finished in ${sec(Date.now() - started)}; load average ${load()}`);
    return;
  }

  console.log('\n| N | stacks | resources | (a) mesh: wall | cpu | peak RSS (tree) | (b) hand-written: wall | cpu | peak RSS (tree) | a/b wall | a/b cpu |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.n} | ${r.stacks} | ${r.resources} | ${sec(r.a.wallMs)} | ${sec(r.a.cpuMs)} | ${mb(r.a.treePeakRss)} | ${sec(r.b.wallMs)} | ${sec(r.b.cpuMs)} | ${mb(r.b.treePeakRss)} | ${x(r.a.wallMs / r.b.wallMs)} | ${x(r.a.cpuMs / r.b.cpuMs)} |`);
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  console.log('');
  for (const r of rows) {
    // Each pair ran back to back: its ratio shows how much a single pair can say on this machine.
    const pairs = r.a.runs.map((ms, i) => ms / r.b.runs[i]);
    console.log(`ratio a/b at N=${r.n}: ${x(r.a.wallMs / r.b.wallMs)} wall, ${x(r.a.cpuMs / r.b.cpuMs)} cpu (runs, in order: (a) ${r.a.runs.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s; (b) ${r.b.runs.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s; pair by pair ${pairs.map((q) => q.toFixed(2)).join(', ')})`);
  }
  if (rows.length > 1) {
    console.log(`growth N=${first.n}→${last.n}: (a) ${x(last.a.wallMs / first.a.wallMs)} wall, (b) ${x(last.b.wallMs / first.b.wallMs)} wall`);
    if (rows.length > 2) {
      const mid = rows[rows.length - 2];
      const per = (r1: Row, r2: Row, k: 'a' | 'b') => (r2[k].cpuMs - r1[k].cpuMs) / (r2.n - r1.n);
      const lo = per(first, mid, 'a');
      const hi = per(mid, last, 'a');
      console.log(`linearity (a): marginal CPU per product ${lo.toFixed(1)} ms (N=${first.n}→${mid.n}) vs ${hi.toFixed(1)} ms (N=${mid.n}→${last.n}); ratio ${x(hi / lo)} (≈1 is linear; a quadratic step would grow it about tenfold)`);
      console.log(`linearity (b): marginal CPU per product ${per(first, mid, 'b').toFixed(1)} ms vs ${per(mid, last, 'b').toFixed(1)} ms`);
    }
  }
  console.log(`peak memory at N=${last.n}: (a) ${mb(last.a.treePeakRss)} whole tree (largest process ${mb(last.a.maxProcessRss)}), (b) ${mb(last.b.treePeakRss)}`);
  const ratio = last.a.wallMs / last.b.wallMs;
  console.log(`targets at N=${last.n}: a/b ≤ 1.25 → ${x(ratio)} ${ratio <= 1.25 ? 'met' : 'MISSED'}; peak memory ≤ 1.5 GB → ${mb(last.a.treePeakRss)} ${last.a.treePeakRss <= 1.5 * 1024 ** 3 ? 'met' : 'MISSED'}`);

  if (o.profile) {
    // Node refuses --cpu-prof in NODE_OPTIONS: run the synth script's command with the flag after `tsx`.
    const mesh = join(WORK, `n${last.n}`, 'mesh');
    const dir = join(WORK, 'prof');
    rmSync(dir, { recursive: true, force: true });
    const [launcher, ...rest] = String(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.synth).split(/\s+/);
    if (launcher !== 'tsx') throw new Error(`--profile expects the synth script to start with tsx, not ${launcher}`);
    const m = await measure(join(mesh, 'node_modules', '.bin', 'tsx'), ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...rest], { cwd: mesh, env: ENV });
    if (m.exitCode !== 0) throw new Error(`profiling run failed:\n${m.output}`);
    console.log(`CPU profiles of (a) at N=${last.n} in ${relative(ROOT, dir)} (open in Chrome DevTools, or: npx tsx bench/profile-summary.ts ${relative(ROOT, dir)})`);
  }
  if (o.json) writeFileSync(o.json, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, memory: totalmem(), loadavg: loadavg(), repeats: o.repeats, rows, domainRows }, null, 2)}\n`);
  console.log(`\nbench finished in ${sec(Date.now() - started)}; load average ${load()} (wall times are only comparable on an otherwise idle machine; CPU times are steadier)`);
}

/** The (c) table: one domain's stacks against the full synth of the same N, and the target at the largest N. */
function reportDomains(domainRows: readonly DomainRow[], rows: readonly Row[]): void {
  console.log('\n| N | (c) MESH_DOMAINS= | its products | its stacks | wall | cpu | peak RSS (tree) | (c) / (a) wall | runs (s, in order) |');
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|---|');
  for (const d of domainRows) {
    const a = rows.find((r) => r.n === d.n);
    console.log(`| ${d.n} | ${d.domain} | ${d.products} | ${d.stacks} | ${sec(d.c.wallMs)} | ${sec(d.c.cpuMs)} | ${mb(d.c.treePeakRss)} | ${a ? x(d.c.wallMs / a.a.wallMs) : '—'} | ${d.c.runs.map((ms) => (ms / 1000).toFixed(1)).join(', ')} |`);
  }
  const last = domainRows[domainRows.length - 1];
  console.log(`target at N=${last.n}: one domain's stacks ≤ 5 s wall → ${sec(last.c.wallMs)} ${last.c.wallMs <= 5000 ? 'met' : 'MISSED'}${last.n === 1000 ? '' : ' (the target is stated at N = 1,000)'}`);
}

main().catch((err: unknown) => {
  console.error(`\nbench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
