/**
 * Rules for the contract's `partitions` setting (explicit growth), as data.
 * Whether a growth is allowed against the lock (never fewer) is checked with
 * the lock ({@link ../lock/partitions}).
 */
import type { RuleProblem } from './product-rules';

type Spec = Record<string, unknown>;

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v));

export const PARTITION_RULES: ReadonlyArray<(spec: Spec) => RuleProblem[]> = [
  (spec) => {
    const p = spec.partitions;
    if (p === undefined) return [];
    if (typeof p !== 'object' || p === null || Array.isArray(p)) {
      return [{ field: 'partitions', message: `partitions must be an object, got ${show(p)}.`, fix: 'write partitions: { grow: { prod: 12 } }, or remove it.' }];
    }
    const out: RuleProblem[] = [];
    for (const k of Object.keys(p)) {
      if (k !== 'grow') out.push({ field: `partitions.${k}`, message: `"${k}" is not a partitions setting.`, fix: 'the only setting is grow: { <environment>: <count> }.' });
    }
    const grow = (p as Record<string, unknown>).grow;
    if (grow === undefined) return out;
    if (typeof grow !== 'object' || grow === null || Array.isArray(grow)) {
      out.push({ field: 'partitions.grow', message: `partitions.grow must map environment names to counts, got ${show(grow)}.`, fix: 'write grow: { prod: 12 }.' });
      return out;
    }
    for (const [env, n] of Object.entries(grow)) {
      if (!Number.isInteger(n) || (n as number) < 1) {
        out.push({ field: `partitions.grow.${env}`, message: `the partition count must be a whole number of at least 1, got ${show(n)}.`, fix: `set partitions.grow.${env} to the count to grow to, e.g. 12.` });
      }
    }
    if (spec.kind === 'entity' && Object.keys(grow).length > 0) {
      out.push({
        field: 'partitions.grow',
        message: 'an entity never changes partitions within a major version: more partitions move keys to other partitions, so per-key order breaks and the compacted topic keeps stale values in the old partition.',
        fix: `remove partitions.grow; for more partitions declare the next major version as a new contract file (version: ${typeof spec.version === 'number' ? spec.version + 1 : 'n + 1'}), which creates a new topic.`,
      });
    }
    return out;
  },
];
