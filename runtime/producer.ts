/**
 * The edge-validating producer: every record is validated and serialized
 * against its contract (the codec, numbered by the product's lock) before it
 * touches the network.
 *
 * - A valid record goes to the topic, keyed by `encodeKey` (so every producer,
 *   in any language, puts a key in the same partition), with `acks=all` and
 *   the idempotent producer: a retry never duplicates or reorders it.
 * - A record that violates the contract goes to the dead-letter topic with the
 *   envelope (the rejected object as JSON evidence, the failing paths), and its
 *   result says so. Bad data never throws.
 * - `send`/`sendBatch` resolve when every record is on the topic or in the
 *   dead-letter topic. They reject ({@link UndeliverableError}) only when some
 *   record could be delivered nowhere — no broker, no ACL — with the results of
 *   the others.
 * - `close()` waits for every send in flight, then disconnects.
 */
import type { ContractViolation } from '../contracts/codec';
import type { DataProduct } from '../contracts/dsl/data-product';
import type { ProductLock } from '../contracts/lock/lock-file';
import { clientOf, explainKafkaError, type KafkaConnection } from './connection';
import { deadLetterRecord, runtimeIssue, runtimeViolation } from './dead-letters';
import { messageOf, RuntimeError } from './errors';
import { kafkaErrorType, type KafkaProducer, type OutgoingRecord } from './kafka';
import { prepareProduct } from './products';

/** What happened to one record. */
export type SendResult =
  | { readonly status: 'sent'; readonly topic: string }
  | {
      readonly status: 'dead-lettered';
      /** The dead-letter topic. */
      readonly topic: string;
      /** Why: the contract violation (or the broker's refusal of this one record). */
      readonly violation: ContractViolation;
    };

/** Options of {@link createProducer}. */
export interface ProducerOptions {
  /** How to reach Kafka as the product's producer principal (the one its contract names). */
  readonly connection: KafkaConnection;
  /** The product's lock (`contracts/locks/<domain>/<name>.v<n>.lock.json`): the field numbers on the wire. */
  readonly lock: ProductLock | undefined;
  /**
   * How often a send is retried while the broker is unreachable or has no leader (exponential backoff up to 5 s
   * per wait; the idempotent producer keeps retries free of duplicates). About 60 s at the default.
   * @default 15
   */
  readonly retries?: number;
}

/** A producer of one product. */
export interface ContractProducer<T> {
  readonly topic: string;
  readonly deadLetterTopic: string;
  /** Validates and sends one record (or dead-letters it). */
  send(value: T | unknown): Promise<SendResult>;
  /** Validates and sends records, one result per record in order. */
  sendBatch(values: ReadonlyArray<T | unknown>): Promise<SendResult[]>;
  /**
   * Deletes a key of an entity: sends its tombstone (the key, no value), which compaction and the sinks
   * honour. For an event, or a key the contract refuses, the tombstone is dead-lettered instead.
   */
  delete(key: unknown): Promise<SendResult>;
  /** Waits for every send in flight, then disconnects. */
  close(): Promise<void>;
}

/** Some records could be delivered nowhere: neither to the topic nor to the dead-letter topic. */
export class UndeliverableError extends RuntimeError {
  /** Per record in order: its result, or undefined for a record that was delivered nowhere. */
  readonly results: ReadonlyArray<SendResult | undefined>;
  constructor(message: string, results: ReadonlyArray<SendResult | undefined>, cause: unknown) {
    super(message, { cause });
    this.name = 'UndeliverableError';
    this.results = results;
  }
}

/** Broker refusals of a record itself (not of the producer): the record goes to the dead-letter topic instead. */
const RECORD_REFUSALS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE']);

/**
 * Connects an edge-validating producer for `product` as its producer principal.
 *
 *   const producer = await createProducer(paymentEvents, { connection, lock });
 *   const [r] = await producer.sendBatch([payment]); // r.status: 'sent' | 'dead-lettered'
 */
