/**
 * Dead-letter replay (`npm run dlq:replay -- <domain>/<name>@v<n> [--dry-run] [--limit n]`).
 *
 * Reads the product's dead-letter topic as the owner's principal, in the
 * replay group `<dlq>.replay`, from where the last replay stopped to the end
 * the topic had when the replay began, and re-checks each dead letter against
 * the CURRENT contract:
 *
 * - one that now passes is re-produced to the main topic (as a new record:
 *   its key, the bytes the current contract encodes, a header naming the dead
 *   letter it came from) — the owner's Write on the topic exists only when the
 *   contract opts in with `owner: { principal, replay: true }`;
 * - one that still fails is reported with its reason; it is never
 *   dead-lettered again;
 * - one that carries no value (`pii` and `confidential` products keep only the
 *   key and the reason) cannot be replayed: it is listed by key and reason, for
 *   the producer to send again.
 *
 * Nothing is deleted: the dead letters stay in their topic until its
 * retention. After the re-produced records are acknowledged (`acks=all`), the
 * replay group's offsets move past everything examined, so the next replay
 * starts after it. `--dry-run` produces nothing and commits nothing.
 */
import type { ContractViolation } from '../contracts/codec';
import type { DataProduct } from '../contracts/dsl/data-product';
import type { ProductLock } from '../contracts/lock/lock-file';
import { clientOf, explainKafkaError, type KafkaConnection } from './connection';
import { RuntimeError } from './errors';
import type { ConsumedBatch, ConsumedRecord, KafkaConsumer, KafkaProducer, OutgoingRecord } from './kafka';
import { prepareProduct } from './products';

/** Options of {@link replayDeadLetters}. */
export interface ReplayOptions {
  /** How to reach Kafka as the product's owner principal. */
  readonly connection: KafkaConnection;
  /** The product's lock. */
  readonly lock: ProductLock | undefined;
  /**
   * Only report what a replay would do: produce nothing, commit nothing.
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * Examine at most this many dead letters.
   * @default - all of them, up to the end the topic had when the replay began
   */
  readonly limit?: number;
  /**
   * Give up when the dead letters to examine have not all arrived within this many milliseconds.
   * @default 60000
   */
  readonly timeoutMs?: number;
}

/** Where a dead letter is. */
export interface DeadLetterRef {
  readonly partition: number;
  readonly offset: string;
  /** The record key as text (UTF-8), or null. */
  readonly key: string | null;
}

/** What a replay did (or, with `dryRun`, would do). */
export interface ReplayReport {
  readonly product: string;
  readonly deadLetterTopic: string;
  readonly dryRun: boolean;
  /** Dead letters examined. */
  readonly examined: number;
  /** Passed the current contract: re-produced to the topic (or would be, in a dry run). */
  readonly replayed: readonly DeadLetterRef[];
  /** Still fail the current contract: reported, not re-dead-lettered. */
  readonly stillFailing: ReadonlyArray<DeadLetterRef & { readonly reason: string; readonly paths: readonly string[] }>;
  /** Carry no value (pii, confidential): the producer must send them again. */
  readonly withoutValue: ReadonlyArray<DeadLetterRef & { readonly reason: string }>;
  /** Dead letters left for a later replay (beyond `limit`). */
  readonly remaining: number;
}

const HEADER = (name: string) => `contract-mesh.${name}`;
/** The header a replayed record carries: `<dlq topic>/<partition>/<offset>` of the dead letter it came from. */
export const REPLAYED_FROM_HEADER = HEADER('replayed-from');

function text(h: Readonly<Record<string, Buffer>>, name: string): string | undefined {
  return h[name]?.toString('utf8');
}

