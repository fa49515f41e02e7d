/**
 * Runs a command and measures it: wall time, CPU time of the whole process
 * tree (GNU time's user + system, which include every waited-for
 * descendant), the largest single process's peak RSS (GNU time's %M) and the
 * peak of the whole tree's RSS, summed over every live descendant, sampled
 * from /proc every `sampleMs`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measurement {
  /** Wall time, from spawn to exit, in ms. */
  readonly wallMs: number;
  /** User + system CPU of the whole tree, in ms. */
  readonly cpuMs: number;
  /** Peak RSS of the largest single process, in bytes. */
  readonly maxProcessRss: number;
  /** Peak of the summed RSS of all processes of the tree, in bytes (shared pages count once per process). */
  readonly treePeakRss: number;
  readonly exitCode: number;
  /** stdout and stderr, interleaved. */
  readonly output: string;
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  readonly cwd: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default 25 */
  readonly sampleMs?: number;
}

const PAGE = 4096;

/** Samples the summed RSS of a process and all its descendants. */
class TreeSampler {
  private readonly ppid = new Map<number, number>();
  private readonly inTree = new Map<number, boolean>();
  peak = 0;

  constructor(private readonly root: number) {}

  sample(): void {
    let total = 0;
    let names: string[];
    try {
      names = readdirSync('/proc');
    } catch {
      return;
    }
    for (const name of names) {
      const c = name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const pid = Number(name);
      if (!this.member(pid)) continue;
      try {
        const statm = readFileSync(`/proc/${pid}/statm`, 'latin1');
        total += Number(statm.split(' ')[1]) * PAGE;
      } catch {
        // exited between listing and reading
      }
    }
    if (total > this.peak) this.peak = total;
  }

  private parent(pid: number): number | undefined {
    let p = this.ppid.get(pid);
    if (p !== undefined) return p;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return undefined;
    }
    this.ppid.set(pid, p);
    return p;
  }

  private member(pid: number): boolean {
    if (pid === this.root) return true;
    const known = this.inTree.get(pid);
    if (known !== undefined) return known;
    const chain: number[] = [];
    let cur: number | undefined = pid;
    let result = false;
    while (cur !== undefined && cur > 1) {
      if (cur === this.root) {
        result = true;
        break;
      }
      const k = this.inTree.get(cur);
      if (k !== undefined) {
        result = k;
        break;
      }
      chain.push(cur);
      cur = this.parent(cur);
    }
    // A process keeps its parent (until it is re-parented on the parent's exit), so the answer is cached.
    for (const p of chain) this.inTree.set(p, result);
    return result;
  }
}

/** Runs `command args` under GNU time, sampling the tree's memory. */
export function measure(command: string, args: readonly string[], options: MeasureOptions): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-bench-'));
  const timeFile = join(dir, 'time');
  const sampleMs = options.sampleMs ?? 25;
  return new Promise((resolvePromise, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, command, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => chunks.push(b));
    const sampler = new TreeSampler(child.pid as number);
    const timer = setInterval(() => sampler.sample(), sampleMs);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(err);
    });
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      clearInterval(timer);
      const text = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '' : '';
      rmSync(dir, { recursive: true, force: true });
      const [user, sys, maxKb] = text.split(' ').map(Number);
      resolvePromise({
        wallMs,
        cpuMs: ((user || 0) + (sys || 0)) * 1000,
        maxProcessRss: (maxKb || 0) * 1024,
        treePeakRss: Math.max(sampler.peak, (maxKb || 0) * 1024),
        exitCode: code ?? 1,
        output: Buffer.concat(chunks).toString('utf8'),
      });
    });
  });
}
