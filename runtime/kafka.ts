/**
 * The one door to the Kafka client. Everything in contract-mesh that talks to a
 * broker — the local mesh (`npm run mesh:apply|plan`), the broker tests and the
 * runtime (producer, consumer, sink, dead-letter replay) — goes through
 * {@link connectKafka} and the small interfaces below; nothing else imports
 * the client library.
 *
 * The implementation is KafkaJS 2.2.4 (see docs/local-mesh.md, "The Node Kafka
 * client", for why). The interfaces name Kafka's own concepts, not KafkaJS's,
 * so that another client can stand behind them.
 *
 * - connect: SASL/SCRAM-SHA-512 over TLS (the MSK path), a CA in PEM;
 * - produce: `acks=all` and the idempotent producer, always; record headers;
 * - consume: a consumer group with manual offset commits only;
 * - admin: the calls the mesh needs (topics, partitions, topic configs with
 *   each entry's source, ACLs, committed offsets).
 */
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ConfigResourceTypes,
  ConfigSource,
  Kafka,
  logLevel,
  ResourcePatternTypes,
  type Admin,
  type Consumer,
  type ConsumerRunConfig,
  type EachBatchPayload,
  type IHeaders,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';

/** How to reach and authenticate to the brokers. */
export interface KafkaConnectionOptions {
  /** `host:port` of one or more brokers. */
  readonly brokers: readonly string[];
  /** SASL/SCRAM-SHA-512 credentials of the principal to act as (`User:<username>`). */
  readonly sasl: { readonly mechanism: 'scram-sha-512'; readonly username: string; readonly password: string };
  /**
   * TLS: the PEM of the CA that signs the brokers' certificates.
   * @default - the system trust store (MSK's certificates are publicly trusted)
   */
  readonly caPem?: string;
  /**
   * The client id brokers log.
   * @default 'contract-mesh'
   */
  readonly clientId?: string;
  /**
   * How often a retriable request is retried (exponential backoff with jitter) before it fails.
   * @default 5
   */
  readonly retries?: number;
  /**
   * Milliseconds to wait for a connection (TCP + TLS).
   * @default 10000
   */
  readonly connectionTimeoutMs?: number;
  /**
   * Milliseconds to wait for a request's answer.
   * @default 30000
   */
  readonly requestTimeoutMs?: number;
}

/** A record to produce. */
export interface OutgoingRecord {
  /** The key (the partitioner hashes it, as the Java client does). `null` for none. */
  readonly key: Buffer | string | null;
  /** The value; `null` is a tombstone. */
  readonly value: Buffer | string | null;
  /** Record headers (a name may repeat: an array holds each value in order). @default - none */
  readonly headers?: Readonly<Record<string, Buffer | string | ReadonlyArray<Buffer | string>>>;
  /** A fixed partition. @default - chosen from the key */
  readonly partition?: number;
}

/** Where a produced batch landed, per partition. */
export interface ProducedBatch {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the first record of the batch in that partition. */
  readonly baseOffset: string;
}

/** An idempotent producer with `acks=all`. */
export interface KafkaProducer {
  /** Sends records to `topic`; resolves when every in-sync replica has them. */
  send(topic: string, records: readonly OutgoingRecord[]): Promise<ProducedBatch[]>;
  disconnect(): Promise<void>;
}

/** A consumed record. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  /** The record's offset (a decimal string: offsets are 64-bit). */
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer>>;
  /** Milliseconds since the epoch, as a decimal string. */
  readonly timestamp: string;
}

/**
 * The records of one partition from one fetch, in offset order, for a consumer that works a batch at a
 * time ({@link KafkaConsumer.runBatches}).
 */
export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  /** The records, in offset order (never empty). */
  readonly records: readonly ConsumedRecord[];
  /** The partition's high watermark when fetched: the offset the next record written will get. */
  readonly highWatermark: string;
  /**
   * Tells the group coordinator that this member is alive (sent only when the heartbeat interval has
   * passed, so it is cheap to call often). Long work on a batch must call it at least every few seconds,
   * or the member is dropped from the group. Rejects when the group is rebalancing: give the batch up
   * without committing (its records come again, to whichever member gets the partition).
   */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the partition was taken from this member: give the batch up. */
  isActive(): boolean;
  /**
   * Commits the partition up to `offset` (the next offset to read). Unlike {@link KafkaConsumer.commit}, it
   * still commits while the consumer is stopping — the in-flight batch's last commit before the member leaves.
   */
  commit(offset: string): Promise<void>;
}

