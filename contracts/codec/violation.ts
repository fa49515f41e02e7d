/**
 * A contract violation: every issue with its path. Returned, never thrown, by the codec.
 *
 * Each issue also has a **redacted** form — its path with record keys replaced by `*` and a message that quotes
 * nothing from the record (no value, no key, no user-written refinement message) — which is what a dead letter of a
 * `pii` or `confidential` product carries instead of the value (see `dead-letter.ts`).
 */
import type { ShapeField, ShapeType } from '../schema/shape';

/**
 * Why a record was refused:
 * - `invalid`: it does not satisfy the contract (Zod's issues), or cannot be carried faithfully (a lone surrogate, a
 *   datetime outside the Timestamp range, a record key `__proto__`);
 * - `malformed`: the bytes are not a protobuf record of the contract's message (or not bytes at all);
 * - `tombstone`: a null value (deletion) on an event topic, which has none;
 * - `too-large`: the record is larger than the topic accepts (`max.message.bytes`).
 */
export type ViolationKind = 'invalid' | 'malformed' | 'tombstone' | 'too-large';

/** The codec's own issue codes (Zod's are `invalid_type`, `too_big`, `too_small`, `invalid_format`, …). */
export type CodecIssueCode =
  | 'lone_surrogate'
  | 'timestamp_range'
  | 'timestamp_invalid'
  | 'reserved_key'
  | 'enum_number'
  | 'missing'
  | 'malformed'
  | 'tombstone'
  | 'too_large';

export interface ViolationIssue {
  /** The path in the record, e.g. `lines[2].sku` (empty for the record itself). */
  readonly path: string;
  /** What is wrong; may quote the value (Zod's messages, the contract's refinement messages). */
  readonly message: string;
  /** Zod's issue code (`invalid_type`, `too_big`, …) or the codec's own ({@link CodecIssueCode}). */
  readonly code: string;
  /** The same issue, quoting nothing from the record: record keys in the path are `*`, the message is built from the contract only. */
  readonly redacted: { readonly path: string; readonly message: string };
}

export interface ContractViolation {
  /** `<domain>/<name>@v<version>`. */
  readonly product: string;
  /** Why, as a machine-readable kind. */
  readonly kind: ViolationKind;
  /** One line: why the record was refused. Never quotes the record. */
  readonly reason: string;
  readonly issues: readonly ViolationIssue[];
}

/** Formats a path of keys and indices as `a.b[2].c`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

type Node = ShapeType | { readonly kind: 'root'; readonly fields: readonly ShapeField[] } | undefined;

/** The path with every record key (data, not contract) replaced by `*`; segments the shape does not know are `*` too. */
export function redactPath(fields: readonly ShapeField[], path: ReadonlyArray<PropertyKey>): string {
  let node: Node = { kind: 'root', fields };
  const out: Array<string | number> = [];
  for (const seg of path) {
    if (node && (node.kind === 'root' || node.kind === 'object')) {
      const f: ShapeField | undefined = typeof seg === 'string' ? node.fields.find((x) => x.name === seg) : undefined;
      out.push(f ? f.name : '*');
      node = f?.type;
    } else if (node && node.kind === 'array' && typeof seg === 'number') {
      out.push(seg);
      node = node.items;
    } else if (node && node.kind === 'record') {
      out.push('*');
      node = node.values;
    } else {
      out.push(typeof seg === 'number' ? seg : '*');
      node = undefined;
    }
  }
  return formatPath(out);
}

/** The Zod issue fields a redacted message may use: they come from the contract, not from the record. */
interface ZodIssueLike {
  readonly code: string;
  readonly path: ReadonlyArray<PropertyKey>;
  readonly message: string;
  readonly expected?: unknown;
  readonly origin?: unknown;
  readonly maximum?: unknown;
  readonly minimum?: unknown;
  readonly inclusive?: unknown;
  readonly format?: unknown;
  readonly divisor?: unknown;
  readonly keys?: readonly unknown[];
}

function units(origin: unknown): string {
  switch (origin) {
    case 'string':
      return ' characters';
    case 'array':
    case 'set':
      return ' items';
    case 'object':
    case 'record':
      return ' keys';
    default:
      return '';
  }
}

/** A message for a Zod issue that quotes nothing from the record (not the value, not a key, not a refinement's own message). */
export function redactedZodMessage(i: ZodIssueLike): string {
  const bound = (v: unknown) => (typeof v === 'number' || typeof v === 'bigint' ? String(v) : '?');
  switch (i.code) {
    case 'invalid_type':
      return `expected ${typeof i.expected === 'string' ? i.expected : 'another type'}.`;
    case 'too_big':
      return `too big: ${i.origin === 'string' || i.origin === 'array' ? 'at most' : i.inclusive === false ? 'less than' : 'at most'} ${bound(i.maximum)}${units(i.origin)}.`;
    case 'too_small':
      return `too small: ${i.origin === 'string' || i.origin === 'array' ? 'at least' : i.inclusive === false ? 'more than' : 'at least'} ${bound(i.minimum)}${units(i.origin)}.`;
    case 'invalid_format':
      return `not a valid ${typeof i.format === 'string' ? i.format : 'value of its format'}.`;
    case 'not_multiple_of':
      return `not a multiple of ${bound(i.divisor)}.`;
    case 'unrecognized_keys':
      return `${i.keys?.length ?? 'some'} key(s) the contract does not declare.`;
    case 'invalid_value':
      return 'not one of the values the contract allows.';
    case 'invalid_key':
      return 'a key the contract does not allow.';
    case 'invalid_element':
      return 'an element the contract does not allow.';
    case 'invalid_union':
      return 'matches none of the allowed forms.';
    case 'custom':
      return 'a refinement of the contract failed (its message is withheld: it may quote the value).';
    default:
      return `${i.code} (message withheld: it may quote the value).`;
  }
}

/** The violation issues of Zod's issues, with their redacted forms. */
export function zodIssues(fields: readonly ShapeField[], issues: readonly ZodIssueLike[]): ViolationIssue[] {
  return issues.map((i) => ({
    path: formatPath(i.path),
    message: i.message,
    code: i.code,
    redacted: { path: redactPath(fields, i.path), message: redactedZodMessage(i) },
  }));
}

/** One of the codec's own issues; `redactedMessage` defaults to `message` (give one when `message` quotes the record). */
export function codecIssue(fields: readonly ShapeField[], path: ReadonlyArray<PropertyKey>, code: CodecIssueCode, message: string, redactedMessage: string = message): ViolationIssue {
  return { path: formatPath(path), message, code, redacted: { path: redactPath(fields, path), message: redactedMessage } };
}

/** Thrown only by `Codec.decodeOrThrow`. */
export class ContractViolationError extends Error {
  constructor(public readonly violation: ContractViolation) {
    super(`${violation.product}: ${violation.reason}: ${violation.issues.map((i) => `${i.path || '(record)'}: ${i.message}`).join('; ')}`);
    this.name = 'ContractViolationError';
  }
}
