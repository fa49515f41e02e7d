/**
 * The lock of one product major version, committed beside the contracts at
 * `contracts/locks/<domain>/<name>.v<version>.lock.json` (like
 * package-lock.json): every field's and enum value's protobuf number, every
 * accepted shape of the contract in order (its history), and each
 * environment's partition count as fixed at the first lock.
 */
import type { ContractVersion } from '../evolution/diff';
import type { Numbering } from '../proto/numbering';

import type { SizeRatio } from '../codec/size-sample';
export const LOCK_VERSION = 1;

/** The folder of the locks, relative to the project. */
export const LOCKS_DIR = 'contracts/locks';

/** One environment's partitions. */
export interface PartitionLock {
  /** The count fixed when the major version was first locked in this environment. */
  readonly initial: number;
  /** The count now: `initial`, or more after an explicit `partitions.grow` of an event product. */
  readonly current: number;
}

export interface ProductLock {
  readonly lockVersion: typeof LOCK_VERSION;
  /** `<domain>/<name>@v<version>`. */
  readonly product: string;
  /** Every accepted version of the contract (key, kind, shape), oldest first; the last is the current one. */
  readonly history: readonly ContractVersion[];
  /** Field and enum value numbers, including removed ones (reserved). */
  readonly numbering: Numbering;
  /** Partitions per environment name. */
  readonly partitions: Readonly<Record<string, PartitionLock>>;
  /**
   * The protobuf/JSON size ratio of the current shape, measured by `npm run contracts:lock` on a deterministic
   * sample (`codec/size-sample.ts`) when the shape was accepted, so that synth does not pay for it. The review's
   * cost section uses it; absent in a lock written before it existed (the next `contracts:lock` adds it).
   */
  readonly encoding?: SizeRatio;
}

/** The lock's path relative to the locks folder: `<domain>/<name>.v<version>.lock.json`. */
export function lockFileName(domain: string, name: string, version: number): string {
  return `${domain}/${name}.v${version}.lock.json`;
}

/** A lock as JSON text: stable key order (as built), two-space indent, final newline. */
export function serializeLock(lock: ProductLock): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}

/** Parses a lock's text; a problem message if it is not a lock. */
export function parseLock(text: string): { lock?: ProductLock; error?: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { error: `it is not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  const o = v as Partial<ProductLock> | null;
  if (typeof o !== 'object' || o === null) return { error: 'it is not a JSON object' };
  if (o.lockVersion !== LOCK_VERSION) return { error: `lockVersion is ${JSON.stringify(o.lockVersion)}, expected ${LOCK_VERSION}` };
  if (typeof o.product !== 'string') return { error: 'it names no product' };
  if (!Array.isArray(o.history) || o.history.length === 0) return { error: 'its history is empty' };
  if (typeof o.numbering !== 'object' || o.numbering === null || typeof o.numbering.fields !== 'object') return { error: 'it has no numbering' };
  if (typeof o.partitions !== 'object' || o.partitions === null) return { error: 'it has no partitions' };
  return { lock: o as ProductLock };
}

/** Deep structural equality of plain JSON values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameJson(x, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
