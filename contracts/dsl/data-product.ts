import type { z } from 'zod';

/** `event`: an append-only stream of facts. `entity`: the latest state per key (a compacted topic). */
export type ProductKind = 'event' | 'entity';
/** How sensitive the data is; bounds retention per environment. */
export type Classification = 'public' | 'internal' | 'confidential' | 'pii';
/** Schema-evolution mode, with the meaning of Confluent Schema Registry's transitive modes. */
export type Compatibility = 'BACKWARD' | 'FORWARD' | 'FULL' | 'NONE';
/** A Kafka principal, always `User:<name>`. */
export type Principal = `User:${string}`;

export const PRODUCT_KINDS: readonly ProductKind[] = ['event', 'entity'];
export const CLASSIFICATIONS: readonly Classification[] = ['public', 'internal', 'confidential', 'pii'];
export const COMPATIBILITIES: readonly Compatibility[] = ['BACKWARD', 'FORWARD', 'FULL', 'NONE'];

/** Who owns the product. */
export interface OwnerSpec {
  /** The owning team. */
  readonly team: string;
  /** Where alarms and questions go (an e-mail address or a distribution list). */
  readonly contact: string;
  /**
   * The owner's Kafka principal. When given, it may read the dead-letter topic and
   * use the replay group `<dlq topic>.replay`, so that someone can inspect and replay dead letters.
   * @default - no one can read the dead-letter topic
   */
  readonly principal?: Principal;
  /**
   * Let the owner replay dead letters (`npm run dlq:replay`): adds the owner principal's Write and
   * Describe on the product's main topic, an ACL the review shows like any other. Needs `principal`.
   * Without it the owner can read and inspect dead letters, but not re-produce them.
   * @default false
   */
  readonly replay?: boolean;
}

/** The one principal that writes the product. */
export interface ProducerSpec {
  /** The producer's Kafka principal. */
  readonly principal: Principal;
}

/** A team or service that reads the product. */
export interface ConsumerSpec {
  /** The consumer's name: `^[a-z][a-z0-9-]*$`, at most 20 characters; its consumer group is `<topic>.<name>`. */
  readonly name: string;
  /** The consumer's Kafka principal. */
  readonly principal: Principal;
  /**
   * Where the consumer writes the product, when contract-mesh should provision it:
   * `{ postgres: { mode: 'upsert' } }` gives the consumer its own table (one row per key,
   * latest wins, tombstones delete) in the domain's Postgres schema, a login role and the
   * migrations; `mode: 'append'` keeps one row per record. See docs/postgres-sinks.md.
   * @default - no sink: the consumer only reads the topic
   */
  readonly sink?: SinkSpec;
  /**
   * Run the consumer as an ECS Fargate service, wired to exactly this product's topic,
   * dead-letter topic and group (and, for a sink, its table), with its secrets by ARN.
   * @default - not deployed by contract-mesh
   */
  readonly deployment?: DeploymentSpec;
}

/** A consumer's service: image, size and scaling bounds. */
export interface DeploymentSpec {
  /** The container image, pinned by tag (not `latest`) or digest, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger:1.4.2`. */
  readonly image: string;
  /** Fargate CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384. */
  readonly cpu: number;
  /** Task memory in MiB; must be a size Fargate allows for `cpu`. */
  readonly memoryMiB: number;
  /** The fewest tasks, at least 1. */
  readonly minTasks: number;
  /** The most tasks, at least `minTasks`; more than the topic's partitions is an error in production. */
  readonly maxTasks: number;
}

/**
 * Exempts one resource of this product from one policy rule (`CM-…`), with the reason.
 * Suppressions are recorded in `mesh-manifest.json` and shown in the review.
 */
export interface SuppressionSpec {
  /** The rule's ID, e.g. `'CM-TOPIC-4'` (see docs/review-and-guardrails.md). */
  readonly rule: string;
  /**
   * Which of the product's resources: `'topic'`, `'deadLetter'`, `'acls'`, or the construct
   * path below the product (e.g. `'Acls/User:x|Topic|t|Read'`) for one resource.
   */
  readonly resource: string;
  /** Why the exemption is safe: at least 10 characters, shown to every reviewer. */
  readonly reason: string;
}

/** How a Postgres sink keeps records: `upsert` (one row per key, latest wins) or `append` (one row per record). */
export type PostgresSinkMode = 'upsert' | 'append';
export const POSTGRES_SINK_MODES: readonly PostgresSinkMode[] = ['upsert', 'append'];

