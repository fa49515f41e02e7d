/**
 * The review of a change to the mesh: two synth outputs in, one Markdown page
 * and an exit code out. Pure: the CLI (`scripts/review.ts`) reads the folders.
 *
 * One page, whatever the size of the mesh: every section shows only what the
 * change touches — the changed stacks, the added, changed and removed products,
 * the costs and lineage that move — and gives totals for the rest; a table or
 * a subsection with nothing to show is left out; long lists fold under
 * `<details>`, with a one-line summary outside.
 */
import { duration } from '../derive/derived';
import { aclKey } from '../derive/acls';
import { fieldChanges, settingChanges, type Change } from './contract-diff';
import { costSection } from './cost-section';
import { blocks, findDangers, type Danger } from './dangers';
import { lineageChanged, lineageOf, renderMermaid, type Lineage } from './lineage';
import type { ManifestProduct, ManifestStackProduct, ManifestTopic, ReviewManifest } from './manifest-types';
import { ownerOf, productsOf } from './product-index';
import { diffResources, summarise, type ResourceChange, type SummaryRow } from './resource-diff';
import { reviewScope, type ReviewScope } from './scope';
import type { SynthOutput } from './synth-output';
import { arrow, code, esc, FOLD_AFTER, folded, plural } from './markdown';

export interface ReviewOptions {
  /** How the base is named in the page, e.g. `main@1a2b3c4`. @default 'base' (or 'nothing' without a base) */
  readonly baseLabel?: string;
  /** How the head is named. @default 'head' */
  readonly headLabel?: string;
}

export interface Review {
  readonly markdown: string;
  /** 0: nothing blocks; 1: an unacknowledged error. */
  readonly exitCode: 0 | 1;
  readonly dangers: readonly Danger[];
  readonly summary: readonly SummaryRow[];
  readonly changes: readonly ResourceChange[];
  /** The lineage of the products whose producers, topics, consumers or sink tables change. */
  readonly lineage: Lineage;
}

/** How each product fares in the change: added, removed, changed or unchanged (with the contract's changes). */
export interface ProductStatus {
  readonly id: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly base?: ManifestProduct;
  readonly head?: ManifestProduct;
  readonly settings: readonly Change[];
  readonly fields: readonly Change[];
}

/** Every product of either side with its status, sorted by id. */
export function productStatuses(base: ReviewManifest, head: ReviewManifest, changes: readonly ResourceChange[]): ProductStatus[] {
  const all = productsOf(base, head);
  const touched = new Set(changes.map((c) => ownerOf(c, all)?.product.id).filter(Boolean));
  const [b, h] = [new Map(base.products.map((p) => [p.id, p])), new Map(head.products.map((p) => [p.id, p]))];
  return [...all.keys()].sort().map((id) => {
    const [before, after] = [b.get(id), h.get(id)];
    const settings = before && after ? settingChanges(before, after) : [];
    const fields = before && after ? fieldChanges(before.shape, after.shape) : [];
    const status = !before ? 'added' : !after ? 'removed' : settings.length || fields.length || touched.has(id) ? 'changed' : 'unchanged';
    return { id, status, base: before, head: after, settings, fields };
  });
}

