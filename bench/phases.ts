/**
 * Times the phases of the mesh app in one process — load, discover, plan,
 * build constructs, `app.synth()`, manifest — with wall and CPU time, and
 * the garbage collectors' time in each, and with `node --expose-gc` the live
 * heap after each phase. For finding what
 * dominates; `npm run bench` does not use it. Run it in a prepared copy:
 *
 *   cd bench/.work/n1000/mesh && node --expose-gc --import tsx ../../../phases.ts
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

const root = resolve(process.argv[2] ?? process.cwd());
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const gc = (globalThis as { gc?: () => void }).gc;
const t: Array<[string, number, number]> = [['start', performance.now(), cpu()]];
const mark = (name: string) => {
  t.push([name, performance.now(), cpu()]);
  if (gc) {
    gc();
    console.log(`after ${name}: live heap ${Math.round(process.memoryUsage().heapUsed / 1048576)} MB`);
    t.push([`(gc after ${name})`, performance.now(), cpu()]);
  }
};
// Every garbage collection, to attribute GC time to the phases (the entries arrive after the synchronous work).
const gcs: PerformanceEntry[] = [];
new PerformanceObserver((list) => gcs.push(...list.getEntries())).observe({ entryTypes: ['gc'] });
/* eslint-disable @typescript-eslint/no-require-imports */
const { App } = require(join(root, 'node_modules', 'cdktf')) as typeof import('cdktf');
const { discoverProducts } = require(join(root, 'contracts', 'discover')) as typeof import('../contracts/discover');
const { readLocks } = require(join(root, 'contracts', 'lock', 'lock-store')) as typeof import('../contracts/lock/lock-store');
const { planMesh } = require(join(root, 'contracts', 'mesh')) as typeof import('../contracts/mesh');
const { buildStacks, policyFindings } = require(join(root, 'stacks', 'app')) as typeof import('../stacks/app');
const { meshPolicyOf } = require(join(root, 'stacks', 'apply-policy')) as typeof import('../stacks/apply-policy');
const { buildManifest } = require(join(root, 'stacks', 'manifest')) as typeof import('../stacks/manifest');
const { writeContractFiles } = require(join(root, 'stacks', 'contract-output')) as typeof import('../stacks/contract-output');
const { ENVIRONMENTS } = require(join(root, 'stacks', 'environments')) as typeof import('../stacks/environments');
mark('load framework and toolkit');
const { defaultCacheDir } = require(join(root, 'contracts', 'build-cache')) as typeof import('../contracts/build-cache');
const found = discoverProducts(join(root, 'contracts', 'products'), root, { cacheDir: defaultCacheDir(root) });
mark(`discover ${found.entries.length} products`);
const { locks } = readLocks(join(root, 'contracts', 'locks'), root);
mark('read locks');
const plan = planMesh(found.entries, ENVIRONMENTS, { locks });
mark('planMesh');
const outdir = join(root, 'cdktf.out.phases');
const app = new App({ outdir, stackTraces: false });
const stacks = buildStacks(app, plan, { migrationsRoot: join(root, 'contracts', 'migrations') });
mark('buildStacks (incl. bundling the migration function)');
for (const st of stacks) meshPolicyOf(st)?.deferErrors();
app.synth();
mark('app.synth (incl. the policy check of each stack as it is written)');
writeFileSync(join(outdir, 'mesh-manifest.json'), JSON.stringify(buildManifest(plan, { findings: policyFindings(stacks), retired: [] }), null, 2));
mark('mesh-manifest.json');
writeContractFiles(outdir, plan);
mark('contract files');
const gcIn = (a: number, b: number) => gcs.filter((g) => g.startTime >= a && g.startTime < b).reduce((sum, g) => sum + g.duration, 0);
const row = (name: string, a: (typeof t)[number], b: (typeof t)[number]) =>
  console.log(`${(b[1] - a[1]).toFixed(0).padStart(7)} ms wall ${(b[2] - a[2]).toFixed(0).padStart(7)} ms cpu ${gcIn(a[1], b[1]).toFixed(0).padStart(6)} ms gc  ${name}`);
// After the GC entries have been delivered.
setTimeout(() => {
  for (let i = 1; i < t.length; i++) row(t[i][0], t[i - 1], t[i]);
  row('total', t[0], t[t.length - 1]);
  console.log(`rss ${Math.round(process.memoryUsage().rss / 1048576)} MB (output in ${join(root, 'cdktf.out.phases')})`);
}, 200);
