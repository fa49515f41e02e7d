/**
 * Rules for a consumer's `deployment`, as data: each returns the problems it
 * finds, and all run. The partition bound on `maxTasks` depends on the
 * environment and is checked in `derive/deployment.ts`.
 */
import { num } from '../derive/derived';
import type { RuleProblem } from './product-rules';

/** Fargate task sizes: CPU units → allowed memory in MiB. */
export const FARGATE_MEMORY_MIB: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

const MEMORY_SIZES = Object.values(FARGATE_MEMORY_MIB).flat();
const MIN_MEMORY_MIB = Math.min(...MEMORY_SIZES);
const MAX_MEMORY_MIB = Math.max(...MEMORY_SIZES);

/** Settings a deployment may have. */
export const DEPLOYMENT_KEYS: readonly string[] = ['image', 'cpu', 'memoryMiB', 'minTasks', 'maxTasks'];

/** The most tasks a consumer may declare (before the partition bound). */
export const MAX_TASKS_CAP = 100;

type DeploymentRule = (field: string, d: Record<string, unknown>) => RuleProblem[];

const show = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? num(v) : v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v));
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

export const DEPLOYMENT_RULES: readonly DeploymentRule[] = [
  (field, d) =>
    Object.keys(d)
      .filter((k) => !DEPLOYMENT_KEYS.includes(k))
      .map((k) => ({ field: `${field}.${k}`, message: `"${k}" is not a deployment setting.`, fix: `remove it; a deployment has ${DEPLOYMENT_KEYS.join(', ')}.` })),
  (field, d) => {
    const image = d.image;
    if (typeof image !== 'string' || !image.trim()) {
      return [{ field: `${field}.image`, message: `image is missing or empty (got ${show(image)}).`, fix: "name the container image with a pinned tag, e.g. '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger:1.4.2'." }];
    }
    if (/@sha256:[0-9a-f]{64}$/.test(image)) return [];
    const tag = /:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/.exec(image.slice(image.lastIndexOf('/') + 1))?.[1];
    if (!tag || tag === 'latest') {
      return [{ field: `${field}.image`, message: `image ${show(image)} is not pinned (${tag ? 'tag "latest"' : 'no tag'}); a redeploy could run different code.`, fix: 'pin a version tag (…/ledger:1.4.2) or a digest (…/ledger@sha256:…).' }];
    }
    return [];
  },
  (field, d) => {
    const sizes = Object.keys(FARGATE_MEMORY_MIB).map(Number);
    if (!isInt(d.cpu) || !sizes.includes(d.cpu)) {
      const out: RuleProblem[] = [{ field: `${field}.cpu`, message: `cpu ${show(d.cpu)} is not a Fargate CPU size.`, fix: `use one of ${sizes.join(', ')}.` }];
      // Reported now too, so that a second round is not needed: memory that no CPU size allows.
      const fits = sizes.filter((cpu) => FARGATE_MEMORY_MIB[cpu].includes(d.memoryMiB as number));
      if (!fits.length) {
        out.push({
          field: `${field}.memoryMiB`,
          message: `memoryMiB ${show(d.memoryMiB)} is not a size Fargate allows with any cpu (${MIN_MEMORY_MIB}–${num(MAX_MEMORY_MIB)} MiB, in steps that depend on cpu).`,
          fix: `pick cpu first, then a memoryMiB it allows: ${sizes.map((cpu) => `cpu ${cpu}: ${memoryRange(cpu)}`).join('; ')}.`,
        });
      }
      return out;
    }
    const allowed = FARGATE_MEMORY_MIB[d.cpu];
    if (!isInt(d.memoryMiB) || !allowed.includes(d.memoryMiB)) {
      return [{
        field: `${field}.memoryMiB`,
        message: `memoryMiB ${show(d.memoryMiB)} is not a size Fargate allows with cpu ${d.cpu} (${allowed[0]}–${allowed[allowed.length - 1]} MiB in steps of ${allowed.length > 1 ? allowed[1] - allowed[0] : allowed[0]}${d.cpu === 256 ? ': 512, 1024 or 2048' : ''}).`,
        fix: `set memoryMiB to one of ${allowed.length <= 4 ? allowed.join(', ') : `${allowed[0]}, ${allowed[1]}, …, ${allowed[allowed.length - 1]}`}.`,
      }];
    }
    return [];
  },
  (field, d) => {
    const out: RuleProblem[] = [];
    if (!isInt(d.minTasks) || d.minTasks < 1) out.push({ field: `${field}.minTasks`, message: `minTasks must be a whole number of at least 1, got ${show(d.minTasks)}.`, fix: 'set minTasks: 1 (a consumer that may stop should not be deployed).' });
    if (!isInt(d.maxTasks) || d.maxTasks < 1 || d.maxTasks > MAX_TASKS_CAP) {
      out.push({ field: `${field}.maxTasks`, message: `maxTasks must be a whole number from 1 to ${MAX_TASKS_CAP}, got ${show(d.maxTasks)}.`, fix: 'set maxTasks to at most the topic\'s partitions.' });
    }
    if (!out.length && (d.minTasks as number) > (d.maxTasks as number)) {
      out.push({ field: `${field}.maxTasks`, message: `maxTasks ${d.maxTasks} is below minTasks ${d.minTasks}.`, fix: `set maxTasks to ${d.minTasks} or more, or lower minTasks.` });
    }
    return out;
  },
];

/** The memory sizes a CPU size allows, as text: "512, 1024 or 2048" or "1024–4096 in steps of 1024". */
function memoryRange(cpu: number): string {
  const m = FARGATE_MEMORY_MIB[cpu];
  return m.length <= 3 ? `${m.slice(0, -1).join(', ')} or ${m[m.length - 1]}` : `${m[0]}–${m[m.length - 1]} in steps of ${m[1] - m[0]}`;
}

/** Every problem of one consumer's deployment. */
export function deploymentProblems(field: string, deployment: unknown): RuleProblem[] {
  if (typeof deployment !== 'object' || deployment === null || Array.isArray(deployment)) {
    return [{ field, message: `deployment must be an object, got ${show(deployment)}.`, fix: "write deployment: { image: '…/ledger:1.4.2', cpu: 256, memoryMiB: 512, minTasks: 1, maxTasks: 2 }." }];
  }
  return DEPLOYMENT_RULES.flatMap((rule) => rule(field, deployment as Record<string, unknown>));
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}
