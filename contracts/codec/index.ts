/**
 * The edge codec's public API (docs/codec-and-dead-letters.md). No Kafka client types: keys and values are bytes
 * (`Uint8Array`/`Buffer`), headers a plain record of strings and bytes, so any client (kafkajs,
 * confluent-kafka-javascript, node-rdkafka) can carry what it returns.
 *
 * - {@link createCodec}: a product's codec — `encode` / `decode` / `encodeKey`; never throws on a record or bytes.
 * - {@link toDeadLetter}: the dead-letter record of a failed input, producer side or consumer side; always fits the
 *   dead-letter topic, never carries a `pii`/`confidential` value in clear, writes Confluent's `__rule.*` headers.
 * - {@link topicLimits}: the `max.message.bytes` synth derives for a product's topic and dead-letter topic, to pass
 *   to both.
 */
export { createCodec, canonicalKey, topicLimits, MIN_MAX_MESSAGE_BYTES, type Codec, type CodecOptions, type EncodeResult, type DecodeResult } from './codec';
export {
  toDeadLetter,
  truncateUtf8,
  DLQ_HEADER_PREFIX,
  CONFLUENT_DLQ_HEADER_PREFIX,
  DEAD_LETTER_MAX_FAILURES,
  MIN_DEAD_LETTER_MAX_MESSAGE_BYTES,
  WITHHELD_CLASSIFICATIONS,
  type DeadLetterContext,
  type DeadLetterInput,
  type DeadLetterRecord,
  type HeaderValue,
  type RecordHeaders,
} from './dead-letter';
export { evidenceJson } from './evidence';
export { BROKER_DEFAULT_MAX_MESSAGE_BYTES, recordBatchBytes } from './record-size';
export { TIMESTAMP_MIN_SECONDS, TIMESTAMP_MAX_SECONDS } from './timestamp';
export { ContractViolationError, type ContractViolation, type ViolationIssue, type ViolationKind, type CodecIssueCode } from './violation';