/** Reviews head against base (`hasBase` false: the whole mesh as new). */
export function reviewMesh(fullBase: SynthOutput, fullHead: SynthOutput, options: ReviewOptions = {}, hasBase = true): Review {
  // A developer's loopback mesh (the local environment) is left out of every section; one line says so.
  const { base, head, leftOut } = reviewScope(fullBase, fullHead);
  const all = diffResources(base, head);
  const changes = all.filter((c) => c.kind === 'resource');
  const dangers = findDangers(all, base.manifest, head.manifest);
  const summary = summarise(changes);
  const statuses = productStatuses(base.manifest, head.manifest, changes);
  const moved = statuses.filter((s) => s.status !== 'unchanged');
  const drawn = new Set(moved.filter((s) => lineageChanged(s.base, s.head)).map((s) => s.id));
  const lineage = lineageOf(base.manifest.products, head.manifest.products, drawn);
  const blocking = dangers.filter(blocks);
  const exitCode = blocking.length ? 1 : 0;
  const count = (status: ProductStatus['status']) => statuses.filter((s) => s.status === status).length;
  const md: string[] = [];
  md.push('# contract-mesh review', '');
  md.push(exitCode ? `**❌ ${blocking.length} unacknowledged error${blocking.length === 1 ? '' : 's'} block${blocking.length === 1 ? 's' : ''} this change.**` : '**✅ Nothing blocks this change.**');
  md.push('', `Base: ${hasBase ? (options.baseLabel ?? 'base') : 'nothing (the whole mesh is reviewed as new)'} · Head: ${options.headLabel ?? 'head'} · ${plural(changes.length, 'resource change')} in ${plural(new Set(changes.map((c) => c.stack)).size, 'stack')} · products: ${count('added')} added, ${count('changed')} changed, ${count('removed')} removed, ${count('unchanged')} unchanged.`, '');
  md.push(...dangerSection(dangers, head.manifest, statuses));
  md.push(...warningSection(head.manifest, statuses));
  md.push(...summarySection(summary, base, head, leftOut));
  md.push(...productSection(base.manifest, head.manifest, statuses));
  md.push(...costSection(base.manifest, head.manifest, statuses));
  md.push(...lineageSection(lineage, statuses.length - drawn.size));
  return { markdown: `${md.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`, exitCode, dangers, summary, changes, lineage };
}

const LEVEL: Record<string, string> = { error: '❌ **error**', warning: '⚠️ warning' };
const WHAT: Record<string, string> = {
  'CM-DANGER-DESTROY': 'destroyed or replaced stateful resources',
  'CM-DANGER-RETENTION': 'shorter retentions',
  'CM-DANGER-PARTITIONS': 'partition changes',
  'CM-DANGER-REPLICATION': 'replication changes',
  'CM-DANGER-CONFIG-DEFAULT': 'topic settings reverting to the broker default',
  'CM-DANGER-ACCESS-LOST': 'lost or interrupted accesses',
  'CM-DANGER-GRANT-WIDENS': 'new grants',
  'CM-DANGER-PREVENT-DESTROY': 'removed prevent_destroy guards',
};

/** One line per danger, the same danger in several stacks (dev and prod) on one line. */
function dangerLines(dangers: readonly Danger[]): string[] {
  const merged = new Map<string, { d: Danger; stacks: string[] }>();
  for (const d of dangers) {
    const key = [d.level, d.acknowledged ?? '', d.code, d.message].join('\u0000');
    const m = merged.get(key);
    if (m) m.stacks.push(d.stack);
    else merged.set(key, { d, stacks: [d.stack] });
  }
  return [...merged.values()].map(({ d, stacks }) => {
    const icon = d.acknowledged ? '✔️ acknowledged' : LEVEL[d.level];
    return `- ${icon} · ${stacks.map(code).join(', ')} · ${d.code}: ${d.message}.${d.acknowledged ? ` _${d.acknowledged}_` : ''}`;
  });
}

/**
 * The grants of new IAM roles and policies, folded; a long list (a new mesh) gives each one's actions only, without
 * the resources they are on (the CM-IAM rules have checked at synth that each is scoped).
 */
function grantsFolded(title: string, dangers: readonly Danger[]): string[] {
  const lines = dangerLines(dangers);
  if (lines.length <= FOLD_AFTER) return folded(`${title} (${dangers.length})`, lines);
  const brief = dangerLines(dangers.map((d) => ({ ...d, message: d.brief ?? d.message })));
  return folded(`${title} (${dangers.length}; their actions — the resources each is on are in its stack's cdk.tf.json, and the CM-IAM rules checked each is scoped)`, brief);
}