/** Replays a product's dead letters; see the module comment. */
export async function replayDeadLetters(product: DataProduct, options: ReplayOptions): Promise<ReplayReport> {
  const { compiled, codec } = prepareProduct(product, options.lock);
  const dryRun = options.dryRun ?? false;
  const owner = compiled.owner.principal;
  if (!owner) {
    throw new RuntimeError(`${compiled.id} has no owner principal, so no one may read its dead letters: set owner.principal (and owner.replay: true to replay them) in the contract, then apply the mesh.`);
  }
  if (!dryRun && !compiled.owner.replay) {
    throw new RuntimeError(`${compiled.id} does not let its owner replay dead letters (the owner may read them, but not write ${compiled.topic}): set owner: { …, replay: true } in the contract — it adds ${owner}'s Write on the topic, shown in the review — and apply it; or look first with --dry-run.`);
  }
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) throw new RuntimeError(`--limit takes a positive whole number, got ${options.limit}.`);
  const { client, owned } = clientOf(options.connection, { clientId: 'contract-mesh-dlq-replay' });
  const dlq = compiled.deadLetterTopic;
  const group = compiled.replayGroup;
  let consumer: KafkaConsumer | undefined;
  let producer: KafkaProducer | undefined;
  try {
    // Where to start (the group's committed offsets, else the earliest) and where to stop (the end now).
    const { ends, starts } = await client.withAdmin(async (a) => {
      const offsets = await a.topicOffsets(dlq);
      const committed = new Map((await a.committedOffsets(group, dlq)).map((p) => [p.partition, BigInt(p.offset)]));
      return {
        ends: new Map(offsets.map((p) => [p.partition, BigInt(p.high)])),
        starts: new Map(offsets.map((p) => {
          const c = committed.get(p.partition) ?? -1n;
          return [p.partition, c >= 0n ? (c > BigInt(p.low) ? c : BigInt(p.low)) : BigInt(p.low)];
        })),
      };
    }).catch((err: unknown) => {
      throw explainKafkaError(err, owner, `${compiled.id}: cannot read the offsets of ${dlq} as ${owner}`);
    });
    let pending = 0n;
    for (const [p, end] of ends) pending += end > (starts.get(p) ?? 0n) ? end - (starts.get(p) as bigint) : 0n;
    const limit = options.limit !== undefined ? BigInt(options.limit) : pending;
    const toExamine = pending < limit ? pending : limit;

    const replayed: DeadLetterRef[] = [];
    const stillFailing: Array<DeadLetterRef & { reason: string; paths: string[] }> = [];
    const withoutValue: Array<DeadLetterRef & { reason: string }> = [];
    let examined = 0n;
    if (toExamine === 0n) return { product: compiled.id, deadLetterTopic: dlq, dryRun, examined: 0, replayed, stillFailing, withoutValue, remaining: Number(pending) };

    if (!dryRun) {
      producer = await client.producer().catch((err: unknown) => {
        throw explainKafkaError(err, owner, `${compiled.id}: the replay cannot produce to ${compiled.topic}`);
      });
    }
    const withheld = compiled.classification === 'pii' || compiled.classification === 'confidential';
    const position = new Map(starts);
    let finish!: (err?: unknown) => void;
    const done = new Promise<void>((resolve, reject) => (finish = (err) => (err ? reject(err) : resolve())));

    const examine = (r: ConsumedRecord): { out?: OutgoingRecord; failed?: { reason: string; paths: string[] }; valueless?: string } => {
      const reason = text(r.headers, HEADER('failure-reason')) ?? '(no reason recorded)';
      if (r.value === null) {
        return text(r.headers, HEADER('value-format')) === 'withheld' || withheld
          ? { valueless: reason }
          : { failed: { reason: `${reason}: a tombstone, which only an entity may have`, paths: [''] } };
      }
      const format = text(r.headers, HEADER('value-format')) ?? 'original';
      let result;
      if (format === 'json') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(r.value.toString('utf8'));
        } catch {
          return { failed: { reason: 'the dead letter\'s JSON evidence cannot be parsed (it was truncated)', paths: [''] } };
        }
        result = codec.encode(parsed);
        if (result.ok && result.bytes) return { out: { key: codec.encodeKey(result.value), value: Buffer.from(result.bytes) } };
      } else if (format === 'original') {
        const decoded = codec.decode(r.value);
        if (decoded.ok && decoded.value !== null) {
          const encoded = codec.encode(decoded.value);
          if (encoded.ok && encoded.bytes) return { out: { key: codec.encodeKey(encoded.value), value: Buffer.from(encoded.bytes) } };
          result = encoded;
        } else result = decoded;
      } else {
        return { valueless: `${reason} (value ${format})` };
      }
      const violation = (result as { violation?: ContractViolation }).violation;
      return { failed: { reason: violation?.reason ?? reason, paths: violation ? [...new Set(violation.issues.map((i) => i.path))] : [''] } };
    };

    const onBatch = async (batch: ConsumedBatch) => {
      const end = ends.get(batch.partition) ?? 0n;
      const out: Array<{ record: OutgoingRecord; from: ConsumedRecord }> = [];
      let last: ConsumedRecord | undefined;
      for (const r of batch.records) {
        const offset = BigInt(r.offset);
        if (offset >= end || examined >= toExamine) break;
        examined++;
        last = r;
        const ref: DeadLetterRef = { partition: r.partition, offset: r.offset, key: r.key ? r.key.toString('utf8') : null };
        const verdict = examine(r);
        if (verdict.out) {
          out.push({ record: { ...verdict.out, headers: { [REPLAYED_FROM_HEADER]: `${dlq}/${r.partition}/${r.offset}` } }, from: r });
          replayed.push(ref);
        } else if (verdict.valueless !== undefined) withoutValue.push({ ...ref, reason: verdict.valueless });
        else if (verdict.failed) stillFailing.push({ ...ref, ...verdict.failed });
      }
      if (last) {
        if (!dryRun) {
          if (out.length) await (producer as KafkaProducer).send(compiled.topic, out.map((o) => o.record));
          await batch.commit((BigInt(last.offset) + 1n).toString());
        }
        position.set(batch.partition, BigInt(last.offset) + 1n);
      }
      const reachedEnd = [...ends].every(([p, e]) => (position.get(p) ?? 0n) >= e);
      if (examined >= toExamine || reachedEnd) finish();
    };

    consumer = await client.consumer({ groupId: group, topics: [dlq], fromBeginning: true });
    consumer.stopped.catch((err: unknown) => finish(err));
    await consumer.runBatches((batch) => onBatch(batch).catch((err: unknown) => {
      finish(explainKafkaError(err, owner, `${compiled.id}: the replay failed`));
      throw err;
    })).catch((err: unknown) => {
      throw explainKafkaError(err, owner, `${compiled.id}: cannot read ${dlq} in group ${group} as ${owner}`);
    });
    const timeoutMs = options.timeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      done,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new RuntimeError(`${compiled.id}: ${Number(toExamine - examined)} dead letter(s) did not arrive within ${timeoutMs / 1000} s; ${examined} examined. Nothing after them was committed: run the replay again.`)), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    return { product: compiled.id, deadLetterTopic: dlq, dryRun, examined: Number(examined), replayed, stillFailing, withoutValue, remaining: Number(pending - examined) };
  } finally {
    await consumer?.stop().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    if (owned) await client.close().catch(() => undefined);
  }
}

