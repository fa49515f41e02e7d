/** Rules over Kafka topics (`kafka_topic`). */
import { duration } from '../../derive/derived';
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, topicOwner, type PolicyRule } from '../rule';

const TOPIC = { kinds: ['resource'] as const, types: ['kafka_topic'] };
const configOf = (c: Readonly<Record<string, unknown>>): Record<string, string> => (c.config && typeof c.config === 'object' ? (c.config as Record<string, string>) : {});

/** CM-TOPIC-1: a product topic has its dead-letter topic in the same stack. */
export const TOPIC_HAS_DEAD_LETTER: PolicyRule = {
  id: 'CM-TOPIC-1',
  level: 'error',
  message: 'Every product topic has a dead-letter topic.',
  explanation: 'A record that fails the contract or cannot be processed goes to `<topic>.dlq`; without it the producer or consumer must drop it or block the partition.',
  appliesTo: TOPIC,
  check: (r, ctx) => {
    const owner = topicOwner(r.config.name, ctx);
    if (!owner || owner.role !== 'topic') return NOT_APPLICABLE;
    const dlq = owner.plan.product.deadLetterTopic;
    return ctx.resources.some((x) => x.type === 'kafka_topic' && x.config.name === dlq)
      ? COMPLIANT
      : nonCompliant(`topic "${String(r.config.name)}" has no dead-letter topic "${dlq}" in stack ${ctx.stack}.`);
  },
};

/** CM-TOPIC-2: production topics are replicated at least 3 times. */
export const PROD_REPLICATION: PolicyRule = {
  id: 'CM-TOPIC-2',
  level: 'error',
  message: 'A production topic has replication_factor ≥ 3.',
  explanation: 'With fewer than 3 replicas one broker outage plus one maintenance restart loses writes or data.',
  appliesTo: TOPIC,
  check: (r, ctx) => {
    if (!ctx.environment.production) return NOT_APPLICABLE;
    const rf = Number(r.config.replication_factor);
    return rf >= 3 ? COMPLIANT : nonCompliant(`topic "${String(r.config.name)}" has replication_factor ${String(r.config.replication_factor)}; production needs at least 3.`);
  },
};

/** CM-TOPIC-3: production topics need 2 in-sync replicas for a write. */
export const PROD_MIN_INSYNC: PolicyRule = {
  id: 'CM-TOPIC-3',
  level: 'error',
  message: 'A production topic has min.insync.replicas ≥ 2.',
  explanation: 'With acks=all and min.insync.replicas=1, an acknowledged write can live on one broker only and be lost with it.',
  appliesTo: TOPIC,
  check: (r, ctx) => {
    if (!ctx.environment.production) return NOT_APPLICABLE;
    const v = configOf(r.config)['min.insync.replicas'];
    return v !== undefined && Number(v) >= 2
      ? COMPLIANT
      : nonCompliant(`topic "${String(r.config.name)}" has min.insync.replicas ${v ?? 'unset (broker default, usually 1)'}; production needs at least 2.`);
  },
};

/** CM-TOPIC-4: retention stays within the environment's bound for the product's classification. */
export const RETENTION_WITHIN_BOUNDS: PolicyRule = {
  id: 'CM-TOPIC-4',
  level: 'error',
  message: "A product's topics keep data no longer than the environment allows for its classification.",
  explanation: 'retention.ms, delete.retention.ms and max.compaction.lag.ms must be set and at most the bound for the classification; an unset retention.ms on a delete-policy topic falls back to the broker default, which the classification does not bound.',
  appliesTo: TOPIC,
  check: (r, ctx) => {
    const owner = topicOwner(r.config.name, ctx);
    if (!owner) return NOT_APPLICABLE;
    const cls = owner.plan.product.classification;
    const bound = ctx.environment.retention[cls].maxMs;
    const cfg = configOf(r.config);
    const problems: string[] = [];
    const policy = cfg['cleanup.policy'] ?? 'delete';
    if (policy.includes('delete') && cfg['retention.ms'] === undefined) problems.push('retention.ms is unset (broker default applies)');
    for (const key of ['retention.ms', 'delete.retention.ms', 'max.compaction.lag.ms']) {
      const v = cfg[key];
      if (v === undefined) continue;
      const ms = Number(v);
      if (!(ms >= 0) || ms > bound) problems.push(`${key} is ${v}${ms > 0 ? ` (${duration(ms)})` : ms < 0 ? ' (forever)' : ''}`);
    }
    if (policy.includes('compact') && cls === 'pii' && cfg['max.compaction.lag.ms'] === undefined) problems.push('max.compaction.lag.ms is unset, so superseded pii values may be kept forever');
    return problems.length === 0
      ? COMPLIANT
      : nonCompliant(`topic "${String(r.config.name)}" (${cls}): ${problems.join('; ')}; ${ctx.environment.name} allows at most ${duration(bound)} (${bound} ms).`);
  },
};

/** CM-TOPIC-5: a topic in a domain stack comes from a contract. */
export const TOPIC_FROM_CONTRACT: PolicyRule = {
  id: 'CM-TOPIC-5',
  level: 'warning',
  message: 'Every topic is derived from a contract.',
  explanation: 'A hand-made topic has no owner, classification or retention bound, and no review can say what it carries.',
  appliesTo: TOPIC,
  check: (r, ctx) => (topicOwner(r.config.name, ctx) ? COMPLIANT : nonCompliant(`topic "${String(r.config.name)}" is not the topic or dead-letter topic of any contract in stack ${ctx.stack}.`)),
};

export const TOPIC_RULES: readonly PolicyRule[] = [TOPIC_HAS_DEAD_LETTER, PROD_REPLICATION, PROD_MIN_INSYNC, RETENTION_WITHIN_BOUNDS, TOPIC_FROM_CONTRACT];
