/**
 * The dead-letter envelope (docs/codec-and-dead-letters.md, "Dead letters"). A record that violates its contract goes to the
 * product's dead-letter topic (`<topic>.dlq`) with headers that say what it is and why it failed. Both sides use it:
 *
 * - a **producer** dead-letters a record it failed to encode (`side: 'producer'`, Confluent's mode `WRITE`): the
 *   value is the object it was given, carried as its JSON evidence (`evidence.ts`);
 * - a **consumer** dead-letters what it read (`side: 'consumer'`, mode `READ`): undecodable bytes, a record that
 *   violates the contract, a tombstone on an event topic — with the source topic, partition and offset, and the
 *   record's own headers.
 *
 * The envelope always fits the dead-letter topic's `max.message.bytes`: the first {@link DEAD_LETTER_MAX_FAILURES}
 * failures and their count, header values cut to a bound, a key or value too large replaced by a truncated copy
 * plus its SHA-256 and size. For `pii` and `confidential` products the value is never carried in clear: the dead
 * letter has the key, the failing paths with messages that quote nothing from the record, and the SHA-256 of the
 * original bytes — the dead-letter topic is readable by the owner's principal, which cannot read the main topic.
 *
 * It also writes the headers Confluent's clients put on their dead letters (`__rule.name`, `__rule.mode`,
 * `__rule.subject`, `__rule.topic`, `__rule.exception`), so tools built for those read contract-mesh's.
 *
 * Pure: no Kafka client; headers are a plain record of strings and bytes.
 */
import { createHash } from 'node:crypto';
import type { CompiledProduct } from '../compile';
import { evidenceJson } from './evidence';
import { BROKER_DEFAULT_MAX_MESSAGE_BYTES, recordBatchBytes, type HeaderSize } from './record-size';
import type { ContractViolation, ViolationIssue } from './violation';

/** The prefix of contract-mesh's own dead-letter headers. */
export const DLQ_HEADER_PREFIX = 'contract-mesh.';
/** The prefix of the headers Confluent's clients (their DLQ rule action) write on dead letters. */
export const CONFLUENT_DLQ_HEADER_PREFIX = '__rule.';
/** At most this many failures are listed (`contract-mesh.failure-count` has them all). */
export const DEAD_LETTER_MAX_FAILURES = 20;
/** The smallest dead-letter `max.message.bytes` an envelope is built for (the error headers need room). */
export const MIN_DEAD_LETTER_MAX_MESSAGE_BYTES = 16 * 1024;

/** One header value: text or bytes. */
export type HeaderValue = string | Uint8Array;
/** Record headers as a plain object (a name may repeat in Kafka: an array holds each value in order). */
export type RecordHeaders = Readonly<Record<string, HeaderValue | readonly HeaderValue[] | undefined>>;

/** Classifications whose dead letters never carry the value in clear. */
export const WITHHELD_CLASSIFICATIONS: ReadonlySet<string> = new Set(['pii', 'confidential']);

export interface DeadLetterInput {
  /** The original key bytes (`codec.encodeKey(record)` on the producer side, the record's key on the consumer side), or null. */
  readonly key: Uint8Array | null;
  /** The original value: the bytes as read (consumer), or the object a producer failed to encode; null for a tombstone. */
  readonly value: Uint8Array | null | unknown;
  /**
   * The headers the record came with (consumer side). Carried on the dead letter as they were — except
   * contract-mesh's and Confluent's dead-letter headers (replaced), those that do not fit, and all of them for
   * `pii` and `confidential` products (they may quote the record).
   * @default - none
   */
  readonly headers?: RecordHeaders;
}

export interface DeadLetterContext {
  /** The product (`codec.product`). */
  readonly product: Pick<CompiledProduct, 'id' | 'version' | 'topic' | 'deadLetterTopic' | 'classification'>;
  /**
   * Who dead-letters: a `producer` that failed to encode a record (Confluent's rule mode `WRITE`), or a `consumer`
   * that read a record it cannot accept (mode `READ`).
   * @default 'consumer' when sourceTopic, partition or offset is given, else 'producer'
   */
  readonly side?: 'producer' | 'consumer';
  /** @default - the product's topic (`__rule.topic`); no `contract-mesh.source-topic` header */
  readonly sourceTopic?: string;
  /** @default - not known (a producer-side failure) */
  readonly partition?: number;
  /** @default - not known */
  readonly offset?: number | bigint | string;
  /** @default new Date() */
  readonly now?: Date;
  /**
   * The dead-letter topic's `max.message.bytes`: the envelope (key, value, headers and a record batch's framing)
   * never exceeds it. `topicLimits(product).deadLetterMaxMessageBytes` gives the value synth sets.
   * @default 1048588 - the brokers' default (the dead-letter topics synth declares accept at least 64 KiB more)
   */
  readonly maxMessageBytes?: number;
}

