/**
 * Times the phases of the mesh app in one process, for finding what
 * dominates (not part of `npm run bench`'s ratios):
 *
 *   cd bench/.work/n1000/mesh && npx tsx ../../../phases.ts
 */
import { performance } from 'node:perf_hooks';
import { join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? process.cwd());
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const t: Array<[string, number, number]> = [['start', performance.now(), cpu()]];
const mark = (name: string) => t.push([name, performance.now(), cpu()]);
/* eslint-disable @typescript-eslint/no-require-imports */
const { App } = require(join(root, 'node_modules', 'cdktf')) as typeof import('cdktf');
const { discoverProducts } = require(join(root, 'contracts', 'discover')) as typeof import('../contracts/discover');
const { planMesh } = require(join(root, 'contracts', 'mesh')) as typeof import('../contracts/mesh');
const { buildStacks } = require(join(root, 'stacks', 'app')) as typeof import('../stacks/app');
const { buildManifest } = require(join(root, 'stacks', 'manifest')) as typeof import('../stacks/manifest');
const { ENVIRONMENTS } = require(join(root, 'stacks', 'environments')) as typeof import('../stacks/environments');
mark('load framework and toolkit');
const found = discoverProducts(join(root, 'contracts', 'products'), root);
mark(`discover ${found.entries.length} products`);
const plan = planMesh(found.entries, ENVIRONMENTS);
mark('planMesh');
const app = new App({ outdir: join(root, 'cdktf.out.phases'), stackTraces: false });
buildStacks(app, plan);
mark('buildStacks');
app.synth();
mark('app.synth');
JSON.stringify(buildManifest(plan), null, 2);
mark('buildManifest + stringify');
const row = (name: string, a: (typeof t)[number], b: (typeof t)[number]) => console.log(`${(b[1] - a[1]).toFixed(0).padStart(7)} ms wall ${(b[2] - a[2]).toFixed(0).padStart(7)} ms cpu  ${name}`);
for (let i = 1; i < t.length; i++) row(t[i][0], t[i - 1], t[i]);
row('total', t[0], t[t.length - 1]);
console.log(` heap used ${Math.round(process.memoryUsage().heapUsed / 1048576)} MB, rss ${Math.round(process.memoryUsage().rss / 1048576)} MB`);
