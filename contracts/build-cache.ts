/**
 * The project's build cache: what contract-mesh compiles between runs (the
 * product files' JavaScript, the migration function's bundle) and the two
 * helpers every entry of it uses.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
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
