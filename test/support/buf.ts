/** Runs the real `buf` from node_modules, with its cache inside the project (git-ignored `.cache/buf`). */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const PROJECT = resolve(__dirname, '..', '..');
export const BUF = join(PROJECT, 'node_modules', '.bin', 'buf');
export const BUF_CACHE_DIR = join(PROJECT, '.cache', 'buf');

export interface BufResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `buf <args>` in `cwd`. */
export function buf(args: readonly string[], cwd: string): BufResult {
  mkdirSync(BUF_CACHE_DIR, { recursive: true });
  const r = spawnSync(BUF, [...args], { cwd, encoding: 'utf8', env: { ...process.env, BUF_CACHE_DIR, NO_COLOR: '1' } });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Writes files (path → content) into a fresh temporary folder and returns it. */
export function writeTree(files: ReadonlyArray<{ path: string; content: string }>, prefix = 'contract-mesh-buf-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFiles(dir, files);
  return dir;
}

/** Writes files below `dir`. */
export function writeFiles(dir: string, files: ReadonlyArray<{ path: string; content: string }>): void {
  for (const f of files) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content);
  }
}
