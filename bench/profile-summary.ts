/**
 * Summarizes V8 `.cpuprofile` files (from `node --cpu-prof`, or `npm run bench
 * -- --profile`): self time by package or project file, the top functions by
 * self time, and the inclusive time of the synth phases.
 *
 *   npx tsx bench/profile-summary.ts <profile file or folder> [top]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Inclusive time of these functions is reported (the app's phases). */
const PHASES = ['discoverProducts', 'planMesh', 'findCollisions', 'compileProduct', 'deriveTopicPlans', 'deriveAcls', 'buildStacks', 'DomainStack', 'synth', 'buildManifest', 'toTerraform', 'resolve', 'writeFileSync', 'require'];

function where(url: string): string {
  if (!url) return '(native/gc)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const m = url.match(/\/(contracts\/products)\//);
  if (m) return 'contracts/products/* (generated)';
  const p = url.match(/\/((?:contracts|constructs|stacks|\.gen|bench)\/.*|main\.ts)$/);
  return p ? p[1] : url;
}

function summarize(file: string, top: number): void {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const total = (prof.endTime - prof.startTime) / 1000;
  console.log(`\n${file}: ${total.toFixed(0)} ms sampled`);

  const byWhere = new Map<string, number>();
  const byFn = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id) as ProfileNode;
    const w = where(n.callFrame.url);
    byWhere.set(w, (byWhere.get(w) ?? 0) + us);
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${w}:${n.callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
  }
  const show = (m: Map<string, number>, k: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, k).forEach(([name, us]) => console.log(`  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`));
  console.log(' self time by package / file:');
  show(byWhere, top);
  console.log(' self time by function:');
  show(byFn, top);

  // Inclusive time of each phase: samples whose stack contains the function (counted once per sample).
  const inclusive = new Map<string, number>();
  const stackPhases = new Map<number, Set<string>>();
  const phasesOf = (id: number): Set<string> => {
    const cached = stackPhases.get(id);
    if (cached) return cached;
    const n = byId.get(id) as ProfileNode;
    const up = parent.has(id) ? phasesOf(parent.get(id) as number) : new Set<string>();
    const fn = n.callFrame.functionName;
    const own = PHASES.includes(fn) && !n.callFrame.url.includes('node_modules/typescript') ? new Set([...up, fn]) : up;
    stackPhases.set(id, own);
    return own;
  };
  prof.samples.forEach((id, i) => {
    for (const ph of phasesOf(id)) inclusive.set(ph, (inclusive.get(ph) ?? 0) + (prof.timeDeltas[i] ?? 0));
  });
  console.log(' inclusive time of phases:');
  show(inclusive, PHASES.length);
}

const [target, topArg] = process.argv.slice(2);
if (!target) {
  console.error('usage: npx tsx bench/profile-summary.ts <profile file or folder> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const list = statSync(target).isDirectory()
  ? readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(target, f))
  : [target];
for (const f of list) summarize(f, top);
