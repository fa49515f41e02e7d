/**
 * Partitions under the lock: fixed per environment at the first lock, never
 * changed by a new derivation (a throughput change shows in the reason only),
 * grown only by an event contract's explicit `partitions.grow`, never shrunk.
 */
import type { CompiledProduct } from '../compile';
import { count, type Derived } from '../derive/derived';
import { derivePartitions } from '../derive/partitions';
import type { EnvironmentConfig } from '../environment';
import type { Problem } from '../problems';
import type { PartitionLock } from './lock-file';

type Subject = Pick<CompiledProduct, 'id' | 'kind' | 'version' | 'throughput' | 'partitionGrowth'>;

/** The partitions a lock would record for an environment: a first lock, or an existing entry with the contract's growth applied. */
export function nextPartitionLock(product: Subject, env: EnvironmentConfig, existing: PartitionLock | undefined): { entry?: PartitionLock; problems: Problem[] } {
  const grow = product.partitionGrowth?.[env.name];
  const initial = existing?.initial ?? derivePartitions(product, env).value;
  const current = existing?.current ?? initial;
  if (grow === undefined || grow === current) return { entry: { initial, current }, problems: [] };
  if (product.kind === 'entity') {
    return { problems: [{ product: product.id, field: `partitions.grow.${env.name}`, message: `an entity never changes partitions within a major version (locked: ${current} in ${env.name}).`, fix: `remove partitions.grow.${env.name}; declare the next major version (version: ${product.version + 1}) for more partitions.` }] };
  }
  if (grow < current) {
    return {
      problems: [{
        product: product.id,
        field: `partitions.grow.${env.name}`,
        message: `asks for ${grow} partitions in ${env.name}, fewer than the ${current} locked; Kafka cannot remove partitions and the provider would destroy and re-create the topic (all data lost).`,
        fix: `set partitions.grow.${env.name} to ${current} or more, or remove it.`,
      }],
    };
  }
  return { entry: { initial, current: grow }, problems: [] };
}

/** The plan's partition count from a lock entry, with the reason (quoting what a fresh derivation would give). */
export function lockedPartitions(product: Subject, env: EnvironmentConfig, entry: PartitionLock): Derived<number> {
  const derived = derivePartitions(product, env);
  const from = env.lockedPartitionsFrom;
  if (from) {
    const inner = lockedPartitions(product, { ...env, name: from, lockedPartitionsFrom: undefined }, entry);
    return { value: inner.value, reason: `${env.name} takes ${from}'s locked partitions: ${inner.reason}` };
  }
  const now = derived.value === entry.current ? `derivation agrees (${derived.reason})` : `derived now would be ${derived.value} (${derived.reason}), but partitions never change by themselves`;
  if (entry.current === entry.initial) {
    return { value: entry.current, reason: `${count(entry.current, 'partition')}: fixed by the lock at v${product.version}'s first lock; ${now}` };
  }
  return {
    value: entry.current,
    reason: `${count(entry.current, 'partition')}: grown from ${entry.initial} (fixed at v${product.version}'s first lock) by the contract's partitions.grow.${env.name} — DANGER: the growth moved keys to other partitions, so per-key order broke across it; ${now}`,
  };
}

/**
 * What to do for more partitions once they are locked: an event grows them explicitly (`partitions.grow`,
 * then `npm run contracts:lock`); an entity needs its next major version (a new topic).
 */
export function morePartitionsRemedy(product: Pick<CompiledProduct, 'kind' | 'version'>, env: EnvironmentConfig, wanted: number): string {
  return product.kind === 'event'
    ? `add partitions: { grow: { ${env.name}: ${wanted} } } to the contract and run \`npm run contracts:lock\` (Kafka adds partitions in place, but keys move to other partitions, so per-key order breaks across the growth)`
    : `declare the next major version (a new contract file with version: ${product.version + 1}, a new topic), since an entity never changes partitions within a major version`;
}

/**
 * A warning when the contract's throughput now derives more partitions than the lock keeps: both numbers and
 * the remedy. Partitions never follow the throughput by themselves once locked (a silent change would move keys).
 */
export function partitionWarning(product: Subject & Pick<CompiledProduct, 'throughput'>, env: EnvironmentConfig, entry: PartitionLock): string | undefined {
  const derived = derivePartitions(product, env);
  if (derived.value <= entry.current) return undefined;
  return `${product.id} in ${env.name}: the contract's throughput now derives ${count(derived.value, 'partition')} (${derived.reason}), but the lock keeps ${entry.current} (fixed at v${product.version}'s first lock${entry.current !== entry.initial ? `, grown from ${entry.initial}` : ''}); the topic is smaller than its declared peak needs. To carry it, ${morePartitionsRemedy(product, env, derived.value)}; if the peak was overstated, lower throughput to what the topic carries.`;
}
