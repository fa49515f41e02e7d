/**
 * Creating, advancing and checking locks. Pure: the script
 * (`npm run contracts:lock`) and synth read and write the files.
 *
 * - {@link updateLock}: what `npm run contracts:lock` does for one product —
 *   create a missing lock, or append the current shape to the history if the
 *   evolution gate accepts it (with new numbers for new fields), and record
 *   new environments and explicit partition growth.
 * - {@link checkLock}: what synth does — never writes; fails when the lock is
 *   missing or stale, with the gate's messages when the change is rejected.
 */
import type { CompiledProduct } from '../compile';
import type { EnvironmentConfig } from '../environment';
import type { ContractVersion } from '../evolution/diff';
import { gateProblems } from '../evolution/gate';
import type { Problem } from '../problems';
import { numberShape } from '../proto/numbering';
import { LOCK_VERSION, LOCKS_DIR, lockFileName, sameJson, type PartitionLock, type ProductLock } from './lock-file';
import { nextPartitionLock } from './partitions';

export const LOCK_COMMAND = 'npm run contracts:lock';

/** The contract's current version as the history records it. */
export function versionOf(product: Pick<CompiledProduct, 'key' | 'kind' | 'shape'>): ContractVersion {
  return { key: product.key, kind: product.kind, shape: product.shape };
}

function lockPath(p: Pick<CompiledProduct, 'domain' | 'name' | 'version'>): string {
  return `${LOCKS_DIR}/${lockFileName(p.domain, p.name, p.version)}`;
}

/** The result of {@link updateLock}. */
export interface LockUpdate {
  /** The new lock (absent when refused). */
  readonly lock?: ProductLock;
  /** True when the lock is new or differs from the one given. */
  readonly changed: boolean;
  /** What changed, one line each, for the script's output. */
  readonly notes: readonly string[];
  /** Why the update is refused (the gate's messages; partition decreases). */
  readonly problems: readonly Problem[];
}

/** `npm run contracts:lock` for one product. */
export function updateLock(product: CompiledProduct, lock: ProductLock | undefined, environments: readonly EnvironmentConfig[]): LockUpdate {
  const current = versionOf(product);
  const problems: Problem[] = [];
  const notes: string[] = [];
  let history: readonly ContractVersion[];
  let numbering;
  if (!lock) {
    history = [current];
    numbering = numberShape(product.shape);
    notes.push(`${product.id}: created ${lockPath(product)}`);
  } else {
    if (lock.product !== product.id) {
      problems.push({ product: product.id, field: '(lock)', message: `${lockPath(product)} is the lock of ${lock.product}.`, fix: `rename or delete the file and run \`${LOCK_COMMAND}\` again.` });
      return { changed: false, notes, problems };
    }
    const last = lock.history[lock.history.length - 1];
    if (sameJson(last, current)) {
      history = lock.history;
      numbering = lock.numbering;
    } else {
      problems.push(...gateProblems(product, lock.history, current));
      history = [...lock.history, current];
      numbering = numberShape(product.shape, lock.numbering);
      notes.push(`${product.id}: accepted shape #${history.length} under ${product.compatibility}`);
    }
  }
  const partitions: Record<string, PartitionLock> = { ...(lock?.partitions ?? {}) };
  for (const env of environments) {
    // An environment that takes another's partitions (the local mesh takes dev's) records none of its own.
    if (env.lockedPartitionsFrom) continue;
    const r = nextPartitionLock(product, env, lock?.partitions[env.name]);
    problems.push(...r.problems);
    if (!r.entry) continue;
    const before = partitions[env.name];
    if (!before) notes.push(`${product.id}: ${env.name} partitions fixed at ${r.entry.current}`);
    else if (before.current !== r.entry.current) notes.push(`${product.id}: ${env.name} partitions grown from ${before.current} to ${r.entry.current} (partitions.grow)`);
    partitions[env.name] = r.entry;
  }
  problems.push(...unknownGrowth(product, environments));
  if (problems.length) return { changed: false, notes: [], problems };
  // The size ratio belongs to the shape: kept while the shape is the same, measured again (by lockMesh) when it changes.
  const encoding = lock && history === lock.history ? lock.encoding : undefined;
  const next: ProductLock = { lockVersion: LOCK_VERSION, product: product.id, history, numbering, partitions, ...(encoding ? { encoding } : {}) };
  return { lock: next, changed: !lock || !sameJson(lock, next), notes, problems: [] };
}

function unknownGrowth(product: CompiledProduct, environments: readonly EnvironmentConfig[]): Problem[] {
  const names = environments.map((e) => e.name);
  const problems: Problem[] = [];
  for (const env of Object.keys(product.partitionGrowth ?? {})) {
    const borrowed = environments.find((e) => e.name === env)?.lockedPartitionsFrom;
    if (!names.includes(env)) {
      problems.push({ product: product.id, field: `partitions.grow.${env}`, message: `"${env}" is not an environment (environments: ${names.join(', ')}).`, fix: 'name an environment from stacks/environments.ts.' });
    } else if (borrowed) {
      problems.push({ product: product.id, field: `partitions.grow.${env}`, message: `${env} has no partitions of its own: it uses ${borrowed}'s locked partition counts.`, fix: `remove partitions.grow.${env}; grow ${borrowed} (partitions.grow.${borrowed}) and ${env} follows.` });
    }
  }
  return problems;
}

/**
 * What synth checks for one product: the lock exists and is current (its last
 * shape is the contract's shape, every environment has partitions, no growth
 * is pending). A change the gate rejects gets the gate's messages; an
 * accepted one asks for `npm run contracts:lock`.
 */
export function checkLock(product: CompiledProduct, lock: ProductLock | undefined, environments: readonly EnvironmentConfig[]): Problem[] {
  const run = `run \`${LOCK_COMMAND}\` and commit ${lockPath(product)} with the contract`;
  if (!lock) {
    return [{ product: product.id, field: '(lock)', message: `the contract has no lock (${lockPath(product)} is missing), so its field numbers and partitions are not fixed yet.`, fix: `${run}.` }];
  }
  const update = updateLock(product, lock, environments);
  if (update.problems.length) return [...update.problems];
  if (!update.changed) return [];
  const last = lock.history[lock.history.length - 1];
  const what = sameJson(last, versionOf(product))
    ? `the lock lacks ${update.notes.map((n) => n.replace(`${product.id}: `, '')).join('; ')}`
    : 'the contract differs from the last shape in its lock (the lock is stale); the change is compatible but not yet accepted';
  return [{ product: product.id, field: '(lock)', message: `${what}.`, fix: `${run}.` }];
}