/**
 * The batches a consumer that works a fetch at a time ({@link KafkaConsumer.runFetches}) gets together: every
 * partition's records of one fetch — and of any fetch that arrived while the previous group was worked on — at most
 * one batch per partition.
 */
export interface ConsumedFetch {
  /** One batch per partition (each in offset order, never empty), in the order the client handed them over. */
  readonly batches: readonly ConsumedBatch[];
  /** As {@link ConsumedBatch.heartbeat}. */
  heartbeat(): Promise<void>;
  /**
   * Commits several partitions in one request, each up to its `offset` (the next offset to read). Like
   * {@link ConsumedBatch.commit}, it still commits while the consumer is stopping.
   */
  commit(offsets: readonly OffsetToCommit[]): Promise<void>;
}

/**
 * How many partitions' batches of one fetch {@link KafkaConsumer.runFetches} gathers into one group (KafkaJS's
 * `partitionsConsumedConcurrently`): a fetch with more partitions than this is worked as several groups.
 */
export const FETCH_WORKERS = 64;

/** An offset to commit: the offset of the NEXT record to read in the partition (Kafka's convention). */
export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** Options of {@link KafkaClient.consumer}. */
export interface ConsumerOptions {
  /** The consumer group (the mesh's `<topic>.<consumer>`, or `<dlq>.replay`). */
  readonly groupId: string;
  /** The topics to subscribe to. */
  readonly topics: readonly string[];
  /**
   * Where a partition with no committed offset starts: the earliest record, or only new ones.
   * @default true
   */
  readonly fromBeginning?: boolean;
  /**
   * Milliseconds without a heartbeat after which the group coordinator drops the member.
   * @default 10000
   */
  readonly sessionTimeoutMs?: number;
  /**
   * Milliseconds between heartbeats to the group coordinator (a third of the session timeout or less).
   * @default 3000
   */
  readonly heartbeatIntervalMs?: number;
  /**
   * The most bytes one fetch returns per partition (the Java client's `max.partition.fetch.bytes`):
   * it bounds a batch of {@link KafkaConsumer.runBatches}, and so the memory a batch holds.
   * @default 1048576
   */
  readonly maxBytesPerPartition?: number;
}

/**
 * A member of a consumer group that commits offsets only when told to
 * ({@link KafkaConsumer.commit}): nothing is committed automatically.
 */
export interface KafkaConsumer {
  /**
   * Starts consuming: joins the group, then calls `handler` for each record, one at a time per
   * partition, in offset order. Resolves once the member has joined the group (its partitions
   * are assigned); rejects if it cannot join (e.g. the principal may not read the group).
   */
  run(handler: (record: ConsumedRecord) => Promise<void>): Promise<void>;
  /**
   * Like {@link run}, but `handler` gets each partition's fetched records as one batch (one partition
   * at a time, in offset order). When the handler resolves, the next fetch of the partition starts after
   * the batch; nothing is committed until {@link commit}. If the handler rejects with a broker error
   * (e.g. from `heartbeat()` during a rebalance) the consumer rejoins the group and the records come again.
   */
  runBatches(handler: (batch: ConsumedBatch) => Promise<void>): Promise<void>;
  /**
   * Like {@link runBatches}, but `handler` gets the batches of all partitions that one fetch brought together
   * (one call at a time), so that work such as a database transaction and an offset commit is done once per fetch
   * instead of once per partition. When the handler resolves, each partition's next fetch starts after its batch.
   */
  runFetches(handler: (fetch: ConsumedFetch) => Promise<void>): Promise<void>;
  /** Commits offsets (each the next offset to read) for the group. */
  commit(offsets: readonly OffsetToCommit[]): Promise<void>;
  /**
   * Resolves when the consumer stops by {@link stop}; rejects when it crashed (a handler threw,
   * or a non-retriable broker error), with that error.
   */
  readonly stopped: Promise<void>;
  /** Stops fetching and leaves the group; resolves when the current handler call has finished. */
  stop(): Promise<void>;
}

