// FROZEN copy of contracts/codec/violation.ts at b68cb10 (before issue 17), for bench/codec-bench.ts only. Do not edit.
/** A contract violation: every issue with its path. Returned, never thrown, by the codec. */
export interface ViolationIssue {
  /** The path in the record, e.g. `lines[2].sku` (empty for the record itself). */
  readonly path: string;
  readonly message: string;
}

export interface ContractViolation {
  /** `<domain>/<name>@v<version>`. */
  readonly product: string;
  /** One line: why the record was refused. */
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

/** Thrown only by `Codec.decodeOrThrow`. */
export class ContractViolationError extends Error {
  constructor(public readonly violation: ContractViolation) {
    super(`${violation.product}: ${violation.reason}: ${violation.issues.map((i) => `${i.path || '(record)'}: ${i.message}`).join('; ')}`);
    this.name = 'ContractViolationError';
  }
}