export interface DeadLetterRecord {
  /** The dead-letter topic. */
  readonly topic: string;
  readonly key: Uint8Array | null;
  /** The value, or a truncated copy of it; null for a tombstone and for a withheld value (pii, confidential). */
  readonly value: Uint8Array | null;
  readonly headers: Readonly<Record<string, HeaderValue | readonly HeaderValue[]>>;
  /** The record's one-record batch size, as the broker counts it against `max.message.bytes`. */
  readonly sizeBytes: number;
}

const utf8Bytes = (v: HeaderValue) => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length);

/** `s` cut to at most `max` UTF-8 bytes (never inside a character), with `…` when cut. */
export function truncateUtf8(s: string, max: number): string {
  if (Buffer.byteLength(s, 'utf8') <= max) return s;
  if (max < 3) return '';
  let lo = 0;
  let hi = Math.min(s.length, max);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (Buffer.byteLength(s.slice(0, mid), 'utf8') + 3 <= max) lo = mid;
    else hi = mid - 1;
  }
  let cut = lo;
  const c = s.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--; // do not split a surrogate pair
  return `${s.slice(0, cut)}…`;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Budget {
  readonly failures: number;
  readonly headerValue: number;
  readonly sourceHeaders: number;
  readonly key: number;
}

/** From generous to minimal: the first whose envelope fits is used. */
const BUDGETS: readonly Budget[] = [
  { failures: DEAD_LETTER_MAX_FAILURES, headerValue: 8 * 1024, sourceHeaders: 16 * 1024, key: 16 * 1024 },
  { failures: 5, headerValue: 2 * 1024, sourceHeaders: 4 * 1024, key: 1024 },
  { failures: 1, headerValue: 256, sourceHeaders: 0, key: 64 },
];

function failuresJson(issues: readonly ViolationIssue[], withheld: boolean, budget: Budget): { json: string; paths: string } {
  const items: string[] = [];
  const paths: string[] = [];
  let used = 2;
  for (const i of issues.slice(0, budget.failures)) {
    const path = truncateUtf8(withheld ? i.redacted.path : i.path, 256);
    const message = truncateUtf8(withheld ? i.redacted.message : i.message, 512);
    const item = JSON.stringify({ path, message, code: i.code });
    if (used + item.length + 1 > budget.headerValue) break;
    items.push(item);
    paths.push(JSON.stringify(path));
    used += item.length + 1;
  }
  return { json: `[${items.join(',')}]`, paths: `[${paths.join(',')}]` };
}

/** Confluent's `__rule.exception`: the reason and the first failures, as one line. */
function exceptionText(v: ContractViolation, withheld: boolean, max: number): string {
  const parts = v.issues.slice(0, 5).map((i) => `${(withheld ? i.redacted.path : i.path) || '(record)'}: ${withheld ? i.redacted.message : i.message}`);
  const more = v.issues.length > 5 ? `; and ${v.issues.length - 5} more` : '';
  return truncateUtf8(`ContractViolation: ${v.product}: ${v.reason}: ${parts.join('; ')}${more}`, max);
}

function headerSizes(h: Readonly<Record<string, HeaderValue | readonly HeaderValue[]>>): HeaderSize[] {
  const out: HeaderSize[] = [];
  for (const [k, v] of Object.entries(h)) {
    const kb = Buffer.byteLength(k, 'utf8');
    for (const x of Array.isArray(v) ? (v as readonly HeaderValue[]) : [v as HeaderValue]) out.push([kb, utf8Bytes(x)]);
  }
  return out;
}