/** Where a topic config entry's value comes from (Kafka's `ConfigSource`). */
export type ConfigEntrySource =
  | 'DYNAMIC_TOPIC_CONFIG'
  | 'DYNAMIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'STATIC_BROKER_CONFIG'
  | 'DEFAULT_CONFIG'
  | 'DYNAMIC_BROKER_LOGGER_CONFIG'
  | 'UNKNOWN';

/** One entry of a topic's configuration as the broker reports it. */
export interface ConfigEntry {
  readonly name: string;
  /** The value; `null` for a sensitive entry. */
  readonly value: string | null;
  /** Where it comes from: only `DYNAMIC_TOPIC_CONFIG` was set on the topic itself. */
  readonly source: ConfigEntrySource;
  readonly readOnly: boolean;
}

/** A topic's partitions and replication. */
export interface TopicDescription {
  readonly name: string;
  readonly partitions: number;
  /** Replicas of each partition (the replication factor when all partitions agree). */
  readonly replicasPerPartition: readonly number[];
}

/** A topic to create. */
export interface NewTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic-level config entries. */
  readonly config: Readonly<Record<string, string>>;
}

/** An ACL binding (Kafka's `AclBinding`), names as the Mongey provider and `kafka-acls` spell them. */
export interface AclBinding {
  /** `User:<name>`. */
  readonly principal: string;
  /** `*` for any host. */
  readonly host: string;
  readonly operation: AclOperation;
  readonly permissionType: 'Allow' | 'Deny';
  readonly resourceType: AclResourceType;
  readonly resourceName: string;
  readonly patternType: 'Literal' | 'Prefixed';
}

export type AclOperation = 'All' | 'Read' | 'Write' | 'Create' | 'Delete' | 'Alter' | 'Describe' | 'ClusterAction' | 'DescribeConfigs' | 'AlterConfigs' | 'IdempotentWrite';
export type AclResourceType = 'Topic' | 'Group' | 'Cluster' | 'TransactionalID' | 'DelegationToken';

/** The administrative calls the mesh needs. */
export interface KafkaAdmin {
  /** Every topic name (internal topics included). */
  listTopics(): Promise<string[]>;
  /** Partitions and replicas of existing topics. */
  describeTopics(names: readonly string[]): Promise<TopicDescription[]>;
  /** Creates topics and waits until each partition has a leader. */
  createTopics(topics: readonly NewTopic[]): Promise<void>;
  /** Raises a topic's partition count to `total` (Kafka cannot lower it), and waits until the metadata shows it. */
  createPartitions(name: string, total: number): Promise<void>;
  /** Every config entry of each topic, with its source. */
  describeTopicConfigs(names: readonly string[]): Promise<Map<string, ConfigEntry[]>>;
  /**
   * Replaces a topic's whole set of topic-level config entries (Kafka's non-incremental
   * AlterConfigs, as the Mongey provider sends it): keys not in `config` revert to the default. Waits until a
   * read shows the new set.
   */
  replaceTopicConfig(name: string, config: Readonly<Record<string, string>>): Promise<void>;
  /** Deletes topics (the mesh never does; tests prove principals cannot). */
  deleteTopics(names: readonly string[]): Promise<void>;
  /** Every ACL binding of the cluster. */
  listAcls(): Promise<AclBinding[]>;
  /** Creates ACL bindings, and waits until a read shows them. */
  createAcls(acls: readonly AclBinding[]): Promise<void>;
  /** Deletes exactly these bindings, and waits until a read no longer shows them. */
  deleteAcls(acls: readonly AclBinding[]): Promise<void>;
  /** The group's committed offsets for a topic (`-1` where none is committed). */
  committedOffsets(groupId: string, topic: string): Promise<Array<{ partition: number; offset: string }>>;
  /**
   * Each partition's earliest offset (`low`) and the offset the next record will get (`high`, the high
   * watermark). Needs Describe on the topic.
   */
  topicOffsets(topic: string): Promise<Array<{ partition: number; low: string; high: string }>>;
  /** The cluster id and its brokers. */
  describeCluster(): Promise<{ clusterId: string; brokers: Array<{ nodeId: number; host: string; port: number }> }>;
}

