/**
 * Classifies every change between two versions of a contract (key, kind and
 * shape): fields added or removed, optional ↔ required, types changed, bounds
 * widened or narrowed, enum values added or removed — at every depth — and a
 * changed key or kind. Pure; the gate ({@link ./gate}) judges the changes.
 */
import type { ProductKind } from '../dsl/data-product';
import { scalarProtoType } from '../proto/proto-schema';
import type { Shape, ShapeField, ShapeType } from '../schema/shape';

/** One accepted version of a contract, as its lock's history records it. */
export interface ContractVersion {
  readonly key: string;
  readonly kind: ProductKind;
  readonly shape: Shape;
}

export type ChangeKind =
  | 'field-added'
  | 'field-removed'
  | 'became-optional'
  | 'became-required'
  | 'type-changed'
  | 'bounds-widened'
  | 'bounds-narrowed'
  | 'bounds-changed'
  | 'enum-value-added'
  | 'enum-value-removed'
  | 'key-changed'
  | 'kind-changed';

/** One change, at a path such as `schema.lines[].sku`, `key` or `kind`. */
export interface Change {
  readonly kind: ChangeKind;
  readonly path: string;
  /** What changed, in words, with the values. */
  readonly detail: string;
  /** For field-added / field-removed: whether the field is (was) required. */
  readonly required?: boolean;
  /** For enum-value-added / -removed: the value. */
  readonly value?: string;
}

/** Every change from `before` to `after`, in a stable order. */
export function diffContracts(before: ContractVersion, after: ContractVersion): Change[] {
  const out: Change[] = [];
  if (before.key !== after.key) out.push({ kind: 'key-changed', path: 'key', detail: `the key changed from "${before.key}" to "${after.key}"` });
  if (before.kind !== after.kind) out.push({ kind: 'kind-changed', path: 'kind', detail: `the kind changed from "${before.kind}" to "${after.kind}"` });
  diffFields(before.shape.fields, after.shape.fields, 'schema', out);
  return out;
}

function diffFields(before: readonly ShapeField[], after: readonly ShapeField[], path: string, out: Change[]): void {
  const old = new Map(before.map((f) => [f.name, f]));
  const now = new Map(after.map((f) => [f.name, f]));
  for (const f of before) {
    const p = `${path}.${f.name}`;
    const n = now.get(f.name);
    if (!n) {
      out.push({ kind: 'field-removed', path: p, required: f.required, detail: `the ${f.required ? 'required' : 'optional'} field "${f.name}" was removed` });
      continue;
    }
    if (f.required && !n.required) out.push({ kind: 'became-optional', path: p, detail: `"${f.name}" became optional` });
    if (!f.required && n.required) out.push({ kind: 'became-required', path: p, detail: `"${f.name}" became required` });
    diffType(f.type, n.type, p, out);
  }
  for (const f of after) {
    if (!old.has(f.name)) {
      out.push({ kind: 'field-added', path: `${path}.${f.name}`, required: f.required, detail: `the ${f.required ? 'required' : 'optional'} field "${f.name}" was added` });
    }
  }
}

/** A type in words, for messages. */
export function describeType(t: ShapeType): string {
  switch (t.kind) {
    case 'array':
      return `array of ${describeType(t.items)}`;
    case 'record':
      return `record of ${describeType(t.values)}`;
    case 'int':
      return `int (${scalarProtoType(t)})`;
    case 'string':
      return t.format ? `string (${t.format})` : 'string';
    default:
      return t.kind;
  }
}

function diffType(a: ShapeType, b: ShapeType, path: string, out: Change[]): void {
  const changed = () => out.push({ kind: 'type-changed', path, detail: `the type changed from ${describeType(a)} to ${describeType(b)}` });
  if (a.kind !== b.kind) return void changed();
  switch (a.kind) {
    case 'object':
      return diffFields(a.fields, (b as typeof a).fields, path, out);
    case 'array': {
      const bb = b as typeof a;
      diffType(a.items, bb.items, `${path}[]`, out);
      return bounds(path, 'items', a.minItems, a.maxItems, bb.minItems, bb.maxItems, out);
    }
    case 'record':
      return diffType(a.values, (b as typeof a).values, `${path}{}`, out);
    case 'enum': {
      const bb = b as typeof a;
      for (const v of a.values) if (!bb.values.includes(v)) out.push({ kind: 'enum-value-removed', path, value: v, detail: `enum value "${v}" was removed` });
      for (const v of bb.values) if (!a.values.includes(v)) out.push({ kind: 'enum-value-added', path, value: v, detail: `enum value "${v}" was added` });
      return;
    }
    case 'int': {
      const bb = b as typeof a;
      if (scalarProtoType(a) !== scalarProtoType(bb)) return void changed();
      return bounds(path, 'value', a.min, a.max, bb.min, bb.max, out);
    }
    case 'double': {
      const bb = b as typeof a;
      const lo = cmpLower(a.min, !!a.minExclusive, bb.min, !!bb.minExclusive);
      const hi = cmpUpper(a.max, !!a.maxExclusive, bb.max, !!bb.maxExclusive);
      return judgeBounds(path, lo, hi, `[${range(a.min, a.max)}] → [${range(bb.min, bb.max)}]`, 'value', out);
    }
    case 'string': {
      const bb = b as typeof a;
      if ((a.format ?? '') !== (bb.format ?? '')) {
        if (bb.format === undefined) out.push({ kind: 'bounds-widened', path, detail: `the format ${a.format} was dropped` });
        else if (a.format === undefined) out.push({ kind: 'bounds-narrowed', path, detail: `the format ${bb.format} was added` });
        else out.push({ kind: 'bounds-changed', path, detail: `the format changed from ${a.format} to ${bb.format}` });
      }
      return bounds(path, 'length', a.minLength, a.maxLength, bb.minLength, bb.maxLength, out);
    }
    default:
      return; // uuid, datetime, date, boolean: same kind, nothing else to compare
  }
}

function range(min?: number, max?: number): string {
  return `${min ?? '−∞'}, ${max ?? '∞'}`;
}

/** −1: the new lower bound admits less; 0: same; 1: admits more. */
function cmpLower(a: number | undefined, aEx: boolean, b: number | undefined, bEx: boolean): number {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (a !== b) return b < a ? 1 : -1;
  return aEx === bEx ? 0 : bEx ? -1 : 1;
}

function cmpUpper(a: number | undefined, aEx: boolean, b: number | undefined, bEx: boolean): number {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (a !== b) return b > a ? 1 : -1;
  return aEx === bEx ? 0 : bEx ? -1 : 1;
}

function bounds(path: string, what: string, aMin: number | undefined, aMax: number | undefined, bMin: number | undefined, bMax: number | undefined, out: Change[]): void {
  const lo = cmpLower(aMin, false, bMin, false);
  const hi = cmpUpper(aMax, false, bMax, false);
  judgeBounds(path, lo, hi, `${what} bounds [${range(aMin, aMax)}] → [${range(bMin, bMax)}]`, what, out);
}

function judgeBounds(path: string, lo: number, hi: number, detail: string, _what: string, out: Change[]): void {
  if (lo === 0 && hi === 0) return;
  if (lo >= 0 && hi >= 0) out.push({ kind: 'bounds-widened', path, detail: `${detail} widened` });
  else if (lo <= 0 && hi <= 0) out.push({ kind: 'bounds-narrowed', path, detail: `${detail} narrowed` });
  else out.push({ kind: 'bounds-changed', path, detail: `${detail} moved` });
}
