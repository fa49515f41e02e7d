/**
 * The contract consumer: reads a product's topic as one of its consumers, in
 * the consumer's own group `<topic>.<consumer>`, and trusts nothing it reads.
 *
 * - Every record is decoded and checked against the contract. An undecodable
 *   record, a contract violation, or a tombstone on an event topic goes to the
 *   dead-letter topic with the envelope (source topic, partition, offset) and
 *   consumption goes on: a bad record never stops the partition.
 * - A handler error is retried with bounded, jittered backoff (heartbeating,
 *   so the member keeps its partitions), never dead-lettered — unless the
 *   handler throws a {@link PoisonRecordError}: then the record is
 *   dead-lettered and consumption goes on.
 * - Offsets are committed only after the handler succeeded (or the record was
 *   dead-lettered): after each batch, and before each backoff wait.
 * - SIGTERM (and SIGINT) finish the in-flight record, commit and leave the
 *   group within {@link CONSUMER_SHUTDOWN_BUDGET_MS} — inside the container's
 *   `stopTimeout` (constructs/aws/consumer-service.ts).
 *
 * The batch engine below ({@link startContractConsumer}) is shared with the
 * Postgres sink, which writes each batch in one transaction.
 */
import type { ContractViolation } from '../contracts/codec';
import type { CompiledConsumer } from '../contracts/compile';
import { CONSUMER_SHUTDOWN_BUDGET_MS } from '../contracts/derive/consumer-shutdown';
import type { DataProduct } from '../contracts/dsl/data-product';
import type { ProductLock } from '../contracts/lock/lock-file';
import { backoffDelay, pause, type BackoffOptions } from './backoff';
import { deadLetterRecord, runtimeIssue, runtimeViolation } from './dead-letters';
import { clientOf, explainKafkaError, isUnreachable, type KafkaConnection } from './connection';
import { messageOf, RuntimeError } from './errors';
import type { ConsumedBatch, ConsumedFetch, ConsumedRecord, KafkaClient, KafkaConsumer, KafkaProducer, OutgoingRecord } from './kafka';
import { consoleLog, type RuntimeLog } from './log';
import { findConsumer, prepareProduct, type RuntimeProduct } from './products';

/** A record as the handler gets it: decoded and checked against the contract. */
export interface ContractRecord<T> {
  /** The record's key bytes as produced (UTF-8 of the key field's canonical string). */
  readonly key: Buffer | null;
  /** The record, valid under the contract; `null` for a tombstone (entities only: the key was deleted). */
  readonly value: T | null;
  readonly tombstone: boolean;
  readonly topic: string;
  readonly partition: number;
  /** The offset, a decimal string (offsets are 64-bit). */
  readonly offset: string;
  /** The record's timestamp, milliseconds since the epoch as a decimal string. */
  readonly timestamp: string;
  readonly headers: Readonly<Record<string, Buffer>>;
}

/**
 * Thrown by a handler for a record it can never process (retrying cannot help): the record goes to the
 * dead-letter topic with this reason and consumption goes on. Any other error is retried.
 */
export class PoisonRecordError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'PoisonRecordError';
  }
}

/** Handles one record; resolve when it is done (then its offset may be committed). */
export type RecordHandler<T> = (record: ContractRecord<T>) => Promise<void>;

/** Options of {@link createConsumer} (and of the Postgres sink). */
export interface ConsumerRuntimeOptions {
  /** How to reach Kafka as the consumer's principal (the one the contract names for it). */
  readonly connection: KafkaConnection;
  /** The product's lock (`contracts/locks/<domain>/<name>.v<n>.lock.json`). */
  readonly lock: ProductLock | undefined;
  /**
   * The backoff between retries of a failing handler (or sink write, or dead-letter send).
   * @default - 200 ms doubling up to 30 s, jittered
   */
  readonly retry?: BackoffOptions;
  /**
   * How long stop() (and SIGTERM) gives the in-flight work, the commit and leaving the group.
   * @default CONSUMER_SHUTDOWN_BUDGET_MS (45 s: inside the container's 60 s stopTimeout)
   */
  readonly shutdownTimeoutMs?: number;
  /**
   * Signals that stop the consumer gracefully; `false` for none (the caller calls stop()).
   * @default ['SIGTERM', 'SIGINT']
   */
  readonly stopOnSignals?: readonly NodeJS.Signals[] | false;
  /**
   * How long to keep retrying, with backoff, when no broker answers at start-up; then start() rejects.
   * @default 60000
   */
  readonly startupTimeoutMs?: number;
  /**
   * Where the log lines go.
   * @default - stderr/stdout lines prefixed with the product and consumer
   */
  readonly log?: RuntimeLog;
  /**
   * Milliseconds without a heartbeat after which the group drops the member.
   * @default 10000
   */
  readonly sessionTimeoutMs?: number;
}