/** A connection to a Kafka cluster as one principal. */
export interface KafkaClient {
  /** The principal this client authenticates as (`User:<username>`). */
  readonly principal: string;
  /** A connected idempotent producer (`acks=all`). */
  producer(): Promise<KafkaProducer>;
  /** A consumer in `groupId` with manual commits; call `run` to join and start. */
  consumer(options: ConsumerOptions): Promise<KafkaConsumer>;
  /** Runs `fn` with a connected admin client, then disconnects it. */
  withAdmin<T>(fn: (admin: KafkaAdmin) => Promise<T>): Promise<T>;
  /** Disconnects every producer, consumer and admin this client made. */
  close(): Promise<void>;
}

/** An error from the broker or the client, with Kafka's error name when the broker sent one. */
export class KafkaClientError extends Error {
  /**
   * Kafka's error name, e.g. `TOPIC_AUTHORIZATION_FAILED`, `GROUP_AUTHORIZATION_FAILED`,
   * `CLUSTER_AUTHORIZATION_FAILED`, `SASL_AUTHENTICATION_FAILED`; or `CONNECTION` when no broker answered.
   */
  readonly type: string;
  constructor(type: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaClientError';
    this.type = type;
  }
}

/** Kafka's error name inside a client error (following causes and aggregated errors), or `UNKNOWN`. */
export function kafkaErrorType(err: unknown): string {
  const seen = new Set<unknown>();
  const visit = (e: unknown): string | undefined => {
    if (!e || typeof e !== 'object' || seen.has(e)) return undefined;
    seen.add(e);
    const o = e as { type?: unknown; name?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
    if (typeof o.type === 'string' && o.type !== 'UNKNOWN') return o.type;
    if (o.name === 'KafkaJSConnectionError' || o.name === 'KafkaJSNumberOfRetriesExceeded' && /ECONNREFUSED|Connection/.test(String((o as Error).message))) return 'CONNECTION';
    if (o.name === 'KafkaJSSASLAuthenticationError') return 'SASL_AUTHENTICATION_FAILED';
    for (const inner of [o.cause, o.originalError, ...(Array.isArray(o.errors) ? o.errors : [])]) {
      const t = visit(inner);
      if (t) return t;
    }
    if (o.name === 'KafkaJSConnectionError' || o.name === 'KafkaJSBrokerNotFound') return 'CONNECTION';
    return undefined;
  };
  return visit(err) ?? 'UNKNOWN';
}

function wrap(err: unknown, what: string, coordinatorRefusal?: string): KafkaClientError {
  if (err instanceof KafkaClientError) return err;
  let type = kafkaErrorType(err);
  // KafkaJS reports a FindCoordinator refusal (e.g. GROUP_AUTHORIZATION_FAILED) only as "Failed to find group
  // coordinator"; the broker's answer was captured from its debug log (see connectKafka).
  if (type === 'UNKNOWN' && coordinatorRefusal && (err as Error)?.name === 'KafkaJSGroupCoordinatorNotFound') type = coordinatorRefusal;
  const message = err instanceof Error ? err.message : String(err);
  return new KafkaClientError(type, `${what}: ${type === 'UNKNOWN' ? '' : `${type}: `}${message}`, { cause: err });
}

async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw wrap(err, what);
  }
}

const SOURCES: Record<number, ConfigEntrySource> = {
  [ConfigSource.TOPIC_CONFIG]: 'DYNAMIC_TOPIC_CONFIG',
  [ConfigSource.DYNAMIC_BROKER_CONFIG]: 'DYNAMIC_BROKER_CONFIG',
  [ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG]: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  [ConfigSource.STATIC_BROKER_CONFIG]: 'STATIC_BROKER_CONFIG',
  [ConfigSource.DEFAULT_CONFIG]: 'DEFAULT_CONFIG',
  [ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG]: 'DYNAMIC_BROKER_LOGGER_CONFIG',
};

