/**
 * The project's build cache: what contract-mesh compiles between runs (the
 * product files' JavaScript, the migration function's bundle) and the two
 * helpers every entry of it uses.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where contract-mesh keeps what it compiles between runs: the project's `node_modules/.cache/contract-mesh` (the user's own, and gone with `node_modules`). */
export function defaultCacheDir(root: string): string {
  return join(root, 'node_modules', '.cache', 'contract-mesh');
}

/** The SHA-256 of `data`, in hex. */
export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Writes a file under a temporary name and renames it into place, so that no reader ever sees half of it. */
export function writeAtomically(file: string, data: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, file);
}

/** How long an entry of the build cache may go unused before a run that writes a sibling entry deletes it: a week. */
export const UNUSED_FOR_MS = 7 * 24 * 3600 * 1000;

/** Marks a cache entry (file or folder) as used now, by its modification time. Best effort. */
export function markUsed(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // A cache entry that cannot be marked is at worst rebuilt later.
  }
}

/**
 * Deletes the entries of `dir` (files or folders) whose name matches `pattern`, except `keep`, that were not used
 * (see {@link markUsed}) for {@link UNUSED_FOR_MS}. Best effort: called when an entry is written, never on a hit.
 */
export function pruneUnused(dir: string, pattern: RegExp, keep: string): void {
  try {
    const now = Date.now();
    for (const name of readdirSync(dir)) {
      const entry = join(dir, name);
      if (pattern.test(name) && entry !== keep && now - statSync(entry).mtimeMs > UNUSED_FOR_MS) rmSync(entry, { recursive: true, force: true });
    }
  } catch {
    // ignored: pruning is housekeeping
  }
}