/** A running consumer. */
export interface RunningConsumer {
  /** The consumer group, `<topic>.<consumer>`. */
  readonly group: string;
  /** Finishes the in-flight work, commits and leaves the group (within the shutdown timeout). */
  stop(): Promise<void>;
  /**
   * Resolves when the consumer stopped cleanly; rejects when it crashed (a broker error the client could
   * not recover from) or could not finish within the shutdown timeout.
   */
  readonly stopped: Promise<void>;
}

/** A record read from the topic, decoded (or not) against the contract. */
export interface DecodedRecord {
  readonly record: ConsumedRecord;
  readonly result: { readonly ok: true; readonly value: Record<string, unknown> | null; readonly tombstone: boolean } | { readonly ok: false; readonly violation: ContractViolation };
}

/** What the engine offers the work on one batch. */
export interface BatchControl {
  readonly topic: string;
  readonly partition: number;
  /** False once the consumer stops or loses the partition: finish the current step, commit, return. */
  active(): boolean;
  /** Heartbeats the group (cheap; rejects during a rebalance: let it propagate). */
  heartbeat(): Promise<void>;
  /** Waits the backoff of retry `attempt`, heartbeating; false if the consumer stopped meanwhile. */
  wait(attempt: number): Promise<boolean>;
  /** Sends dead letters, retrying until the broker has them; false if the consumer stopped first. */
  deadLetter(items: ReadonlyArray<{ readonly record: ConsumedRecord; readonly violation: ContractViolation }>): Promise<boolean>;
  /** Commits the partition up to `nextOffset` (the offset of the next record to read); a failure is logged (the records come again). */
  commit(nextOffset: string): Promise<void>;
}

/** Works one batch of one partition, in offset order. */
export type BatchWork = (items: readonly DecodedRecord[], control: BatchControl) => Promise<void>;

/** One partition's batch in a fetch, decoded. */
export interface DecodedBatch {
  readonly partition: number;
  /** The records, in offset order (never empty). */
  readonly items: readonly DecodedRecord[];
  /** False once the consumer stops or loses the partition. */
  active(): boolean;
}

/** What the engine offers the work on all the batches of a fetch (see {@link KafkaConsumer.runFetches}). */
export interface FetchControl extends Pick<BatchControl, 'topic' | 'heartbeat' | 'wait' | 'deadLetter'> {
  /** False once the consumer stops: finish the current step, commit, return. */
  active(): boolean;
  /**
   * Commits several partitions in one request, each up to its `nextOffset`; a failure is logged (the records come
   * again). Waited for only while stopping.
   */
  commit(offsets: ReadonlyArray<{ readonly partition: number; readonly nextOffset: string }>): Promise<void>;
}

/** Works the batches of one fetch (each partition's in offset order). */
export type FetchWork = (batches: readonly DecodedBatch[], control: FetchControl) => Promise<void>;

/** The offset after a record's. */
export function nextOffset(record: ConsumedRecord): string {
  return (BigInt(record.offset) + 1n).toString();
}

/** The record a handler gets. */
export function contractRecordOf<T>(item: DecodedRecord): ContractRecord<T> {
  const { record } = item;
  const ok = item.result as Extract<DecodedRecord['result'], { ok: true }>;
  return { key: record.key, value: ok.value as T | null, tombstone: ok.tombstone, topic: record.topic, partition: record.partition, offset: record.offset, timestamp: record.timestamp, headers: record.headers };
}

/** Where one dead letter came from, for the log: never the value, never a message that could quote it. */
export function describeDeadLetter(record: ConsumedRecord, violation: ContractViolation): string {
  const paths = [...new Set(violation.issues.map((i) => i.path || '(record)'))].slice(0, 5);
  return `partition ${record.partition} offset ${record.offset}: ${violation.reason}${paths.length ? ` (${paths.join(', ')})` : ''}`;
}