const OPERATIONS: Record<AclOperation, AclOperationTypes> = {
  All: AclOperationTypes.ALL,
  Read: AclOperationTypes.READ,
  Write: AclOperationTypes.WRITE,
  Create: AclOperationTypes.CREATE,
  Delete: AclOperationTypes.DELETE,
  Alter: AclOperationTypes.ALTER,
  Describe: AclOperationTypes.DESCRIBE,
  ClusterAction: AclOperationTypes.CLUSTER_ACTION,
  DescribeConfigs: AclOperationTypes.DESCRIBE_CONFIGS,
  AlterConfigs: AclOperationTypes.ALTER_CONFIGS,
  IdempotentWrite: AclOperationTypes.IDEMPOTENT_WRITE,
};
const RESOURCES: Record<AclResourceType, AclResourceTypes> = {
  Topic: AclResourceTypes.TOPIC,
  Group: AclResourceTypes.GROUP,
  Cluster: AclResourceTypes.CLUSTER,
  TransactionalID: AclResourceTypes.TRANSACTIONAL_ID,
  DelegationToken: AclResourceTypes.DELEGATION_TOKEN,
};
const PATTERNS = { Literal: ResourcePatternTypes.LITERAL, Prefixed: ResourcePatternTypes.PREFIXED } as const;
const PERMISSIONS = { Allow: AclPermissionTypes.ALLOW, Deny: AclPermissionTypes.DENY } as const;
const reverse = <K extends string, V extends number>(m: Record<K, V>) => new Map<number, K>(Object.entries(m).map(([k, v]) => [v as number, k as K]));
const OPERATION_NAMES = reverse(OPERATIONS);
const RESOURCE_NAMES = reverse(RESOURCES);
const PATTERN_NAMES = reverse(PATTERNS);
const PERMISSION_NAMES = reverse(PERMISSIONS);

function toKafkaJsAcl(a: AclBinding) {
  return {
    principal: a.principal,
    host: a.host,
    operation: OPERATIONS[a.operation],
    permissionType: PERMISSIONS[a.permissionType],
    resourceType: RESOURCES[a.resourceType],
    resourceName: a.resourceName,
    resourcePatternType: PATTERNS[a.patternType],
  };
}

function headersOf(h: IHeaders | undefined): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = Buffer.isBuffer(first) ? first : Buffer.from(first);
  }
  return out;
}

function recordOf(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  return { topic, partition, offset: message.offset, key: message.key, value: message.value, headers: headersOf(message.headers), timestamp: message.timestamp };
}