function dangerSection(dangers: readonly Danger[], head: ReviewManifest, statuses: readonly ProductStatus[]): string[] {
  const out = ['## Danger list', ''];
  if (dangers.length === 0) out.push('No destroy, replacement, partition, retention or replication change, no lost or widened access, no removed `prevent_destroy`.', '');
  // Unacknowledged errors first, each on its line: they block the merge.
  const blocking = dangers.filter(blocks);
  const blockingLines = dangerLines(blocking);
  out.push(...blockingLines.slice(0, 10));
  if (blockingLines.length > 10) out.push(...folded(`${blockingLines.length - 10} more errors`, blockingLines.slice(10)));
  // The grants of a new product are its ACL matrix (and its roles' policies): one line per product.
  const added = new Set(statuses.filter((s) => s.status === 'added').map((s) => s.id));
  const rest = dangers.filter((d) => !blocks(d));
  const ofNew = rest.filter((d) => d.code === 'CM-DANGER-GRANT-WIDENS' && d.product !== undefined && added.has(d.product));
  const byProduct = new Map<string, Danger[]>();
  for (const d of ofNew) byProduct.set(d.product as string, [...(byProduct.get(d.product as string) ?? []), d]);
  for (const [id, list] of byProduct) {
    const stacks = [...new Set(list.map((d) => d.stack))];
    const acls = list.filter((d) => d.address.startsWith('kafka_acl.'));
    const perStack = new Set(stacks.map((st) => acls.filter((d) => d.stack === st).length));
    const aclText = perStack.size === 1 && stacks.length > 1 ? `${plural([...perStack][0], 'ACL')} in each` : plural(acls.length, 'ACL');
    const iam = list.filter((d) => !acls.includes(d));
    const iamPerStack = new Set(stacks.map((st) => iam.filter((d) => d.stack === st).length));
    const iamText = iamPerStack.size === 1 && stacks.length > 1 ? `${plural([...iamPerStack][0], 'IAM role or policy', 'IAM roles and policies')} in each` : plural(iam.length, 'IAM role or policy', 'IAM roles and policies');
    out.push(`- ⚠️ warning · ${stacks.map(code).join(', ')} · CM-DANGER-GRANT-WIDENS: the new product ${id} grants ${aclText} (its ACL matrix below)${iam.length ? ` and ${iamText} (below)` : ''}.`);
  }
  // New IAM roles and policies outside a new product (a new domain's migration function, a platform policy): what
  // they allow is new, not a widening of an existing grant; one line, each below.
  const created = rest.filter((d) => d.code === 'CM-DANGER-GRANT-WIDENS' && d.created && !ofNew.includes(d));
  if (created.length) {
    const stacks = [...new Set(created.map((d) => d.stack))];
    out.push(`- ⚠️ warning · ${stacks.map(code).join(', ')} · CM-DANGER-GRANT-WIDENS: ${plural(created.length, 'new IAM role or policy', 'new IAM roles and policies')}, what each allows below.`, '', ...grantsFolded('IAM grants of new roles and policies', created));
  }
  // The other dangers by code, in the order of their weight; a long group folds.
  const others = rest.filter((d) => !ofNew.includes(d) && !created.includes(d));
  const codes = [...new Set(others.map((d) => `${d.acknowledged ? 'ack' : d.level}\u0000${d.code}`))];
  for (const key of codes) {
    const [, dangerCode] = key.split('\u0000');
    const group = others.filter((d) => `${d.acknowledged ? 'ack' : d.level}\u0000${d.code}` === key);
    const lines = dangerLines(group);
    if (lines.length <= FOLD_AFTER) out.push(...lines);
    else {
      const first = group[0];
      const icon = first.acknowledged ? '✔️ acknowledged' : LEVEL[first.level];
      const stacks = [...new Set(group.map((d) => d.stack))];
      out.push(`- ${icon} · ${stacks.map(code).join(', ')} · ${dangerCode} × ${lines.length}: ${WHAT[dangerCode] ?? 'dangers'}, each below.`, '', ...folded(`${dangerCode}: ${WHAT[dangerCode] ?? 'dangers'} (${lines.length})`, lines));
    }
  }
  // Standing, not a change: shown in every review while an environment opts out of verifying the database.
  for (const e of head.environments.filter((x) => x.databaseTls?.verifyServerCertificate === false)) {
    out.push(`- ⚠️ warning · environment ${code(e.name)} · CM-DANGER-TLS-UNVERIFIED: the migration function connects to the database WITHOUT verifying its TLS certificate (aws.databaseTls.verifyServerCertificate: false), so anything on the network path can pose as the database and receive the master password. Fix: commit the region's RDS CA bundle and set aws.databaseTls.caBundleFile (docs/aws-security.md).`);
  }
  // Their Kafka ACLs are the ACL matrix of each new product; what else they are granted (IAM) folds here.
  const iam = ofNew.filter((d) => !d.address.startsWith('kafka_acl.'));
  if (iam.length) out.push('', ...grantsFolded('IAM grants of the new products', iam));
  out.push(...policySection(head, statuses));
  out.push('');
  return out;
}