/** The parts the engine needs. */
export interface EngineSetup {
  readonly runtime: RuntimeProduct;
  readonly consumer: CompiledConsumer;
  readonly options: ConsumerRuntimeOptions;
  readonly log: RuntimeLog;
  /** What the component is, for messages (e.g. `consumer ledger`). */
  readonly what: string;
  /** Works each partition's batch on its own; or {@link workFetch}. */
  readonly work?: BatchWork;
  /** Works all the batches of a fetch together (one transaction and one offset commit per fetch). */
  readonly workFetch?: FetchWork;
  /** Called once stop() begins (before waiting for the in-flight batch). */
  readonly onStopping?: () => void;
  /** Called after the consumer left the group and the producer closed. */
  readonly onStopped?: () => Promise<void>;
}

/**
 * Starts the batch engine: connects (retrying with backoff while no broker answers, up to the start-up
 * timeout), joins the group, and runs `work` on each fetched batch.
 */
export async function startContractConsumer(setup: EngineSetup): Promise<RunningConsumer> {
  const { runtime, consumer: spec, options, log, work, workFetch } = setup;
  const { compiled, codec } = runtime;
  const retry = options.retry ?? {};
  const principal = spec.principal;
  const { client, owned } = clientOf(options.connection, { clientId: `contract-mesh-${spec.name}` });
  let stopping = false;

  // Signals are handled from the start: a task stopped while it is still starting stops cleanly too.
  let signalled: NodeJS.Signals | undefined;
  let onSignalled!: () => void;
  const signalledPromise = new Promise<void>((r) => (onSignalled = r));
  let joining: KafkaConsumer | undefined;
  let running: RunningConsumer | undefined;
  const signals = options.stopOnSignals === false ? [] : options.stopOnSignals ?? (['SIGTERM', 'SIGINT'] as NodeJS.Signals[]);
  const onSignal = (signal: NodeJS.Signals) => {
    if (running) {
      // Ctrl-C reaches npm, tsx and node alike, and each passes it on: say it once.
      if (!stopping) log.info(`${signal}: finishing the in-flight work, committing and leaving group ${spec.group}`);
      void running.stop();
    } else if (!signalled) {
      signalled = signal;
      onSignalled();
      log.info(`${signal} while starting: stopping`);
      void joining?.stop().catch(() => undefined);
    }
  };
  for (const s of signals) process.on(s, onSignal);
  const unhook = () => {
    for (const s of signals) process.off(s, onSignal);
  };
  let settle!: { resolve: () => void; reject: (e: unknown) => void };
  const stopped = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  stopped.catch(() => undefined);

  const deadLetterRecords = (items: ReadonlyArray<{ record: ConsumedRecord; violation: ContractViolation }>): OutgoingRecord[] =>
    items.map(({ record, violation }) => deadLetterRecord(compiled, { key: record.key, value: record.value, headers: record.headers }, violation, { topic: record.topic, partition: record.partition, offset: record.offset }));

  let dlqProducer!: KafkaProducer;
  /** Sends dead letters, retrying (with `wait`) until the broker has them; false if the consumer stopped first. */
  const sendDeadLetters = async (items: ReadonlyArray<{ record: ConsumedRecord; violation: ContractViolation }>, wait: (attempt: number) => Promise<boolean>): Promise<boolean> => {
    if (!items.length) return true;
    const records = deadLetterRecords(items);
    for (let attempt = 0; ; attempt++) {
      try {
        await dlqProducer.send(compiled.deadLetterTopic, records);
        for (const { record, violation } of items) log.warn(`dead-lettered ${describeDeadLetter(record, violation)}`);
        return true;
      } catch (err) {
        const e = isUnreachable(err) ? err : explainKafkaError(err, principal, `sending to the dead-letter topic ${compiled.deadLetterTopic}`);
        const partitions = [...new Set(items.map((i) => i.record.partition))].join(', ');
        log.error(`could not dead-letter ${items.length} record(s) of partition ${partitions} (${messageOf(e)}); retrying, nothing is committed past them`);
        if (!(await wait(attempt))) return false;
      }
    }
  };
  /**
   * Sends a commit at once but waits for it only when stopping: the next batch need not wait for the coordinator.
   * Requests on one connection are handled in order, so commits (and the final LeaveGroup) keep their order.
   */
  const sendCommit = async (commit: () => Promise<void>, what: string, active: () => boolean): Promise<void> => {
    const sent = commit().catch((err: unknown) => {
      log.warn(`could not commit ${what} (${messageOf(err)}); its records will be read again`);
    });
    if (!active()) await sent;
  };
  const decodeAll = (records: readonly ConsumedRecord[]): DecodedRecord[] =>
    records.map((record) => {
      const r = codec.decode(record.value);
      return { record, result: r.ok ? { ok: true, value: r.value as Record<string, unknown> | null, tombstone: r.tombstone === true } : { ok: false, violation: r.violation } };
    });
  const batchControl = (batch: ConsumedBatch): BatchControl => {
    const active = () => !stopping && batch.isActive();
    const control: BatchControl = {
      topic: batch.topic,
      partition: batch.partition,
      active,
      heartbeat: () => batch.heartbeat(),
      wait: (attempt) => pause(backoffDelay(attempt, retry), active, () => batch.heartbeat()),
      deadLetter: (items) => sendDeadLetters(items, control.wait),
      commit: (offset) => sendCommit(() => batch.commit(offset), `partition ${batch.partition} up to offset ${offset}`, active),
    };
    return control;
  };
  const onBatch = async (batch: ConsumedBatch) => {
    await (work as BatchWork)(decodeAll(batch.records), batchControl(batch));
  };
  const onFetch = async (fetch: ConsumedFetch) => {
    const active = () => !stopping;
    const control: FetchControl = {
      topic: compiled.topic,
      active,
      heartbeat: () => fetch.heartbeat(),
      wait: (attempt) => pause(backoffDelay(attempt, retry), active, () => fetch.heartbeat()),
      deadLetter: (items) => sendDeadLetters(items, control.wait),
      commit: (offsets) =>
        sendCommit(
          () => fetch.commit(offsets.map((o) => ({ topic: compiled.topic, partition: o.partition, offset: o.nextOffset }))),
          offsets.map((o) => `partition ${o.partition} up to offset ${o.nextOffset}`).join(', '),
          active,
        ),
    };
    await (workFetch as FetchWork)(fetch.batches.map((b) => ({ partition: b.partition, items: decodeAll(b.records), active: () => !stopping && b.isActive() })), control);
  };

  // Start-up: connect the dead-letter producer and join the group, retrying with backoff while no broker
  // answers (or the group's coordinator is still loading), up to the start-up timeout; a refusal fails at once.
  const started = Date.now();
  const startupTimeout = options.startupTimeoutMs ?? 60_000;
  let kc!: KafkaConsumer;
  for (let attempt = 0; ; attempt++) {
    let producer: KafkaProducer | undefined;
    let consumer: KafkaConsumer | undefined;
    try {
      if (signalled) break;
      producer = await client.producer();
      if (signalled) throw new Error('stopped');
      // 256 KiB per partition and fetch bounds a batch (and the memory it holds) to a few thousand records.
      consumer = await client.consumer({ groupId: spec.group, topics: [compiled.topic], fromBeginning: true, sessionTimeoutMs: options.sessionTimeoutMs, maxBytesPerPartition: 256 * 1024 });
      dlqProducer = producer;
      joining = consumer;
      await Promise.race([workFetch ? consumer.runFetches(onFetch) : consumer.runBatches(onBatch), signalledPromise]);
      if (signalled) throw new Error('stopped');
      kc = consumer;
      break;
    } catch (err) {
      joining = undefined;
      await consumer?.stop().catch(() => undefined);
      await producer?.disconnect().catch(() => undefined);
      if (signalled) break;
      if (!isUnreachable(err)) {
        unhook();
        if (owned) await client.close();
        throw explainKafkaError(err, principal, `${compiled.id} ${setup.what} cannot start (group ${spec.group})`);
      }
      const delay = backoffDelay(attempt, { initialMs: 500, maxMs: 10_000 });
      if (Date.now() - started + delay > startupTimeout) {
        unhook();
        if (owned) await client.close();
        throw new RuntimeError(`${compiled.id} ${setup.what}: no Kafka broker answered for ${Math.round((Date.now() - started) / 1000)} s (${messageOf(err)}). Is the broker running and KAFKA_BOOTSTRAP_SERVERS right? (Locally: \`npm run mesh:up\`.)`, { cause: err });
      }
      log.warn(`Kafka is not reachable yet (${messageOf(err)}); retrying in ${Math.round(delay / 100) / 10} s`);
      await pause(delay, () => !signalled);
    }
  }
  if (signalled) {
    // Stopped before it joined: nothing was consumed, nothing to commit.
    unhook();
    if (owned) await client.close().catch(() => undefined);
    await setup.onStopped?.();
    log.info(`stopped (${signalled}) before joining group ${spec.group}`);
    settle.resolve();
    return { group: spec.group, stopped, stop: async () => undefined };
  }
  joining = undefined;
  log.info(`joined group ${spec.group} on ${compiled.topic} as ${principal}`);

  const finish = async (client_: KafkaClient) => {
    await dlqProducer.disconnect().catch(() => undefined);
    if (owned) await client_.close().catch(() => undefined);
    await setup.onStopped?.();
    unhook();
  };

  kc.stopped.then(undefined, async (err: unknown) => {
    if (stopping) return;
    stopping = true;
    const e = explainKafkaError(err, principal, `${compiled.id} ${setup.what} stopped on a Kafka error`);
    log.error(e.message);
    setup.onStopping?.();
    await finish(client);
    settle.reject(e);
  });

  let stopCall: Promise<void> | undefined;
  running = {
    group: spec.group,
    stopped,
    stop() {
      if (stopCall) return stopCall;
      if (stopping) return stopped.catch(() => undefined);
      stopping = true;
      setup.onStopping?.();
      const budget = options.shutdownTimeoutMs ?? CONSUMER_SHUTDOWN_BUDGET_MS;
      stopCall = (async () => {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), budget)));
        const outcome = await Promise.race([kc.stop().then(() => 'left' as const, () => 'left' as const), deadline]);
        clearTimeout(timer);
        await finish(client);
        if (outcome === 'timeout') {
          const e = new RuntimeError(`${compiled.id} ${setup.what}: the in-flight work did not finish within ${Math.round(budget / 1000)} s of the stop; uncommitted records will be read again.`);
          log.error(e.message);
          settle.reject(e);
        } else {
          log.info(`stopped: committed and left group ${spec.group}`);
          settle.resolve();
        }
      })();
      return stopCall;
    },
  };
  return running;
}

