/**
 * What Terraform will do to each resource, predicted from two synth outputs
 * and the providers' real behaviour (facts/mongey-kafka/NOTES.md):
 *
 * - `kafka_topic`: a new name or fewer partitions → destroy and re-create
 *   (CustomizeDiff ForceNew); replication, more partitions and `config` are
 *   updated in place (AlterConfigs is non-incremental: a key removed from the
 *   map reverts to the broker's default).
 * - `kafka_acl`, `kafka_quota`: no Update; any change → destroy and re-create.
 * - a changed Terraform address (renamed construct) → destroy + create.
 * - other types: a change of an attribute in {@link FORCE_NEW} → replace, else update.
 */
import type { SynthOutput, SynthResource } from './synth-output';

export type ChangeAction = 'create' | 'update' | 'replace' | 'delete';

export interface ResourceChange {
  readonly stack: string;
  readonly address: string;
  /** Data sources are diffed only to see IAM policy documents widen; the summary counts resources. */
  readonly kind: 'resource' | 'data';
  readonly type: string;
  readonly path: string;
  readonly action: ChangeAction;
  readonly before?: Readonly<Record<string, unknown>>;
  readonly after?: Readonly<Record<string, unknown>>;
  /** Top-level attributes that differ (`config.retention.ms` for topic config keys). */
  readonly changed: readonly string[];
  /** Why it is replaced, e.g. "partitions decrease 12 → 6". */
  readonly replaceReason?: string;
}

/** Attributes whose change replaces the resource, by type (what the providers mark ForceNew). */
export const FORCE_NEW: Readonly<Record<string, readonly string[] | '*'>> = {
  kafka_acl: '*',
  kafka_quota: '*',
  kafka_user_scram_credential: ['username', 'scram_mechanism'],
  aws_secretsmanager_secret: ['name', 'name_prefix'],
  aws_cloudwatch_log_group: ['name', 'name_prefix'],
  aws_iam_role: ['name', 'name_prefix', 'path'],
  aws_iam_policy: ['name', 'name_prefix', 'path'],
  aws_kms_key: ['customer_master_key_spec', 'key_usage'],
  aws_lambda_function: ['function_name'],
  aws_db_instance: ['identifier', 'engine', 'db_name'],
};

const IGNORED = new Set(['provider', 'depends_on']);

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Which attributes differ; topic `config` keys are listed one by one. */
export function changedAttributes(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !IGNORED.has(k)).sort();
  const out: string[] = [];
  for (const k of keys) {
    if (same(before[k], after[k])) continue;
    const b = before[k];
    const a = after[k];
    if (k === 'config' && typeof b === 'object' && typeof a === 'object') {
      const ck = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])].sort();
      for (const c of ck) if (!same((b as Record<string, unknown>)?.[c], (a as Record<string, unknown>)?.[c])) out.push(`config.${c}`);
    } else out.push(k);
  }
  return out;
}

function replaceReason(r: SynthResource, before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>, changed: readonly string[]): string | undefined {
  if (r.type === 'kafka_topic') {
    if (before.name !== after.name) return `name changes "${String(before.name)}" → "${String(after.name)}"`;
    if (Number(after.partitions) < Number(before.partitions)) return `partitions decrease ${String(before.partitions)} → ${String(after.partitions)}`;
    return undefined;
  }
  const forceNew = FORCE_NEW[r.type];
  if (!forceNew) return undefined;
  const hit = forceNew === '*' ? changed.filter((c) => c !== 'lifecycle') : changed.filter((c) => forceNew.includes(c));
  if (hit.length === 0) return undefined;
  return forceNew === '*' ? `${r.type} has no update: ${hit.join(', ')} changed` : `${hit.join(', ')} changed`;
}

/** Every resource that changes, by stack and address (sorted). */
export function diffResources(base: SynthOutput, head: SynthOutput): ResourceChange[] {
  const out: ResourceChange[] = [];
  const stacks = [...new Set([...base.stacks.keys(), ...head.stacks.keys()])].sort();
  for (const stack of stacks) {
    const b = base.stacks.get(stack)?.resources ?? new Map<string, SynthResource>();
    const h = head.stacks.get(stack)?.resources ?? new Map<string, SynthResource>();
    for (const address of [...new Set([...b.keys(), ...h.keys()])].sort()) {
      const before = b.get(address);
      const after = h.get(address);
      if (!before && after) out.push({ stack, address, kind: after.kind, type: after.type, path: after.path, action: 'create', after: after.config, changed: [] });
      else if (before && !after) out.push({ stack, address, kind: before.kind, type: before.type, path: before.path, action: 'delete', before: before.config, changed: [] });
      else if (before && after) {
        const changed = changedAttributes(before.config, after.config);
        if (changed.length === 0) continue;
        const reason = after.kind === 'data' ? undefined : replaceReason(after, before.config, after.config, changed);
        out.push({
          stack, address, kind: after.kind, type: after.type, path: after.path, action: reason ? 'replace' : 'update',
          before: before.config, after: after.config, changed, ...(reason ? { replaceReason: reason } : {}),
        });
      }
    }
  }
  return out;
}

/** add/change/replace/destroy counts by stack and type. */
export interface SummaryRow {
  readonly stack: string;
  readonly type: string;
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
}

export function summarise(changes: readonly ResourceChange[]): SummaryRow[] {
  const rows = new Map<string, { stack: string; type: string; create: number; update: number; replace: number; delete: number }>();
  for (const c of changes) {
    if (c.kind === 'data') continue;
    const key = `${c.stack}\u0000${c.type}`;
    const row = rows.get(key) ?? { stack: c.stack, type: c.type, create: 0, update: 0, replace: 0, delete: 0 };
    row[c.action]++;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => (a.stack === b.stack ? (a.type < b.type ? -1 : 1) : a.stack < b.stack ? -1 : 1));
}