/** What synth warned about in the head for the products the change touches, as synth printed it; a count for the rest. */
function warningSection(head: ReviewManifest, statuses: readonly ProductStatus[]): string[] {
  const moved = new Set(statuses.filter((s) => s.status !== 'unchanged').map((s) => s.id));
  const all = head.stacks.flatMap((s) => s.products.flatMap((p) => (p.warnings ?? []).map((w) => ({ id: p.id, line: `- ⚠️ ${code(s.name)}: ${esc(w)}` }))));
  const lines = all.filter((w) => moved.has(w.id)).map((w) => w.line);
  const others = all.length - lines.length;
  if (!lines.length && !others) return [];
  const out = ['### Synth warnings', ''];
  if (lines.length <= 10) out.push(...lines);
  else out.push(`- ⚠️ ${plural(lines.length, 'warning')} of the products this change touches, each below.`, '', ...folded(`Synth warnings (${lines.length})`, lines));
  if (others) out.push(`- ${plural(others, 'other synth warning')} of unchanged products (\`warnings\` in mesh-manifest.json).`);
  return [...out, ''];
}

/** The head's policy findings and suppressions on what the change touches; a count for the rest. */
function policySection(head: ReviewManifest, statuses: readonly ProductStatus[]): string[] {
  const moved = new Set(statuses.filter((s) => s.status !== 'unchanged').map((s) => s.id));
  const mine = (f: { product?: string }) => f.product !== undefined && moved.has(f.product);
  const findings = head.policy.findings.filter(mine);
  const suppressions = head.policy.suppressions.filter(mine);
  const others = head.policy.findings.length - findings.length + head.policy.suppressions.length - suppressions.length;
  if (!findings.length && !suppressions.length && !others) return [];
  const out = ['', '### Policy', ''];
  for (const f of findings) out.push(`- ${f.suppressed ? '🔕 suppressed' : f.level === 'error' ? '❌ error' : '⚠️ warning'} · ${f.rule} · ${code(f.path)}: ${f.message}${f.suppressed ? ` _Reason: ${f.suppressed}_` : ''}`);
  for (const s of suppressions) out.push(`- 🔕 ${s.product} suppresses ${s.rule} on ${code(s.resource)}: _${s.reason}_`);
  if (others) out.push(`- ${plural(others, 'other finding or suppression', 'other findings and suppressions')} of unchanged products and stacks (\`policy\` in mesh-manifest.json).`);
  return out;
}

function summarySection(rows: readonly SummaryRow[], base: SynthOutput, head: SynthOutput, leftOut: ReviewScope['leftOut']): string[] {
  const out = ['## Summary', ''];
  const stacks = [...new Set([...base.stacks.keys(), ...head.stacks.keys()])].sort();
  const changed = [...new Set(rows.map((r) => r.stack))];
  const unchanged = stacks.filter((s) => !changed.includes(s));
  if (rows.length) {
    out.push('| stack | add | change | replace | destroy | by resource type |', '|---|---:|---:|---:|---:|---|');
    for (const stack of changed) {
      const mine = rows.filter((r) => r.stack === stack);
      const sum = (k: 'create' | 'update' | 'replace' | 'delete') => mine.reduce((n, r) => n + r[k], 0);
      const types = mine.map((r) => `${r.type} ${[r.create && `+${r.create}`, r.update && `~${r.update}`, r.replace && `±${r.replace}`, r.delete && `−${r.delete}`].filter(Boolean).join(' ')}`).join(', ');
      out.push(`| ${stack} | ${sum('create') || ''} | ${sum('update') || ''} | ${sum('replace') ? `**${sum('replace')}**` : ''} | ${sum('delete') ? `**${sum('delete')}**` : ''} | ${types} |`);
    }
  } else out.push('No resource changes.');
  // One paragraph: the stacks the change leaves alone, and those of a developer's loopback mesh, which are not reviewed.
  const notes = [
    ...(unchanged.length ? [`No changes in ${unchanged.length <= 8 ? unchanged.map(code).join(', ') : `${unchanged.length} other stacks`}.`] : []),
    ...leftOut.map((e) => `Not reviewed: the ${plural(e.stacks, 'stack')} of ${code(e.environment)}, a developer's loopback mesh that no pipeline deploys (\`npm run mesh:plan\` shows what the change does to it).`),
  ];
  if (notes.length) out.push('', notes.join(' '));
  out.push('');
  return out;
}

