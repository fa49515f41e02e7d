/**
 * Reading and writing lock files under a locks folder (by default
 * `contracts/locks/`). The only part of the lock that touches the disk.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { Problem } from '../problems';
import { lockFileName, parseLock, serializeLock, type ProductLock } from './lock-file';

/** Every lock below `dir`, by product id; a file that is not a lock is a problem naming it. */
export function readLocks(dir: string, root: string = process.cwd()): { locks: Map<string, ProductLock>; problems: Problem[] } {
  const locks = new Map<string, ProductLock>();
  const problems: Problem[] = [];
  if (!existsSync(dir)) return { locks, problems };
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.lock.json') ? [join(d, e.name)] : []));
  for (const file of walk(dir).sort()) {
    const rel = relative(root, file).split(sep).join('/');
    const { lock, error } = parseLock(readFileSync(file, 'utf8'));
    if (!lock) {
      problems.push({ product: rel, field: '(lock)', message: `the lock file cannot be read: ${error}.`, fix: 'restore it from version control (git checkout), or delete it and run `npm run contracts:lock` for a new major version that was never deployed.' });
      continue;
    }
    const m = /^(.+)\/(.+)@v(\d+)$/.exec(lock.product);
    const expected = m ? lockFileName(m[1], m[2], Number(m[3])) : undefined;
    if (!expected || relative(dir, file).split(sep).join('/') !== expected) {
      problems.push({ product: rel, field: '(lock)', message: `the lock of ${lock.product} is in the wrong place.`, fix: `move it to ${expected ?? '<domain>/<name>.v<version>.lock.json'} below ${relative(root, dir) || '.'}.` });
      continue;
    }
    locks.set(lock.product, lock);
  }
  return { locks, problems };
}

/** Writes one lock to `<dir>/<domain>/<name>.v<version>.lock.json`; returns the path. */
export function writeLock(dir: string, domain: string, name: string, version: number, lock: ProductLock): string {
  const file = join(dir, lockFileName(domain, name, version));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, serializeLock(lock));
  return file;
}