export async function createProducer<T = Record<string, unknown>>(product: DataProduct, options: ProducerOptions): Promise<ContractProducer<T>> {
  const { compiled, codec } = prepareProduct(product, options.lock);
  const principal = compiled.producer.principal;
  const { client, owned } = clientOf(options.connection, { clientId: `contract-mesh-${compiled.name}-producer`, retries: options.retries ?? 15 });
  let producer: KafkaProducer;
  try {
    producer = await client.producer();
  } catch (err) {
    if (owned) await client.close();
    throw explainKafkaError(err, principal, `${compiled.id}: the producer cannot start`);
  }
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  // The key of an invalid record is evidence only (encodeKey never throws; null when there is none to give).
  const deadLetterOf = (value: unknown, violation: ContractViolation): OutgoingRecord => deadLetterRecord(compiled, { key: codec.encodeKey(value), value }, violation);

  const deliver = async (values: readonly unknown[]): Promise<SendResult[]> => {
    const results: Array<SendResult | undefined> = new Array(values.length);
    const main: Array<{ index: number; record: OutgoingRecord; value: unknown }> = [];
    const dead: Array<{ index: number; record: OutgoingRecord; violation: ContractViolation }> = [];
    values.forEach((value, index) => {
      if (value === null || value === undefined) {
        const text = `a record is an object${compiled.kind === 'entity' ? '; to delete a key, use delete(key), which sends its tombstone' : ''}.`;
        const violation = runtimeViolation(compiled, 'invalid', 'the record is empty', [runtimeIssue('invalid_type', text, text)]);
        dead.push({ index, violation, record: deadLetterOf(value, violation) });
        return;
      }
      const r = codec.encode(value);
      if (r.ok) {
        main.push({ index, value, record: { key: codec.encodeKey(r.value ?? value), value: r.bytes ? Buffer.from(r.bytes) : null } });
      } else {
        dead.push({ index, violation: r.violation, record: deadLetterOf(value, r.violation) });
      }
    });

    let failure: unknown;
    const sendMain = async (items: typeof main): Promise<void> => {
      if (!items.length) return;
      try {
        await producer.send(compiled.topic, items.map((m) => m.record));
        for (const m of items) results[m.index] = { status: 'sent', topic: compiled.topic };
      } catch (err) {
        const type = kafkaErrorType(err);
        if (RECORD_REFUSALS.has(type) && items.length > 1) {
          // One record may be the cause: send them one by one, so that only the refused ones go to the dead-letter topic.
          for (const m of items) await sendMain([m]);
          return;
        }
        if (RECORD_REFUSALS.has(type)) {
          const m = items[0];
          const violation = runtimeViolation(compiled, 'too-large', `the broker refused the record (${type})`, [runtimeIssue('broker_refused', messageOf(err), `the broker refused the record: ${type}`)]);
          dead.push({ index: m.index, violation, record: deadLetterOf(m.value, violation) });
          return;
        }
        failure ??= explainKafkaError(err, principal, `${compiled.id}: could not send to ${compiled.topic}`);
      }
    };
    await sendMain(main);
    if (dead.length) {
      try {
        await producer.send(compiled.deadLetterTopic, dead.map((d) => d.record));
        for (const d of dead) results[d.index] = { status: 'dead-lettered', topic: compiled.deadLetterTopic, violation: d.violation };
      } catch (err) {
        failure ??= explainKafkaError(err, principal, `${compiled.id}: could not send ${dead.length} invalid record(s) to the dead-letter topic ${compiled.deadLetterTopic}`);
      }
    }
    if (failure) {
      const nowhere = Array.from(results).filter((r) => r === undefined).length;
      throw new UndeliverableError(`${messageOf(failure)} (${nowhere} of ${values.length} record(s) delivered nowhere)`, results, failure);
    }
    return results as SendResult[];
  };

  const track = <R>(p: Promise<R>): Promise<R> => {
    inFlight.add(p);
    const done = () => inFlight.delete(p);
    p.then(done, done);
    return p;
  };

  const keyField = (product.spec.schema.shape as Record<string, { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ message: string }> } } }>)[compiled.key];
  const tombstone = async (key: unknown): Promise<SendResult> => {
    const checked = keyField.safeParse(key);
    const violation: ContractViolation | undefined = compiled.kind !== 'entity'
      ? runtimeViolation(compiled, 'tombstone', 'an event has no tombstones', [runtimeIssue('tombstone', 'a deletion (tombstone) is only for entities.', 'a deletion (tombstone) is only for entities.')])
      : !checked.success
        ? runtimeViolation(compiled, 'invalid', 'the key of the tombstone does not satisfy the contract', (checked.error?.issues ?? []).map((i) => runtimeIssue('invalid_key', i.message, `the key is not a valid ${compiled.key}`, compiled.key)))
        : undefined;
    const keyBytes = codec.encodeKey(key);
    if (!violation) {
      try {
        await producer.send(compiled.topic, [{ key: keyBytes, value: null }]);
        return { status: 'sent', topic: compiled.topic };
      } catch (err) {
        throw new UndeliverableError(messageOf(explainKafkaError(err, principal, `${compiled.id}: could not send a tombstone to ${compiled.topic}`)), [undefined], err);
      }
    }
    try {
      await producer.send(compiled.deadLetterTopic, [deadLetterRecord(compiled, { key: keyBytes, value: null }, violation)]);
      return { status: 'dead-lettered', topic: compiled.deadLetterTopic, violation };
    } catch (err) {
      throw new UndeliverableError(messageOf(explainKafkaError(err, principal, `${compiled.id}: could not dead-letter a tombstone`)), [undefined], err);
    }
  };

  const sendBatch = (values: readonly unknown[]): Promise<SendResult[]> => {
    if (closed) return Promise.reject(new RuntimeError(`${compiled.id}: the producer is closed.`));
    return track(deliver(values));
  };
  return {
    topic: compiled.topic,
    deadLetterTopic: compiled.deadLetterTopic,
    send: async (value) => (await sendBatch([value]))[0],
    sendBatch,
    delete(key) {
      if (closed) return Promise.reject(new RuntimeError(`${compiled.id}: the producer is closed.`));
      return track(tombstone(key));
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...inFlight]);
      await producer.disconnect().catch(() => undefined);
      if (owned) await client.close();
    },
  };
}
