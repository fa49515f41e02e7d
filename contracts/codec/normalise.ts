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
import type { Shape, ShapeField, ShapeType } from '../schema/shape';

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