/** Builds the dead-letter record of a failed input (either side; see the module comment). */
export function toDeadLetter(input: DeadLetterInput, violation: ContractViolation, context: DeadLetterContext): DeadLetterRecord {
  const p = context.product;
  const max = context.maxMessageBytes ?? BROKER_DEFAULT_MAX_MESSAGE_BYTES;
  if (!Number.isSafeInteger(max) || max < MIN_DEAD_LETTER_MAX_MESSAGE_BYTES) {
    throw new RangeError(`${p.id}: the dead-letter topic's maxMessageBytes must be a whole number of at least ${MIN_DEAD_LETTER_MAX_MESSAGE_BYTES} bytes, got ${String(context.maxMessageBytes)}; pass topicLimits(product).deadLetterMaxMessageBytes.`);
  }
  const side = context.side ?? (context.sourceTopic !== undefined || context.partition !== undefined || context.offset !== undefined ? 'consumer' : 'producer');
  const withheld = WITHHELD_CLASSIFICATIONS.has(p.classification);
  const raw = input.value === null || input.value instanceof Uint8Array;
  const original: Uint8Array | null = raw ? (input.value as Uint8Array | null) : Buffer.from(evidenceJson(input.value), 'utf8');
  const topic = context.sourceTopic ?? p.topic;

  for (const budget of BUDGETS) {
    const h: Record<string, string> = {};
    const failures = failuresJson(violation.issues, withheld, budget);
    h.contract = p.id;
    h['major-version'] = String(p.version);
    h.side = side;
    h['failure-kind'] = violation.kind;
    h['failure-reason'] = truncateUtf8(violation.reason, budget.headerValue);
    h['failure-count'] = String(violation.issues.length);
    h['failing-paths'] = failures.paths;
    h.failures = failures.json;
    h.timestamp = (context.now ?? new Date()).toISOString();
    if (context.sourceTopic !== undefined) h['source-topic'] = truncateUtf8(context.sourceTopic, 512);
    if (context.partition !== undefined) h['source-partition'] = String(context.partition);
    if (context.offset !== undefined) h['source-offset'] = truncateUtf8(String(context.offset), 64);

    let key = input.key;
    if (key && key.length > budget.key) {
      h['key-bytes'] = String(key.length);
      h['key-sha256'] = sha256(key);
      h['key-truncated'] = 'true';
      key = key.subarray(0, budget.key);
    }

    const ours: Record<string, HeaderValue> = {};
    for (const k of Object.keys(h).sort()) ours[`${DLQ_HEADER_PREFIX}${k}`] = h[k];
    ours[`${CONFLUENT_DLQ_HEADER_PREFIX}name`] = `contract-mesh.${violation.kind}`;
    ours[`${CONFLUENT_DLQ_HEADER_PREFIX}mode`] = side === 'producer' ? 'WRITE' : 'READ';
    ours[`${CONFLUENT_DLQ_HEADER_PREFIX}subject`] = `${truncateUtf8(topic, 512)}-value`;
    ours[`${CONFLUENT_DLQ_HEADER_PREFIX}topic`] = truncateUtf8(topic, 512);
    ours[`${CONFLUENT_DLQ_HEADER_PREFIX}exception`] = exceptionText(violation, withheld, Math.min(budget.headerValue, 1024));

    // The record's own headers (consumer side), as far as they fit; never for withheld classifications.
    const carried: Record<string, HeaderValue | readonly HeaderValue[]> = {};
    let dropped = 0;
    let room = budget.sourceHeaders;
    for (const [name, v] of Object.entries(input.headers ?? {})) {
      if (v === undefined || name.startsWith(DLQ_HEADER_PREFIX) || name.startsWith(CONFLUENT_DLQ_HEADER_PREFIX)) continue;
      const values = Array.isArray(v) ? (v as readonly HeaderValue[]) : [v as HeaderValue];
      const size = values.reduce((t, x) => t + Buffer.byteLength(name, 'utf8') + utf8Bytes(x) + 10, 0);
      if (withheld || size > room) {
        dropped += values.length;
        continue;
      }
      room -= size;
      carried[name] = v as HeaderValue | readonly HeaderValue[];
    }
    if (dropped) ours[`${DLQ_HEADER_PREFIX}headers-dropped`] = String(dropped);

    // The value: as it was if it fits, else a truncated copy with the original's size and SHA-256; withheld for pii/confidential.
    let value: Uint8Array | null = original;
    const valueHeaders: Record<string, string> = {};
    const format = raw ? 'original' : 'json';
    if (original !== null && withheld) {
      value = null;
      valueHeaders['value-format'] = 'withheld';
      valueHeaders['value-bytes'] = String(original.length);
      valueHeaders['value-sha256'] = sha256(original);
    } else {
      valueHeaders['value-format'] = format;
      const fixed = recordBatchBytes(key ? key.length : null, 0, headerSizes({ ...ours, ...carried, ...prefixed(valueHeaders) }));
      if (original !== null && fixed + original.length + 8 > max) {
        valueHeaders['value-bytes'] = String(original.length);
        valueHeaders['value-sha256'] = sha256(original);
        valueHeaders['value-truncated'] = 'true';
        const withValueHeaders = recordBatchBytes(key ? key.length : null, 0, headerSizes({ ...ours, ...carried, ...prefixed(valueHeaders) }));
        const room = max - withValueHeaders - 8; // 8: the value length's varint grows with the value
        value = room > 0 ? original.subarray(0, room) : new Uint8Array(0);
      }
    }
    const headers = { ...carried, ...ours, ...prefixed(valueHeaders) };
    const sorted: Record<string, HeaderValue | readonly HeaderValue[]> = {};
    for (const k of Object.keys(carried)) sorted[k] = carried[k];
    for (const k of Object.keys(headers).filter((k) => !(k in carried)).sort()) sorted[k] = headers[k];
    const sizeBytes = recordBatchBytes(key ? key.length : null, value ? value.length : null, headerSizes(sorted));
    if (sizeBytes <= max) return { topic: p.deadLetterTopic, key, value, headers: sorted, sizeBytes };
  }
  /* istanbul ignore next: the last budget fits MIN_DEAD_LETTER_MAX_MESSAGE_BYTES by construction (tested) */
  throw new RangeError(`${p.id}: the dead letter does not fit ${max} bytes even at its smallest; raise the dead-letter topic's max.message.bytes.`);
}

function prefixed(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[`${DLQ_HEADER_PREFIX}${k}`] = v;
  return out;
}
