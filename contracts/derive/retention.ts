import type { CompiledProduct } from '../compile';
import type { EnvironmentConfig } from '../environment';
import { duration, type Derived } from './derived';

/** Dead letters are kept at least this long, so that a weekend incident can still be replayed … */
export const DEAD_LETTER_MIN_RETENTION_MS = 14 * 86_400_000;
/** … and at least this many times the main topic's retention. */
export const DEAD_LETTER_RETENTION_FACTOR = 2;

export interface RetentionDecision extends Derived<number> {
  /** Set when the contract asks for more than its classification allows and the environment refuses. */
  readonly error?: { readonly message: string; readonly fix: string };
}

/**
 * The contract's retention, bounded by the environment's limit for the product's
 * classification: an error where the environment says `error`, else clamped.
 */
export function deriveRetention(product: Pick<CompiledProduct, 'retention' | 'classification'>, env: EnvironmentConfig): RetentionDecision {
  const bound = env.retention[product.classification].maxMs;
  const asked = product.retention.ms;
  if (asked <= bound) {
    return { value: asked, reason: `the contract's ${product.retention.text}, within ${env.name}'s ${duration(bound)} limit for ${product.classification} data` };
  }
  if (env.retentionOverflow === 'clamp') {
    return { value: bound, reason: `the contract asks ${product.retention.text}; clamped to ${env.name}'s ${duration(bound)} limit for ${product.classification} data` };
  }
  return {
    value: bound,
    reason: `the contract asks ${product.retention.text}, over ${env.name}'s ${duration(bound)} limit for ${product.classification} data`,
    error: {
      message: `retention of ${product.retention.text} is over ${env.name}'s limit of ${duration(bound)} for ${product.classification} data.`,
      fix: `lower retention to at most ${duration(bound)}, or reclassify the product if its classification is wrong.`,
    },
  };
}

/** max(main × 2, 14 days), clamped to the classification's bound: dead letters outlive the data they failed on, but never the policy. */
export function deriveDeadLetterRetention(mainMs: number, product: Pick<CompiledProduct, 'classification'>, env: EnvironmentConfig): Derived<number> {
  const bound = env.retention[product.classification].maxMs;
  const wanted = Math.max(mainMs * DEAD_LETTER_RETENTION_FACTOR, DEAD_LETTER_MIN_RETENTION_MS);
  const base = `max(${DEAD_LETTER_RETENTION_FACTOR} × ${duration(mainMs)}, ${duration(DEAD_LETTER_MIN_RETENTION_MS)}) = ${duration(wanted)}`;
  if (wanted <= bound) return { value: wanted, reason: base };
  return { value: bound, reason: `${base}, clamped to ${env.name}'s ${duration(bound)} limit for ${product.classification} data` };
}
