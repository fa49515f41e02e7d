/**
 * The size the broker compares with a topic's `max.message.bytes`: a record batch (Kafka's message format v2)
 * holding the record, uncompressed. A producer sends at least one record per batch, so a record whose one-record
 * batch is larger than the limit is refused at send time (`RecordTooLargeException` / `MESSAGE_TOO_LARGE`).
 * Compression can only make a batch smaller, but the codec does not count on it.
 *
 * Batch header: baseOffset 8, batchLength 4, partitionLeaderEpoch 4, magic 1, crc 4, attributes 2,
 * lastOffsetDelta 4, baseTimestamp 8, maxTimestamp 8, producerId 8, producerEpoch 2, baseSequence 4,
 * records count 4 = 61 bytes. Record: length (varint), attributes 1, timestampDelta (varint, 0 in a one-record
 * batch), offsetDelta (varint, 0), key length (varint, −1 = null) and key, value length and value, header count
 * and headers (each: key length, key, value length, value).
 */

/** The brokers' default `message.max.bytes` (1 MiB + 12 bytes of log overhead): what a topic accepts when it sets no `max.message.bytes` of its own. */
export const BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** The record batch header of Kafka's message format v2. */
export const RECORD_BATCH_HEADER_BYTES = 61;

/** Bytes of a zig-zag varint (Kafka's signed varints) of `n`. */
export function varintBytes(n: number): number {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  let b = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    b++;
  }
  return b;
}

/** The byte lengths of one header: its key and its value (UTF-8). */
export type HeaderSize = readonly [keyBytes: number, valueBytes: number];

/** The size of a one-record batch: key and value lengths in bytes (`null` = absent), and its headers. */
export function recordBatchBytes(keyBytes: number | null, valueBytes: number | null, headers: readonly HeaderSize[] = []): number {
  let body = 1 + 1 + 1; // attributes, timestampDelta 0, offsetDelta 0
  body += keyBytes === null ? varintBytes(-1) : varintBytes(keyBytes) + keyBytes;
  body += valueBytes === null ? varintBytes(-1) : varintBytes(valueBytes) + valueBytes;
  body += varintBytes(headers.length);
  for (const [k, v] of headers) body += varintBytes(k) + k + varintBytes(v) + v;
  return RECORD_BATCH_HEADER_BYTES + varintBytes(body) + body;
}
