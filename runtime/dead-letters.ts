/**
 * The runtime's side of the dead-letter envelope (contracts/codec/dead-letter.ts):
 * building the envelope for the dead-letter topic's size limit, turning it into
 * a record to produce, and the violations the runtime itself raises (a record
 * the handler calls poison, a row the sink table refuses) — which quote
 * nothing from the record in their redacted form, as the codec's do.
 */
import { toDeadLetter, topicLimits, type ContractViolation, type ViolationIssue } from '../contracts/codec';
import type { CompiledProduct } from '../contracts/compile';
import type { OutgoingRecord } from './kafka';

/** A dead letter as a record for the door: header bytes as Buffers. */
export function deadLetterRecord(
  product: CompiledProduct,
  input: { readonly key: Uint8Array | null; readonly value: Uint8Array | null | unknown; readonly headers?: Readonly<Record<string, Buffer>> },
  violation: ContractViolation,
  source?: { readonly topic: string; readonly partition: number; readonly offset: string },
): OutgoingRecord {
  const dl = toDeadLetter(input, violation, {
    product,
    maxMessageBytes: topicLimits(product).deadLetterMaxMessageBytes,
    ...(source ? { sourceTopic: source.topic, partition: source.partition, offset: source.offset } : {}),
  });
  const headers: Record<string, Buffer | string | Array<Buffer | string>> = {};
  const buf = (v: string | Uint8Array) => (typeof v === 'string' ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  for (const [k, v] of Object.entries(dl.headers)) headers[k] = Array.isArray(v) ? (v as Array<string | Uint8Array>).map(buf) : buf(v as string | Uint8Array);
  return { key: dl.key ? Buffer.from(dl.key) : null, value: dl.value ? Buffer.from(dl.value) : null, headers };
}

/** One issue of a violation the runtime raises: `redacted` is what pii and confidential dead letters carry. */
export function runtimeIssue(code: string, message: string, redacted: string, path = ''): ViolationIssue {
  return { path, message, code, redacted: { path, message: redacted } };
}

/** A violation the runtime raises (not the codec): the record itself is refused. */
export function runtimeViolation(product: CompiledProduct, kind: ContractViolation['kind'], reason: string, issues: ViolationIssue[]): ContractViolation {
  return { product: product.id, kind, reason, issues };
}