/**
 * Polls `check` until it holds (every 200 ms, at most 30 s). The admin calls that change metadata return when the
 * controller has committed the change; the broker that answers the next read may not have applied it yet, so each
 * change waits until a read shows it — as the Mongey provider does after each of its changes.
 */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new KafkaClientError('REQUEST_TIMED_OUT', `${what}: the change was accepted but did not show in the broker's metadata within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const sameAcl = (a: AclBinding, b: AclBinding) =>
  a.principal === b.principal && a.host === b.host && a.operation === b.operation && a.permissionType === b.permissionType && a.resourceType === b.resourceType && a.resourceName === b.resourceName && a.patternType === b.patternType;

function adminOf(admin: Admin): KafkaAdmin {
  const self: KafkaAdmin = {
    listTopics: () => guarded('list topics', () => admin.listTopics()),
    describeTopics: (names) =>
      guarded(`describe topics ${names.join(', ')}`, async () => {
        if (!names.length) return [];
        const { topics } = await admin.fetchTopicMetadata({ topics: [...names] });
        return topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.length,
          replicasPerPartition: [...t.partitions].sort((a, b) => a.partitionId - b.partitionId).map((p) => p.replicas.length),
        }));
      }),
    createTopics: (topics) =>
      guarded(`create topics ${topics.map((t) => t.name).join(', ')}`, async () => {
        if (!topics.length) return;
        await admin.createTopics({
          // Waited for below: KafkaJS's own wait gives up after its retries while a busy broker elects leaders.
          waitForLeaders: false,
          topics: topics.map((t) => ({
            topic: t.name,
            numPartitions: t.partitions,
            replicationFactor: t.replicationFactor,
            configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
          })),
        });
        // Like the Mongey provider: poll until every partition of every new topic has a leader.
        const names = topics.map((t) => t.name);
        const deadline = Date.now() + 60_000;
        for (;;) {
          const ready = await admin.fetchTopicMetadata({ topics: names }).then(
            (m) => m.topics.length === names.length && m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)),
            () => false,
          );
          if (ready) return;
          if (Date.now() > deadline) throw new KafkaClientError('LEADER_NOT_AVAILABLE', `topics ${names.join(', ')} were created but have no leader after 60 s`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }),
    createPartitions: (name, total) =>
      guarded(`grow ${name} to ${total} partitions`, async () => {
        await admin.createPartitions({ topicPartitions: [{ topic: name, count: total }] });
        await until(`grow ${name} to ${total} partitions`, async () => (await self.describeTopics([name]))[0]?.partitions === total);
      }),
    describeTopicConfigs: (names) =>
      guarded(`describe the configs of ${names.join(', ')}`, async () => {
        const out = new Map<string, ConfigEntry[]>();
        if (!names.length) return out;
        const r = await admin.describeConfigs({ includeSynonyms: false, resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })) });
        for (const res of r.resources) {
          if (res.errorCode) throw new KafkaClientError(String(res.errorCode), `describe the config of ${res.resourceName}: ${res.errorMessage}`);
          out.set(
            res.resourceName,
            res.configEntries.map((e) => ({ name: e.configName, value: e.isSensitive ? null : e.configValue, source: SOURCES[e.configSource] ?? 'UNKNOWN', readOnly: e.readOnly })),
          );
        }
        return out;
      }),
    replaceTopicConfig: (name, config) =>
      guarded(`set the config of ${name}`, async () => {
        await admin.alterConfigs({
          validateOnly: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name, configEntries: Object.entries(config).map(([k, value]) => ({ name: k, value })) }],
        });
        const wanted = JSON.stringify(Object.entries(config).sort());
        await until(`set the config of ${name}`, async () => {
          const entries = (await self.describeTopicConfigs([name])).get(name) ?? [];
          return JSON.stringify(entries.filter((e) => e.source === 'DYNAMIC_TOPIC_CONFIG').map((e) => [e.name, e.value]).sort()) === wanted;
        });
      }),
    deleteTopics: (names) => guarded(`delete topics ${names.join(', ')}`, () => admin.deleteTopics({ topics: [...names] })),
    listAcls: () =>
      guarded('list ACLs', async () => {
        const r = await admin.describeAcls({
          resourceType: AclResourceTypes.ANY,
          resourcePatternType: ResourcePatternTypes.ANY,
          operation: AclOperationTypes.ANY,
          permissionType: AclPermissionTypes.ANY,
        });
        const out: AclBinding[] = [];
        for (const res of r.resources) {
          for (const a of res.acls) {
            const resourceType = RESOURCE_NAMES.get(res.resourceType);
            const patternType = PATTERN_NAMES.get(res.resourcePatternType);
            const operation = OPERATION_NAMES.get(a.operation);
            const permissionType = PERMISSION_NAMES.get(a.permissionType);
            if (!resourceType || !patternType || !operation || !permissionType) continue;
            out.push({ principal: a.principal, host: a.host, operation, permissionType, resourceType, resourceName: res.resourceName, patternType });
          }
        }
        return out;
      }),
    createAcls: (acls) =>
      guarded('create ACLs', async () => {
        if (!acls.length) return;
        await admin.createAcls({ acl: acls.map(toKafkaJsAcl) });
        await until('create ACLs', async () => {
          const now = await self.listAcls();
          return acls.every((a) => now.some((b) => sameAcl(a, b)));
        });
      }),
    deleteAcls: (acls) =>
      guarded('delete ACLs', async () => {
        if (!acls.length) return;
        await admin.deleteAcls({ filters: acls.map(toKafkaJsAcl) });
        await until('delete ACLs', async () => {
          const now = await self.listAcls();
          return !acls.some((a) => now.some((b) => sameAcl(a, b)));
        });
      }),
    committedOffsets: (groupId, topic) =>
      guarded(`read the offsets of group ${groupId}`, async () => {
        const r = await admin.fetchOffsets({ groupId, topics: [topic] });
        return (r.find((t) => t.topic === topic)?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset }));
      }),
    topicOffsets: (topic) =>
      guarded(`read the offsets of topic ${topic}`, async () =>
        (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, low: p.low, high: p.high })).sort((a, b) => a.partition - b.partition),
      ),
    describeCluster: () => guarded('describe the cluster', () => admin.describeCluster()),
  };
  return self;
}

/** Connects to Kafka as one principal. Nothing is opened until a producer, consumer or admin is asked for. */
export function connectKafka(options: KafkaConnectionOptions): KafkaClient {
  const retries = options.retries ?? 5;
  const coordinatorRefusals = new Map<string, string>();
  const kafka = new Kafka({
    clientId: options.clientId ?? 'contract-mesh',
    brokers: [...options.brokers],
    ssl: options.caPem ? { ca: [options.caPem] } : true,
    sasl: { mechanism: 'scram-sha-512', username: options.sasl.username, password: options.sasl.password },
    connectionTimeout: options.connectionTimeoutMs ?? 10_000,
    authenticationTimeout: options.connectionTimeoutMs ?? 10_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: { retries, initialRetryTime: 200, maxRetryTime: 5_000 },
    // Nothing is printed. One debug entry is kept: the broker's refusal of a FindCoordinator request, which KafkaJS
    // swallows (its broker pool catches every error) and reports as "Failed to find group coordinator".
    logLevel: logLevel.DEBUG,
    logCreator: () => (entry) => {
      const log = entry.log as { message?: string; groupId?: string; error?: { type?: string } };
      if (log.message === 'Tried to find group coordinator' && log.groupId && log.error?.type) coordinatorRefusals.set(log.groupId, log.error.type);
    },
  });
  const open = new Set<{ disconnect(): Promise<void> }>();
  const track = <T extends { disconnect(): Promise<void> }>(c: T) => {
    open.add(c);
    return c;
  };

  return {
    principal: `User:${options.sasl.username}`,
    async producer() {
      // Idempotent with acks=all (-1): no duplicates or reordering from retries. One request in flight keeps
      // KafkaJS's idempotent sequence numbers in order. Write on the topic authorises InitProducerId (KIP-679).
      // KafkaJS refuses an idempotent producer that may not retry; broker refusals (authorization) are never retried.
      const producer: Producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: { retries: Math.max(1, retries), initialRetryTime: 200, maxRetryTime: 5_000 },
      });
      await guarded('connect the producer', () => producer.connect());
      track(producer);
      return {
        send: (topic, records) =>
          guarded(`produce to ${topic}`, async () => {
            const r = await producer.send({
              topic,
              acks: -1,
              messages: records.map((m) => ({
                key: m.key,
                value: m.value,
                ...(m.headers ? { headers: Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v])) as IHeaders } : {}),
                ...(m.partition !== undefined ? { partition: m.partition } : {}),
              })),
            });
            return r.map((b) => ({ topic: b.topicName, partition: b.partition, baseOffset: String(b.baseOffset ?? b.offset ?? '') }));
          }),
        disconnect: async () => {
          open.delete(producer);
          await producer.disconnect();
        },
      };
    },
    async consumer(opts) {
      const consumer: Consumer = kafka.consumer({
        groupId: opts.groupId,
        allowAutoTopicCreation: false,
        sessionTimeout: opts.sessionTimeoutMs ?? 10_000,
        heartbeatInterval: opts.heartbeatIntervalMs ?? 3_000,
        maxBytesPerPartition: opts.maxBytesPerPartition ?? 1_048_576,
        // The Java client's fetch.max.wait.ms: how long a fetch waits for records (and so how long stop() can take).
        maxWaitTimeInMs: 500,
        // A crash surfaces through `stopped` instead of a silent restart loop: the caller decides.
        retry: { retries, initialRetryTime: 200, maxRetryTime: 5_000, restartOnFailure: async () => false },
      });
      await guarded(`connect consumer of group ${opts.groupId}`, () => consumer.connect());
      track(consumer);
      let settle!: { resolve: () => void; reject: (e: unknown) => void };
      const stopped = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
      stopped.catch(() => undefined); // observed by whoever awaits it
      let stopping = false;
      /** One partition's fetched batch, as the handlers of runBatches and runFetches get it. */
      const consumedBatchOf = ({ batch, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): ConsumedBatch => ({
        topic: batch.topic,
        partition: batch.partition,
        records: batch.messages.map((m) => recordOf(batch.topic, batch.partition, m)),
        highWatermark: batch.highWatermark,
        heartbeat: () => guarded(`heartbeat of group ${opts.groupId}`, heartbeat),
        isActive: () => isRunning() && !isStale(),
        commit: (offset) =>
          guarded(`commit offsets of group ${opts.groupId}`, () =>
            commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset }] }] }),
          ),
      });
      const start = async (how: Pick<ConsumerRunConfig, 'eachMessage' | 'eachBatch' | 'eachBatchAutoResolve' | 'partitionsConsumedConcurrently'>) => {
        await guarded(`subscribe group ${opts.groupId}`, () => consumer.subscribe({ topics: [...opts.topics], fromBeginning: opts.fromBeginning ?? true }));
        const joined = new Promise<void>((resolve, reject) => {
          const offJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
            offJoin();
            resolve();
          });
          consumer.on(consumer.events.CRASH, (e) => {
            const err = wrap(e.payload.error, `consumer of group ${opts.groupId}`, coordinatorRefusals.get(opts.groupId));
            reject(err);
            settle.reject(err);
          });
        });
        joined.catch(() => undefined);
        await guarded(`start consumer of group ${opts.groupId}`, () => consumer.run({ autoCommit: false, ...how }));
        await joined;
      };
      return {
        stopped,
        async run(handler) {
          await start({
            eachMessage: async ({ topic, partition, message }) => {
              await handler(recordOf(topic, partition, message));
            },
          });
        },
        async runBatches(handler) {
          await start({
            eachBatchAutoResolve: false,
            eachBatch: async (payload) => {
              const { batch, isRunning, isStale, resolveOffset } = payload;
              if (!batch.messages.length) return;
              await handler(consumedBatchOf(payload));
              // The next fetch of the partition starts after the batch (nothing is committed here).
              if (isRunning() && !isStale()) resolveOffset(batch.lastOffset());
            },
          });
        },
        async runFetches(handler) {
          // KafkaJS hands a fetch's batches to its workers one partition each, all in the same turn of the event
          // loop when there are workers enough; they are gathered here and worked as one group. Batches that arrive
          // while a group is worked on (another broker's fetch, or a fetch with more partitions than workers) form
          // the next group: one group at a time, so the handler never runs twice at once.
          type Waiting = { batch: ConsumedBatch; commitVia: (offsets: readonly OffsetToCommit[]) => Promise<void>; resolve: () => void; reject: (e: unknown) => void };
          let waiting: Waiting[] = [];
          let draining = false;
          const drain = async () => {
            while (waiting.length) {
              const group = waiting;
              waiting = [];
              try {
                await handler({
                  batches: group.map((w) => w.batch),
                  heartbeat: () => group[0].batch.heartbeat(),
                  commit: (offsets) => group[0].commitVia(offsets),
                });
                for (const w of group) w.resolve();
              } catch (err) {
                for (const w of group) w.reject(err);
              }
            }
            draining = false;
          };
          await start({
            eachBatchAutoResolve: false,
            partitionsConsumedConcurrently: FETCH_WORKERS,
            eachBatch: async (payload) => {
              const { batch, isRunning, isStale, resolveOffset, commitOffsetsIfNecessary } = payload;
              if (!batch.messages.length) return;
              const consumed = consumedBatchOf(payload);
              const commitVia = (offsets: readonly OffsetToCommit[]) =>
                guarded(`commit offsets of group ${opts.groupId}`, () => {
                  const topics = new Map<string, Array<{ partition: number; offset: string }>>();
                  for (const o of offsets) topics.set(o.topic, [...(topics.get(o.topic) ?? []), { partition: o.partition, offset: o.offset }]);
                  return commitOffsetsIfNecessary({ topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) });
                });
              await new Promise<void>((resolve, reject) => {
                waiting.push({ batch: consumed, commitVia, resolve, reject });
                if (!draining) {
                  draining = true;
                  setImmediate(() => void drain());
                }
              });
              if (isRunning() && !isStale()) resolveOffset(batch.lastOffset());
            },
          });
        },
        commit: (offsets) =>
          guarded(`commit offsets of group ${opts.groupId}`, () => consumer.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset })))),
        async stop() {
          if (stopping) return stopped.catch(() => undefined);
          stopping = true;
          open.delete(consumer);
          await consumer.disconnect();
          settle.resolve();
        },
      };
    },
    async withAdmin(fn) {
      const admin = kafka.admin({ retry: { retries, initialRetryTime: 200, maxRetryTime: 5_000 } });
      await guarded('connect the admin client', () => admin.connect());
      track(admin);
      try {
        return await fn(adminOf(admin));
      } finally {
        open.delete(admin);
        await admin.disconnect();
      }
    },
    async close() {
      const all = [...open];
      open.clear();
      await Promise.allSettled(all.map((c) => c.disconnect()));
    },
  };
}