/** A sink a consumer declares. */
export interface SinkSpec {
  /** Sink the product into the environment's PostgreSQL database. */
  readonly postgres: {
    /** `upsert`: one row per key, newest offset wins, tombstones delete. `append`: one row per record. */
    readonly mode: PostgresSinkMode;
  };
}

/** How long records are kept: exactly one of `days` or `hours`. */
export type RetentionSpec = { readonly days: number; readonly hours?: never } | { readonly hours: number; readonly days?: never };

/** The expected load, from which partitions are derived. */
export interface ThroughputSpec {
  /** Peak messages per second across the topic. */
  readonly peakMessagesPerSecond: number;
  /** Average serialized size of one record, in bytes. */
  readonly averageMessageBytes: number;
}

/**
 * An explicit request for more partitions. Partitions are fixed per
 * environment when a major version is first locked and never change by
 * themselves: adding partitions to a keyed topic moves keys to other
 * partitions (per-key order breaks across the change), so only an `event`
 * product may grow, and only when its contract asks for it here; fewer is
 * impossible (the topic would be destroyed and re-created).
 */
export interface PartitionsSpec {
  /**
   * The partition count to grow to, per environment name (e.g. `{ prod: 12 }`);
   * `npm run contracts:lock` records it in the lock. Must be at least the
   * locked count; an `entity` may not grow within a major version.
   * @default - no growth: the locked counts
   */
  readonly grow?: Readonly<Record<string, number>>;
}

/** Everything a domain team declares about one major version of a data product. */
export interface DataProductSpec<S extends z.ZodObject = z.ZodObject> {
  /** The owning domain: `^[a-z][a-z0-9-]*$`, at most 24 characters; names the stack `<domain>-<env>`. */
  readonly domain: string;
  /** The product's name within its domain: `^[a-z][a-z0-9-]*$`, at most 32 characters. */
  readonly name: string;
  /** Major version, a positive integer (at most 999); part of the topic name `<domain>.<name>.v<version>`. */
  readonly version: number;
  /** One sentence on what the product carries. */
  readonly description: string;
  /** Who owns it. */
  readonly owner: OwnerSpec;
  /** Who writes it. */
  readonly producer: ProducerSpec;
  /** `event` (append-only, delete policy) or `entity` (latest state per key, compacted). */
  readonly kind: ProductKind;
  /** The record key: a required top-level scalar field of the schema. */
  readonly key: Extract<keyof z.infer<S>, string>;
  /** The record's schema, a `z.object`. */
  readonly schema: S;
  /** How long records (events) or tombstones (entities) are kept. */
  readonly retention: RetentionSpec;
  /** The expected load. */
  readonly throughput: ThroughputSpec;
  /** How sensitive the data is. */
  readonly classification: Classification;
  /**
   * The schema-evolution mode.
   * @default 'BACKWARD'
   */
  readonly compatibility?: Compatibility;
  /**
   * Who reads the product.
   * @default - no consumers
   */
  readonly consumers?: readonly ConsumerSpec[];
  /**
   * Expected number of distinct keys (entities): the review's storage estimate is
   * key cardinality × size × replication.
   * @default - unknown: the review's estimate for an entity is an upper bound
   */
  readonly keyCardinality?: number;
  /**
   * Policy rules this product's resources are exempt from, one resource each, with a reason.
   * @default - none
   */
  readonly suppressions?: readonly SuppressionSpec[];
  /**
   * Explicit partition growth (events only); see {@link PartitionsSpec}.
   * @default - partitions as fixed by the lock at the first lock
   */
  readonly partitions?: PartitionsSpec;
}

const BRAND = Symbol.for('contract-mesh/data-product');

/** A declared data product: the contract as written, not yet validated. */
export interface DataProduct<S extends z.ZodObject = z.ZodObject> {
  readonly spec: DataProductSpec<S>;
  readonly [BRAND]: true;
}

/**
 * Declares a data product. It never throws: every problem of every product is
 * reported together when the mesh is compiled (`npm run synth`).
 */
export function defineDataProduct<S extends z.ZodObject>(spec: DataProductSpec<S>): DataProduct<S> {
  return Object.freeze({ spec, [BRAND]: true as const });
}

/** True for a value made by {@link defineDataProduct}. */
export function isDataProduct(value: unknown): value is DataProduct {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
