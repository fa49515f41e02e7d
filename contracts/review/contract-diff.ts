/** What changed in a product's contract: its settings and its schema's fields. */
import type { Shape, ShapeType } from '../schema/shape';
import type { ManifestProduct } from './manifest-types';

/** A schema type in a few characters: `string ≤64`, `int 0..2147483647`, `enum(A|B)`, `array<object> ≤200`. */
export function typeText(t: ShapeType): string {
  switch (t.kind) {
    case 'string': return `string${t.format ? `(${t.format})` : ''}${t.minLength !== undefined ? ` ≥${t.minLength}` : ''}${t.maxLength !== undefined ? ` ≤${t.maxLength}` : ''}`;
    case 'int': return `int ${t.min}..${t.max}`;
    case 'double': return `double${t.min !== undefined ? ` ≥${t.min}` : ''}${t.max !== undefined ? ` ≤${t.max}` : ''}`;
    case 'enum': return `enum(${t.values.join('|')})`;
    case 'object': return 'object';
    case 'array': return `array<${typeText(t.items)}>${t.maxItems !== undefined ? ` ≤${t.maxItems}` : ''}`;
    case 'record': return `record<${typeText(t.values)}>`;
    default: return t.kind;
  }
}

/** Every field with a dotted path (`shippingAddress.city`, `lines[].sku`) → "type, required|optional". */
export function flattenShape(shape: Shape | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (fields: Shape['fields'], prefix: string) => {
    for (const f of fields) {
      const path = `${prefix}${f.name}`;
      out.set(path, `${typeText(f.type)}, ${f.required ? 'required' : 'optional'}`);
      if (f.type.kind === 'object') walk(f.type.fields, `${path}.`);
      if (f.type.kind === 'array' && f.type.items.kind === 'object') walk(f.type.items.fields, `${path}[].`);
    }
  };
  if (shape) walk(shape.fields, '');
  return out;
}

export interface Change {
  readonly what: string;
  readonly before?: string;
  readonly after?: string;
}

/** Fields added, removed or changed (sorted by path). */
export function fieldChanges(before: Shape | undefined, after: Shape | undefined): Change[] {
  const [b, a] = [flattenShape(before), flattenShape(after)];
  return [...new Set([...b.keys(), ...a.keys()])].sort()
    .filter((k) => b.get(k) !== a.get(k))
    .map((k) => ({ what: k, ...(b.has(k) ? { before: b.get(k) } : {}), ...(a.has(k) ? { after: a.get(k) } : {}) }));
}

function settings(p: ManifestProduct | undefined): Record<string, string> {
  if (!p) return {};
  return {
    description: p.description ?? '',
    'owner.team': p.owner.team,
    'owner.contact': p.owner.contact,
    'owner.principal': p.owner.principal ?? '(none)',
    // Shown only when set: the owner's Write on the topic (its ACLs are in the grants too).
    ...(p.owner.replay ? { 'owner.replay': 'true (the owner may write the topic to replay dead letters)' } : {}),
    'producer.principal': p.producer.principal,
    kind: p.kind,
    key: p.key,
    classification: p.classification,
    compatibility: p.compatibility,
    retention: p.retention.text,
    'throughput.peakMessagesPerSecond': String(p.throughput.peakMessagesPerSecond),
    'throughput.averageMessageBytes': String(p.throughput.averageMessageBytes),
    keyCardinality: p.keyCardinality === undefined ? '(not declared)' : String(p.keyCardinality),
    consumers: p.consumers.map((c) => `${c.name} (${c.principal})`).join(', ') || '(none)',
    suppressions: (p.suppressions ?? []).map((s) => `${s.rule} on ${s.resource}`).join(', ') || '(none)',
  };
}

/** Contract settings that differ. */
export function settingChanges(before: ManifestProduct | undefined, after: ManifestProduct | undefined): Change[] {
  const [b, a] = [settings(before), settings(after)];
  return [...new Set([...Object.keys(b), ...Object.keys(a)])]
    .filter((k) => b[k] !== a[k])
    .map((k) => ({ what: k, ...(k in b ? { before: b[k] } : {}), ...(k in a ? { after: a[k] } : {}) }));
}
