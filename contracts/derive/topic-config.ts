/**
 * Topic configuration of a product and of its dead-letter topic in one
 * environment: every value with the reason for it.
 */
import type { CompiledProduct } from '../compile';
import type { EnvironmentConfig } from '../environment';
import { duration, num, type Derived } from './derived';
import { deriveDeadLetterMaxMessageBytes, deriveMaxMessageBytes } from './message-size';
import { derivePartitions } from './partitions';
import { deriveDeadLetterRetention, deriveRetention } from './retention';

/** One Kafka topic as contract-mesh wants it. */
export interface TopicPlan {
  readonly name: string;
  readonly partitions: Derived<number>;
  readonly replicationFactor: Derived<number>;
  /** Topic-level config entries that are set. */
  readonly config: Readonly<Record<string, Derived<string>>>;
  /** Config keys deliberately left to the broker's default, with the reason. */
  readonly unset: Readonly<Record<string, string>>;
}

export interface TopicPlans {
  readonly topic: TopicPlan;
  readonly deadLetter: TopicPlan;
  /** Problems that only show in this environment (e.g. retention over its bound). */
  readonly problems: ReadonlyArray<{ readonly field: string; readonly message: string; readonly fix: string }>;
}

/** Entities keep every update for at least this long before compaction may drop it. */
export const ENTITY_MIN_COMPACTION_LAG_MS = 3_600_000;

/**
 * The main topic's and the dead-letter topic's plans. `partitions` overrides
 * the derived count (the lock's count: see `contracts/lock/partitions.ts`).
 */
export function deriveTopicPlans(product: CompiledProduct, env: EnvironmentConfig, partitions: Derived<number> = derivePartitions(product, env)): TopicPlans {
  const problems: Array<{ field: string; message: string; fix: string }> = [];
  const rf = env.kafka.replicationFactor;
  const replicationFactor: Derived<number> = { value: rf, reason: `${env.name} replicates every topic ${rf}×` };
  const minIsr: Derived<string> = {
    value: String(env.kafka.minInsyncReplicas),
    reason: `${env.name}: with acks=all a write needs ${env.kafka.minInsyncReplicas} of ${rf} replicas in sync`,
  };
  const retention = deriveRetention(product, env);
  if (retention.error) problems.push({ field: 'retention', ...retention.error });

  const config: Record<string, Derived<string>> = { 'min.insync.replicas': minIsr };
  const unset: Record<string, string> = {};
  if (product.kind === 'event') {
    config['cleanup.policy'] = { value: 'delete', reason: 'an event stream is append-only: old records are deleted after the retention' };
    config['retention.ms'] = { value: String(retention.value), reason: retention.reason };
  } else {
    config['cleanup.policy'] = { value: 'compact', reason: 'an entity keeps the latest state per key: compaction drops superseded values' };
    config['delete.retention.ms'] = {
      value: String(retention.value),
      reason: `how long a deletion (tombstone) stays readable: ${retention.reason}`,
    };
    const lag = Math.min(ENTITY_MIN_COMPACTION_LAG_MS, retention.value);
    config['min.compaction.lag.ms'] = {
      value: String(lag),
      reason: `a consumer less than ${duration(lag)} behind sees every update before compaction drops it`,
    };
    if (product.classification === 'pii') {
      const bound = env.retention.pii.maxMs;
      config['max.compaction.lag.ms'] = {
        value: String(bound),
        reason: `a superseded pii value is compacted away within ${env.name}'s ${duration(bound)} pii limit`,
      };
    }
    unset['retention.ms'] = 'a compacted topic keeps the latest value of every key; retention.ms does not apply';
  }
  const maxBytes = deriveMaxMessageBytes(product.shape);
  if (maxBytes.value !== undefined) config['max.message.bytes'] = { value: String(maxBytes.value), reason: maxBytes.reason };
  else unset['max.message.bytes'] = maxBytes.reason;
  const average = product.throughput.averageMessageBytes;
  if (maxBytes.value === undefined && average > env.kafka.brokerMaxMessageBytes) {
    problems.push({
      field: 'throughput.averageMessageBytes',
      message: `an average record of ${num(average)} B is over what the brokers accept (message.max.bytes ${num(env.kafka.brokerMaxMessageBytes)} B), and the schema does not bound a record, so the topic has no larger limit of its own: most records would be refused.`,
      fix: `declare the real average size, or bound every unbounded field (.max() on strings and lists, no records) so that the topic gets a max.message.bytes of its own (at most 8 MiB).`,
    });
  }

  const dlqRetention = deriveDeadLetterRetention(retention.value, product, env);
  const dlqMax = deriveDeadLetterMaxMessageBytes(maxBytes.value, env.kafka.brokerMaxMessageBytes);
  const dlqPartitions = Math.max(1, Math.ceil(partitions.value / 4));
  const deadLetter: TopicPlan = {
    name: product.deadLetterTopic,
    partitions: {
      value: dlqPartitions,
      reason: `max(1, ⌈${partitions.value} ÷ 4⌉): dead letters are rare${partitions.value > 1 ? ', so fewer than the main topic' : ''}`,
    },
    replicationFactor,
    config: {
      'cleanup.policy': { value: 'delete', reason: 'dead letters are kept for a time, then deleted' },
      'retention.ms': { value: String(dlqRetention.value), reason: dlqRetention.reason },
      'max.message.bytes': { value: String(dlqMax.value), reason: dlqMax.reason },
      'min.insync.replicas': minIsr,
    },
    unset: {},
  };
  return {
    topic: { name: product.topic, partitions, replicationFactor, config, unset },
    deadLetter,
    problems,
  };
}