function changeTable(title: string, changes: readonly Change[]): string[] {
  if (!changes.length) return [];
  return [`${title}:`, '', '| what | before | after |', '|---|---|---|', ...changes.map((c) => `| ${esc(c.what)} | ${esc(c.before ?? '—')} | ${esc(c.after ?? '—')} |`), ''];
}

function show(key: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  return key.endsWith('.ms') && Number(v) > 0 ? `${v} (${duration(Number(v))})` : v;
}

/** The derived settings of one topic; for a changed product only the rows whose value or reason changes. */
function settingRows(env: string, which: string, b: ManifestTopic | undefined, a: ManifestTopic | undefined, onlyChanged: boolean): string[] {
  const rows: string[] = [];
  const row = (setting: string, before: string | undefined, after: string | undefined, reasonBefore: string | undefined, reasonAfter: string | undefined) => {
    if (onlyChanged && before === after && reasonBefore === reasonAfter) return;
    const value = !b || !a ? (after ?? before ?? '—') : arrow(before, after);
    const reason = reasonBefore !== undefined && reasonAfter !== undefined && reasonBefore !== reasonAfter && onlyChanged ? `${reasonBefore} → ${reasonAfter}` : (reasonAfter ?? reasonBefore ?? '');
    rows.push(`| ${env} | ${which} | ${setting} | ${esc(value)} | ${esc(reason)} |`);
  };
  row('name', b?.name, a?.name, undefined, undefined);
  row('partitions', b ? String(b.partitions.value) : undefined, a ? String(a.partitions.value) : undefined, b?.partitions.reason, a?.partitions.reason);
  row('replication_factor', b ? String(b.replicationFactor.value) : undefined, a ? String(a.replicationFactor.value) : undefined, b?.replicationFactor.reason, a?.replicationFactor.reason);
  const keys = [...new Set([...Object.keys(b?.config ?? {}), ...Object.keys(a?.config ?? {})])].sort();
  const reasonOf = (t: ManifestTopic | undefined, k: string) => t?.config[k]?.reason ?? (t?.unset?.[k] ? `unset: ${t.unset[k]}` : undefined);
  for (const k of keys) row(k, show(k, b?.config[k]?.value), show(k, a?.config[k]?.value), reasonOf(b, k), reasonOf(a, k));
  return rows;
}

function stackProducts(m: ReviewManifest, id: string): Map<string, ManifestStackProduct> {
  const out = new Map<string, ManifestStackProduct>();
  for (const s of m.stacks) for (const p of s.products) if (p.id === id) out.set(s.environment, p);
  return out;
}