/**
 * Consumes a product as one of its consumers. `handler` gets each valid record in offset order per
 * partition; see the module comment for what happens to the others, to errors and on SIGTERM.
 *
 *   const c = await createConsumer(paymentEvents, 'fraud-scoring', async (r) => score(r.value), { connection, lock });
 */
export async function createConsumer<T = Record<string, unknown>>(product: DataProduct, consumerName: string, handler: RecordHandler<T>, options: ConsumerRuntimeOptions): Promise<RunningConsumer> {
  const runtime = prepareProduct(product, options.lock);
  const consumer = findConsumer(runtime.compiled, consumerName);
  const log = options.log ?? consoleLog(`contract-mesh consumer ${runtime.compiled.id} ${consumer.name}`);
  const withheld = runtime.compiled.classification === 'pii' || runtime.compiled.classification === 'confidential';

  const work: BatchWork = async (items, control) => {
    let done: string | undefined;
    try {
      for (const item of items) {
        if (!control.active()) return;
        if (!item.result.ok) {
          if (!(await control.deadLetter([{ record: item.record, violation: item.result.violation }]))) return;
          done = nextOffset(item.record);
          continue;
        }
        for (let attempt = 0; ; attempt++) {
          try {
            await handler(contractRecordOf<T>(item));
            break;
          } catch (err) {
            if (err instanceof PoisonRecordError) {
              const violation = runtimeViolation(runtime.compiled, 'invalid', `consumer ${consumer.name} marked the record as poison`, [
                runtimeIssue('poison', withheld ? `the handler's reason is withheld (${runtime.compiled.classification} product)` : err.message, 'the handler marked the record as poison (its reason may quote the record)'),
              ]);
              if (!(await control.deadLetter([{ record: item.record, violation }]))) return;
              break;
            }
            log.warn(`the handler failed on partition ${item.record.partition} offset ${item.record.offset} (attempt ${attempt + 1}): ${messageOf(err)}; retrying`);
            if (done) {
              await control.commit(done);
              done = undefined;
            }
            if (!(await control.wait(attempt))) return;
          }
        }
        done = nextOffset(item.record);
      }
    } finally {
      if (done) await control.commit(done);
    }
  };

  return startContractConsumer({ runtime, consumer, options, log, what: `consumer ${consumer.name}`, work });
}
