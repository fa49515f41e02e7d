/**
 * The dead-letter envelope. A record that violates its contract goes to the
 * product's dead-letter topic (`<topic>.dlq`) as it came — key and value
 * bytes untouched — with headers that say what it is and why it failed:
 *
 * | header                          | value                                                      |
 * |---------------------------------|------------------------------------------------------------|
 * | `contract-mesh.contract`        | `<domain>/<name>@v<version>`                               |
 * | `contract-mesh.major-version`   | the major version, e.g. `1`                                |
 * | `contract-mesh.source-topic`    | the topic it was read from (when known)                    |
 * | `contract-mesh.source-partition`| its partition (when known)                                 |
 * | `contract-mesh.source-offset`   | its offset (when known)                                    |
 * | `contract-mesh.failure-reason`  | one line: why it was refused                               |
 * | `contract-mesh.failing-paths`   | JSON array of the failing paths (`""` = the record itself)  |
 * | `contract-mesh.failures`        | JSON array of `{ path, message }`                          |
 * | `contract-mesh.timestamp`       | when the dead letter was built, ISO-8601 UTC               |
 *
 * A value that was never serialized (a producer's rejected object) is
 * carried as its JSON text, and `contract-mesh.value-format` says `json`
 * (else `original`).
 */
import type { CompiledProduct } from '../compile';
import type { ContractViolation } from './violation';

export const DLQ_HEADER_PREFIX = 'contract-mesh.';

export interface DeadLetterInput {
  /** The original key bytes (or null). */
  readonly key: Uint8Array | null;
  /** The original value: bytes as read, or the object a producer failed to encode. */
  readonly value: Uint8Array | null | unknown;
}

export interface DeadLetterContext {
  readonly product: Pick<CompiledProduct, 'id' | 'version' | 'deadLetterTopic'>;
  /** @default - not known (a producer-side failure) */
  readonly sourceTopic?: string;
  /** @default - not known */
  readonly partition?: number;
  /** @default - not known */
  readonly offset?: number | bigint | string;
  /** @default new Date() */
  readonly now?: Date;
}

export interface DeadLetterRecord {
  /** The dead-letter topic. */
  readonly topic: string;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** Builds the dead-letter record of a failed input. */
export function toDeadLetter(input: DeadLetterInput, violation: ContractViolation, context: DeadLetterContext): DeadLetterRecord {
  const raw = input.value === null || input.value instanceof Uint8Array;
  const value = raw ? (input.value as Uint8Array | null) : new TextEncoder().encode(safeJson(input.value));
  const h: Record<string, string> = {
    contract: context.product.id,
    'major-version': String(context.product.version),
    'failure-reason': violation.reason,
    'failing-paths': JSON.stringify(violation.issues.map((i) => i.path)),
    failures: JSON.stringify(violation.issues),
    'value-format': raw ? 'original' : 'json',
    timestamp: (context.now ?? new Date()).toISOString(),
  };
  if (context.sourceTopic !== undefined) h['source-topic'] = context.sourceTopic;
  if (context.partition !== undefined) h['source-partition'] = String(context.partition);
  if (context.offset !== undefined) h['source-offset'] = String(context.offset);
  return {
    topic: context.product.deadLetterTopic,
    key: input.key,
    value,
    headers: Object.fromEntries(Object.keys(h).sort().map((k) => [`${DLQ_HEADER_PREFIX}${k}`, h[k]])),
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? 'null';
  } catch {
    return JSON.stringify(String(v));
  }
}