function productSection(base: ReviewManifest, head: ReviewManifest, statuses: readonly ProductStatus[]): string[] {
  const out = ['## Per product', ''];
  const retired = new Map(head.retired.map((r) => [r.id, r]));
  for (const s of statuses) {
    if (s.status === 'unchanged') continue;
    const { id, base: b, head: h } = s;
    const status = s.status === 'removed' ? (retired.has(id) ? `removed — retired by ${retired.get(id)?.by}: ${retired.get(id)?.reason}` : 'removed — ❌ NOT retired') : s.status;
    out.push(`### ${id} — ${status}`, '');
    const p = (h ?? b) as ManifestProduct;
    out.push(`${esc(p.description ?? '')} Owner: ${p.owner.team} (${p.owner.contact}); ${p.kind}, key ${code(p.key)}, ${p.classification}, ${p.compatibility}.`, '');
    if (b && h) {
      // One table: the settings, the schema's fields (by path), and the compatibility gate's verdict on them.
      const gate: Change[] = h.gate && s.fields.length ? [{ what: 'compatibility gate', before: '', after: `**${h.gate.verdict}**${h.gate.reasons?.length ? ` — ${h.gate.reasons.join('; ')}` : ''}` }] : [];
      out.push(...changeTable('Contract changes', [...s.settings, ...s.fields.map((f) => ({ ...f, what: `schema.${f.what}` })), ...gate]));
      if (!s.settings.length && !s.fields.length) out.push('The contract is unchanged; only derived resources change.', '');
    } else if (h) {
      out.push(`New contract with ${h.shape.fields.length} top-level fields: ${h.shape.fields.map((f) => code(f.name)).join(', ')}.`, '');
    }
    const [bs, hs] = [stackProducts(base, id), stackProducts(head, id)];
    const envs = [...new Set([...bs.keys(), ...hs.keys()])].sort();
    const onlyChanged = !!(b && h);
    // A row that reads the same in every environment is written once, for all of them.
    const byRow = new Map<string, string[]>();
    for (const env of envs) {
      for (const r of [...settingRows('', 'topic', bs.get(env)?.topic, hs.get(env)?.topic, onlyChanged), ...settingRows('', 'dead letters', bs.get(env)?.deadLetter, hs.get(env)?.deadLetter, onlyChanged)]) {
        byRow.set(r, [...(byRow.get(r) ?? []), env]);
      }
    }
    // In table order: by topic and setting as first derived, each setting's environments together.
    const position = new Map<string, number>();
    for (const r of byRow.keys()) {
      const setting = r.split(' | ').slice(1, 3).join(' | ');
      if (!position.has(setting)) position.set(setting, position.size);
    }
    const rows = [...byRow]
      .map(([r, list], at) => ({ r: r.replace(/^\| {2}\|/, `| ${list.join(', ')} |`), at, by: position.get(r.split(' | ').slice(1, 3).join(' | ')) as number }))
      .sort((x, y) => x.by - y.by || x.at - y.at)
      .map((x) => x.r);
    if (rows.length) out.push(...folded(`Derived topic settings${onlyChanged ? ' that change (before → after, with reasons)' : ' (with reasons)'}`, ['| env | topic | setting | value | reason |', '|---|---|---|---|---|', ...rows]));
    const [ba, ha] = [[...bs.values()][0]?.acls ?? [], [...hs.values()][0]?.acls ?? []];
    const bKeys = new Set(ba.map(aclKey));
    const hKeys = new Set(ha.map(aclKey));
    const aclsChanged = ba.length !== ha.length || [...hKeys].some((k) => !bKeys.has(k));
    if (aclsChanged) {
      const acls = [...new Map([...ba, ...ha].map((a) => [aclKey(a), a])).values()].sort((x, y) => (aclKey(x) < aclKey(y) ? -1 : 1));
      const mark = (k: string) => (hKeys.has(k) && !bKeys.has(k) ? '➕ ' : !hKeys.has(k) ? '➖ ' : '');
      out.push(...folded(`ACL matrix (${plural(ha.length, 'ACL')}, every environment; ➕ added, ➖ removed)`, ['| principal | resource | operation | why |', '|---|---|---|---|',
        ...acls.map((a) => `| ${mark(aclKey(a))}${a.principal} | ${a.resourceType} ${code(a.resourceName)} | ${a.operation} | ${esc(a.reason)} |`)]));
    }
    out.push(...migrationSection([...bs.values()], [...hs.values()]));
    const deployments = envs.flatMap((env) => deploymentRows(env, bs.get(env)?.deployments ?? [], hs.get(env)?.deployments ?? []));
    if (deployments.length) out.push(...folded(`Consumer deployments that change (${deployments.length})`, ['| env | consumer | service | image | cpu / memory | tasks | lag alarm |', '|---|---|---|---|---|---|---|', ...deployments]));
  }
  const unchanged = statuses.filter((s) => s.status === 'unchanged').length;
  if (unchanged) out.push(`${statuses.length === unchanged ? 'No product changes: ' : ''}${plural(unchanged, 'other product')} unchanged.`, '');
  return out;
}

