/**
 * The evolution gate: judges a contract against every shape in its lock's
 * history under its compatibility mode, with the meaning of Confluent Schema
 * Registry's transitive modes, at the contract level (a Zod-required field is
 * required):
 *
 * - BACKWARD (= BACKWARD_TRANSITIVE): consumers on the new contract can read
 *   everything written under every earlier shape of this major version.
 * - FORWARD (= FORWARD_TRANSITIVE): consumers on any earlier shape can read
 *   what is written under the new one.
 * - FULL (= FULL_TRANSITIVE): both.
 * - NONE: any change, except a key or kind change — always breaking within a
 *   major version.
 *
 * A rejected change is one {@link Problem} naming the product, the path, who
 * breaks, and the remedy: a new contract file for the next major version.
 */
import type { Compatibility } from '../dsl/data-product';
import { topicName } from '../derive/names';
import type { Problem } from '../problems';
import { diffContracts, type Change, type ChangeKind, type ContractVersion } from './diff';

/** Who a change breaks. */
export type Breaks =
  /** Consumers on the new contract reading data written under an earlier shape. */
  | 'consumers-of-old-data'
  /** Consumers still on an earlier shape reading data written under the new one. */
  | 'old-consumers-of-new-data'
  /** Everyone: the key or kind of a topic cannot change within a major version. */
  | 'everyone';

/** Whom each kind of change breaks (a required field added breaks readers of old data; an optional one breaks no one). */
export function breaksOf(change: Change): Breaks[] {
  const table: Record<ChangeKind, Breaks[]> = {
    'field-added': change.required ? ['consumers-of-old-data'] : [],
    'field-removed': change.required ? ['old-consumers-of-new-data'] : [],
    'became-optional': ['old-consumers-of-new-data'],
    'became-required': ['consumers-of-old-data'],
    'type-changed': ['consumers-of-old-data', 'old-consumers-of-new-data'],
    'bounds-widened': ['old-consumers-of-new-data'],
    'bounds-narrowed': ['consumers-of-old-data'],
    'bounds-changed': ['consumers-of-old-data', 'old-consumers-of-new-data'],
    'enum-value-added': ['old-consumers-of-new-data'],
    'enum-value-removed': ['consumers-of-old-data'],
    'key-changed': ['everyone'],
    'kind-changed': ['everyone'],
  };
  return table[change.kind];
}

/** Whether `mode` allows a change that breaks `breaks`. */
export function modeAllows(mode: Compatibility, breaks: readonly Breaks[]): boolean {
  if (breaks.includes('everyone')) return false;
  switch (mode) {
    case 'NONE':
      return true;
    case 'BACKWARD':
      return !breaks.includes('consumers-of-old-data');
    case 'FORWARD':
      return !breaks.includes('old-consumers-of-new-data');
    case 'FULL':
      return breaks.length === 0;
  }
}

/** A change the mode rejects, against which shape of the history. */
export interface RejectedChange {
  readonly change: Change;
  readonly breaks: readonly Breaks[];
  /** 1-based index into the history of the first shape it breaks against. */
  readonly against: number;
}

/** The product facts the gate's messages need. */
export interface GateSubject {
  readonly id: string;
  readonly domain: string;
  readonly name: string;
  readonly version: number;
  readonly compatibility: Compatibility;
  readonly source?: string;
}

/** Every change from each shape of `history` to `current` that `mode` rejects (deduplicated by path and kind). */
export function rejectedChanges(mode: Compatibility, history: readonly ContractVersion[], current: ContractVersion): RejectedChange[] {
  const seen = new Map<string, RejectedChange>();
  history.forEach((h, i) => {
    for (const change of diffContracts(h, current)) {
      const breaks = breaksOf(change);
      if (modeAllows(mode, breaks)) continue;
      const id = `${change.kind}\u0000${change.path}\u0000${change.value ?? ''}`;
      if (!seen.has(id)) seen.set(id, { change, breaks, against: i + 1 });
    }
  });
  return [...seen.values()];
}

/** Where the next major version's contract goes: beside the current file. */
export function nextMajorFile(subject: GateSubject): string {
  const dir = subject.source ? subject.source.replace(/\/[^/]*$/, '') : `contracts/products/${subject.domain}`;
  return `${dir}/${subject.name}.v${subject.version + 1}.ts`;
}

const WHO: Record<Breaks, string> = {
  'consumers-of-old-data': 'consumers on the new contract could not read data written under the earlier shape (consumers of old data break)',
  'old-consumers-of-new-data': 'consumers still on the earlier contract could not read data written under the new one (old consumers of new data break)',
  everyone: 'every consumer and the topic itself break: records are partitioned and compacted by key, and the kind decides the cleanup policy',
};

function undo(c: Change): string {
  const name = c.path.replace(/^.*\./, '');
  switch (c.kind) {
    case 'field-added':
      return `make "${name}" optional (.optional())`;
    case 'field-removed':
      return `keep "${name}"`;
    case 'became-optional':
      return `keep "${name}" required`;
    case 'became-required':
      return `keep "${name}" optional`;
    case 'type-changed':
      return `keep the type, and add a field with a new name for the new type`;
    case 'bounds-widened':
    case 'bounds-narrowed':
    case 'bounds-changed':
      return 'keep the previous bounds';
    case 'enum-value-added':
      return `leave "${c.value}" out`;
    case 'enum-value-removed':
      return `keep enum value "${c.value}"`;
    case 'key-changed':
    case 'kind-changed':
      return `restore the previous ${c.path}`;
  }
}

/** One problem per rejected change: what changed, under which mode, who breaks, and the remedy. */
export function gateProblems(subject: GateSubject, history: readonly ContractVersion[], current: ContractVersion): Problem[] {
  const mode = subject.compatibility;
  const next = subject.version + 1;
  const remedy = `declare the next major version as a new contract file beside this one (${nextMajorFile(subject)} with version: ${next}), which creates the new topic ${topicName(subject.domain, subject.name, next)}; v${subject.version} keeps running until its contract is retired.`;
  return rejectedChanges(mode, history, current).map((r) => {
    const against = history.length > 1 ? ` (against accepted shape #${r.against} of ${history.length} in the lock's history)` : '';
    const rule = r.breaks.includes('everyone') ? 'within a major version' : `under ${mode} compatibility (transitive)`;
    return {
      product: subject.id,
      field: r.change.path,
      message: `${r.change.detail}${against}; ${rule} this is breaking: ${r.breaks.map((b) => WHO[b]).join('; and ')}.`,
      fix: `${undo(r.change)}; or ${remedy}`,
    };
  });
}