/** The report as lines for a person. Keys are shown; values never. */
export function formatReplayReport(r: ReplayReport): string[] {
  const verb = r.dryRun ? 'would replay' : 'replayed';
  const lines = [`${r.product}: ${r.examined} dead letter(s) of ${r.deadLetterTopic} examined${r.dryRun ? ' (dry run: nothing produced, nothing committed)' : ''}.`];
  lines.push(`  ${verb} ${r.replayed.length} to the topic (they pass the current contract)${r.replayed.length ? ':' : '.'}`);
  for (const x of r.replayed.slice(0, 50)) lines.push(`    partition ${x.partition} offset ${x.offset} key ${x.key ?? '(none)'}`);
  if (r.replayed.length > 50) lines.push(`    … and ${r.replayed.length - 50} more`);
  lines.push(`  ${r.stillFailing.length} still fail the contract (left in the dead-letter topic, not dead-lettered again)${r.stillFailing.length ? ':' : '.'}`);
  for (const x of r.stillFailing.slice(0, 50)) lines.push(`    partition ${x.partition} offset ${x.offset} key ${x.key ?? '(none)'}: ${x.reason}${x.paths.some(Boolean) ? ` (${x.paths.filter(Boolean).join(', ')})` : ''}`);
  if (r.stillFailing.length > 50) lines.push(`    … and ${r.stillFailing.length - 50} more`);
  if (r.withoutValue.length) {
    lines.push(`  ${r.withoutValue.length} carry no value (pii/confidential dead letters keep only the key and the reason): the producer must send these keys again:`);
    for (const x of r.withoutValue) lines.push(`    key ${x.key ?? '(none)'} (partition ${x.partition} offset ${x.offset}): ${x.reason}`);
  }
  if (r.remaining > 0) lines.push(`  ${r.remaining} dead letter(s) remain for the next replay (--limit).`);
  return lines;
}

