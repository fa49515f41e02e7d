// FROZEN copy of contracts/codec/normalise.ts at b68cb10 (before issue 17), for bench/codec-bench.ts only. Do not edit.
/**
 * Normalisation rules, applied on encode (so `decode(encode(v))` equals
 * `normalise(v)`):
 *
 * - datetimes → UTC ISO-8601 with exactly millisecond precision (`2026-01-02T03:04:05.678Z`);
 * - UUIDs → lower case;
 * - an absent record (map) → an empty one, and an empty optional array → absent
 *   (proto3 cannot tell absent and empty apart for either);
 * - numbers: −0 → 0 (proto3 does not carry the sign of a zero);
 * - everything else as given (absent optional fields stay absent).
 */
import type { Shape, ShapeField, ShapeType } from '../../contracts/schema/shape';

/** Normalises a value that already satisfies the contract. */
export function normaliseRecord(shape: Shape, value: Record<string, unknown>): Record<string, unknown> {
  return normaliseFields(shape.fields, value);
}

function normaliseFields(fields: readonly ShapeField[], value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = value[f.name];
    if (v === undefined) {
      if (f.type.kind === 'record') out[f.name] = {};
      continue;
    }
    if (f.type.kind === 'array' && !f.required && (v as unknown[]).length === 0) continue;
    out[f.name] = normaliseValue(f.type, v);
  }
  return out;
}

/** Normalises one value of a type. */
export function normaliseValue(t: ShapeType, v: unknown): unknown {
  switch (t.kind) {
    case 'datetime':
      return new Date(v as string).toISOString();
    case 'uuid':
      return (v as string).toLowerCase();
    case 'int':
    case 'double':
      return Object.is(v, -0) ? 0 : v;
    case 'object':
      return normaliseFields(t.fields, v as Record<string, unknown>);
    case 'array':
      return (v as unknown[]).map((x) => normaliseValue(t.items, x));
    case 'record':
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, normaliseValue(t.values, x)]));
    default:
      return v;
  }
}

/** Paths of strings that are not valid Unicode (lone surrogates), which UTF-8 cannot carry. */
export function invalidUnicodePaths(t: ShapeType | { kind: 'root'; fields: readonly ShapeField[] }, v: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  if (typeof v === 'string') {
    if (!isWellFormed(v)) out.push(path);
    return out;
  }
  if (v === null || typeof v !== 'object') return out;
  if (t.kind === 'root' || t.kind === 'object') {
    for (const f of t.fields) out.push(...invalidUnicodePaths(f.type, (v as Record<string, unknown>)[f.name], [...path, f.name]));
  } else if (t.kind === 'array' && Array.isArray(v)) {
    v.forEach((x, i) => out.push(...invalidUnicodePaths(t.items, x, [...path, i])));
  } else if (t.kind === 'record') {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (!isWellFormed(k)) out.push([...path, k]);
      out.push(...invalidUnicodePaths(t.values, x, [...path, k]));
    }
  }
  return out;
}

/** True when `s` has no lone surrogate. */
export function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}