/**
 * The SQL migrations the change adds (the same files in every environment: once). Each is listed with what it does;
 * the SQL of a migration that alters a table the base already has is shown in full, since that table holds data. A new
 * table's migrations are generated boilerplate (create, privileges): the pull request's diff shows their files.
 */
function migrationSection(base: readonly ManifestStackProduct[], head: readonly ManifestStackProduct[]): string[] {
  const before = new Set(base.flatMap((sp) => (sp.migrations ?? []).map((m) => m.name)));
  const tableOf = (id: string) => id.split('/').slice(0, 3).join('/');
  const existing = new Set([...before].map(tableOf));
  const fresh = new Map<string, string>();
  for (const sp of head) for (const m of sp.migrations ?? []) if (!before.has(m.name)) fresh.set(m.name, m.sql);
  if (!fresh.size) return [];
  const purpose = (sql: string) => /^-- contract-mesh migration for [^\n]*?\): ([^\n]*)/.exec(sql)?.[1]?.replace(/\.$/, '') ?? 'a generated migration';
  const lines = [...fresh].flatMap(([name, sql]) => {
    const head = `- ${code(name)}: ${purpose(sql)} (${plural(sql.trim().split('\n').length, 'line')}).`;
    return existing.has(tableOf(name)) ? [head, '', '```sql', sql.trim(), '```', ''] : [head];
  });
  const altering = [...fresh.keys()].filter((n) => existing.has(tableOf(n))).length;
  return folded(`New SQL migrations (${fresh.size}, every environment${altering ? `; ${altering} on a table that holds data, in full` : ''}; files in contracts/migrations/)`, lines);
}

/** One table row per consumer deployment that is added, changed or removed in an environment. */
function deploymentRows(env: string, before: ReadonlyArray<Record<string, unknown>>, after: ReadonlyArray<Record<string, unknown>>): string[] {
  const byConsumer = (list: ReadonlyArray<Record<string, unknown>>) => new Map(list.map((d) => [String(d.consumer), d]));
  const [b, a] = [byConsumer(before), byConsumer(after)];
  const value = (v: unknown) => (v && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v);
  const reason = (v: unknown) => (v && typeof v === 'object' && 'reason' in v ? String((v as { reason: unknown }).reason) : undefined);
  const rows: string[] = [];
  for (const consumer of [...new Set([...b.keys(), ...a.keys()])].sort()) {
    const [was, now] = [b.get(consumer), a.get(consumer)];
    if (JSON.stringify(was) === JSON.stringify(now)) continue;
    const d = (now ?? was) as Record<string, unknown>;
    const mark = !was ? '➕ ' : !now ? '➖ ' : '';
    const tasks = `${String(value(d.minTasks))}–${String(value(d.maxTasks))}${reason(d.maxTasks) && /clamp/.test(reason(d.maxTasks) as string) ? ` (${reason(d.maxTasks)})` : ''}`;
    const lag = value(d.lagAlarmThreshold);
    rows.push(`| ${env} | ${mark}${consumer} | ${esc(String(d.serviceName ?? ''))} | ${esc(String(d.image ?? ''))} | ${String(d.cpu ?? '')} / ${String(d.memoryMiB ?? '')} MiB | ${esc(tasks)} | ${typeof lag === 'number' ? `${lag.toLocaleString('en-US')} records behind` : ''} |`);
  }
  return rows;
}

function lineageSection(lineage: Lineage, notDrawn: number): string[] {
  const out = ['## Lineage', ''];
  if (!lineage.nodes.length) return [...out, 'No producer, topic, consumer or sink table is added or removed.', ''];
  out.push(`Producers → topics → consumers of the products whose lineage changes, with dead-letter topics; ➕ added, ➖ removed by this change${notDrawn ? ` (${plural(notDrawn, 'other product')} not drawn)` : ''}.`, '');
  out.push('```mermaid', renderMermaid(lineage), '```', '');
  return out;
}
