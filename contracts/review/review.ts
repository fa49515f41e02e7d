/**
 * The review of a change to the mesh: two synth outputs in, one Markdown page
 * and an exit code out. Pure: the CLI (`scripts/review.ts`) reads the folders.
 */
import { encodingSaving, ratioText } from '../cost/encoding-saving';
import { estimateCost, gb, money, type CostEstimate } from '../cost/estimate';
import { duration } from '../derive/derived';
import { aclKey } from '../derive/acls';
import { fieldChanges, settingChanges, type Change } from './contract-diff';
import { blocks, findDangers, type Danger } from './dangers';
import { lineageOf, renderMermaid, type Lineage } from './lineage';
import type { ManifestProduct, ManifestStackProduct, ManifestTopic, ReviewManifest } from './manifest-types';
import { ownerOf, productsOf } from './product-index';
import { diffResources, summarise, type ResourceChange, type SummaryRow } from './resource-diff';
import type { SynthOutput } from './synth-output';

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
  readonly lineage: Lineage;
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const arrow = (b: string | undefined, a: string | undefined) => (b === a ? (a ?? '—') : `${b ?? '—'} → **${a ?? '—'}**`);

/** Reviews head against base (`undefined`: the whole mesh as new). */
export function reviewMesh(base: SynthOutput, head: SynthOutput, options: ReviewOptions = {}, hasBase = true): Review {
  const all = diffResources(base, head);
  const changes = all.filter((c) => c.kind === 'resource');
  const dangers = findDangers(all, base.manifest, head.manifest);
  const summary = summarise(changes);
  const lineage = lineageOf(base.manifest.products, head.manifest.products);
  const blocking = dangers.filter(blocks);
  const exitCode = blocking.length ? 1 : 0;
  const md: string[] = [];
  md.push('# contract-mesh review', '');
  md.push(exitCode ? `**❌ ${blocking.length} unacknowledged error${blocking.length === 1 ? '' : 's'} block${blocking.length === 1 ? 's' : ''} this change.**` : '**✅ Nothing blocks this change.**');
  md.push('', `Base: ${hasBase ? (options.baseLabel ?? 'base') : 'nothing (the whole mesh is reviewed as new)'} · Head: ${options.headLabel ?? 'head'} · ${changes.length} resource change${changes.length === 1 ? '' : 's'} in ${new Set(changes.map((c) => c.stack)).size} stack(s).`, '');
  md.push(...dangerSection(dangers, head.manifest));
  md.push(...warningSection(head.manifest));
  md.push(...summarySection(summary, base, head));
  md.push(...productSection(base.manifest, head.manifest, changes));
  md.push(...costSection(base.manifest, head.manifest));
  md.push('## Lineage', '', 'Producers → topics → consumers, with dead-letter topics; ➕ added, ➖ removed by this change.', '', '```mermaid', renderMermaid(lineage), '```', '');
  return { markdown: `${md.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`, exitCode, dangers, summary, changes, lineage };
}

function dangerLine(d: Danger): string {
  const icon = d.acknowledged ? '✔️ acknowledged' : d.level === 'error' ? '❌ **error**' : '⚠️ warning';
  return `- ${icon} · ${code(d.stack)} · ${d.code}: ${d.message}.${d.acknowledged ? ` _${d.acknowledged}_` : ''}`;
}

function dangerSection(dangers: readonly Danger[], head: ReviewManifest): string[] {
  const out = ['## Danger list', ''];
  if (dangers.length === 0) out.push('No destroy, replacement, partition, retention or replication change, no lost or widened access, no removed `prevent_destroy`.', '');
  const important = dangers.filter((d) => d.level === 'error' || d.dataLoss || d.code !== 'CM-DANGER-GRANT-WIDENS');
  const widen = dangers.filter((d) => !important.includes(d));
  out.push(...important.map(dangerLine));
  if (widen.length) {
    const byStack = new Map<string, number>();
    for (const d of widen) byStack.set(d.stack, (byStack.get(d.stack) ?? 0) + 1);
    if (widen.length <= 10) out.push(...widen.map(dangerLine));
    else out.push(`- ⚠️ warning · ${widen.length} new grants (CM-DANGER-GRANT-WIDENS) in ${[...byStack].map(([s, n]) => `${code(s)} (${n})`).join(', ')}:`, '', '<details><summary>New grants</summary>', '', ...widen.map(dangerLine), '', '</details>');
  }
  // Standing, not a change: shown in every review while an environment opts out of verifying the database.
  for (const e of head.environments.filter((x) => x.databaseTls?.verifyServerCertificate === false)) {
    out.push(`- ⚠️ warning · environment ${code(e.name)} · CM-DANGER-TLS-UNVERIFIED: the migration function connects to the database WITHOUT verifying its TLS certificate (aws.databaseTls.verifyServerCertificate: false), so anything on the network path can pose as the database and receive the master password. Fix: commit the region's RDS CA bundle and set aws.databaseTls.caBundleFile (docs/aws-security.md).`);
  }
  const findings = head.policy.findings;
  const suppressions = head.policy.suppressions;
  if (findings.length || suppressions.length) {
    out.push('', '### Policy', '');
    for (const f of findings) out.push(`- ${f.suppressed ? '🔕 suppressed' : f.level === 'error' ? '❌ error' : '⚠️ warning'} · ${f.rule} · ${code(f.path)}: ${f.message}${f.suppressed ? ` _Reason: ${f.suppressed}_` : ''}`);
    for (const s of suppressions) out.push(`- 🔕 ${s.product} suppresses ${s.rule} on ${code(s.resource)}: _${s.reason}_`);
  }
  out.push('');
  return out;
}

/** What synth warned about in the head (each product in each stack), as synth printed it. */
function warningSection(head: ReviewManifest): string[] {
  const lines = head.stacks.flatMap((s) => s.products.flatMap((p) => (p.warnings ?? []).map((w) => `- ⚠️ ${code(s.name)}: ${esc(w)}`)));
  if (!lines.length) return [];
  const out = ['### Synth warnings', ''];
  if (lines.length <= 10) return [...out, ...lines, ''];
  return [...out, `<details><summary>${lines.length} warnings</summary>`, '', ...lines, '', '</details>', ''];
}

function summarySection(rows: readonly SummaryRow[], base: SynthOutput, head: SynthOutput): string[] {
  const out = ['## Summary', ''];
  const stacks = [...new Set([...base.stacks.keys(), ...head.stacks.keys()])].sort();
  const unchanged = stacks.filter((s) => !rows.some((r) => r.stack === s));
  if (rows.length) {
    out.push('| stack | resource type | add | change | replace | destroy |', '|---|---|---:|---:|---:|---:|');
    for (const r of rows) out.push(`| ${r.stack} | ${r.type} | ${r.create || ''} | ${r.update || ''} | ${r.replace ? `**${r.replace}**` : ''} | ${r.delete ? `**${r.delete}**` : ''} |`);
  }
  if (unchanged.length) out.push('', `No changes: ${unchanged.map(code).join(', ')}.`);
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

function settingRows(env: string, which: string, b: ManifestTopic | undefined, a: ManifestTopic | undefined): string[] {
  const rows: string[] = [];
  const row = (setting: string, before: string | undefined, after: string | undefined, reason: string | undefined) =>
    rows.push(`| ${env} | ${which} | ${setting} | ${esc(arrow(before, after))} | ${esc(reason ?? '')} |`);
  row('name', b?.name, a?.name, undefined);
  row('partitions', b ? String(b.partitions.value) : undefined, a ? String(a.partitions.value) : undefined, (a ?? b)?.partitions.reason);
  row('replication_factor', b ? String(b.replicationFactor.value) : undefined, a ? String(a.replicationFactor.value) : undefined, (a ?? b)?.replicationFactor.reason);
  const keys = [...new Set([...Object.keys(b?.config ?? {}), ...Object.keys(a?.config ?? {})])].sort();
  for (const k of keys) row(k, show(k, b?.config[k]?.value), show(k, a?.config[k]?.value), (a?.config[k] ?? b?.config[k])?.reason ?? (a?.unset?.[k] ? `unset: ${a.unset[k]}` : undefined));
  return rows;
}

function stackProducts(m: ReviewManifest, id: string): Map<string, ManifestStackProduct> {
  const out = new Map<string, ManifestStackProduct>();
  for (const s of m.stacks) for (const p of s.products) if (p.id === id) out.set(s.environment, p);
  return out;
}

function productSection(base: ReviewManifest, head: ReviewManifest, changes: readonly ResourceChange[]): string[] {
  const out = ['## Per product', ''];
  const all = productsOf(base, head);
  const retired = new Map(head.retired.map((r) => [r.id, r]));
  const touched = new Set(changes.map((c) => ownerOf(c, all)?.product.id).filter(Boolean));
  const unchanged: string[] = [];
  for (const id of [...all.keys()].sort()) {
    const b = base.products.find((p) => p.id === id);
    const h = head.products.find((p) => p.id === id);
    const settings = settingChanges(b, h);
    const fields = fieldChanges(b?.shape, h?.shape);
    const status = !b ? 'added' : !h ? (retired.has(id) ? `removed — retired by ${retired.get(id)?.by}: ${retired.get(id)?.reason}` : 'removed — ❌ NOT retired') : settings.length || fields.length || touched.has(id) ? 'changed' : 'unchanged';
    if (status === 'unchanged') {
      unchanged.push(id);
      continue;
    }
    out.push(`### ${id} — ${status}`, '');
    const p = (h ?? b) as ManifestProduct;
    out.push(`${esc(p.description ?? '')} Owner: ${p.owner.team} (${p.owner.contact}); ${p.kind}, key ${code(p.key)}, ${p.classification}, ${p.compatibility}.`, '');
    if (b && h) {
      out.push(...changeTable('Contract settings', settings));
      out.push(...changeTable('Schema fields', fields));
      if (!settings.length && !fields.length) out.push('The contract is unchanged; only derived resources change.', '');
      if (h.gate) out.push(`Gate verdict: **${esc(h.gate.verdict)}**${h.gate.reasons?.length ? ` — ${h.gate.reasons.map(esc).join('; ')}` : ''}.`, '');
      else if (fields.length) out.push('Gate verdict: not in the manifest (the compatibility gate and its locks come with issue 4); the field changes are listed above.', '');
    } else if (h) {
      out.push(`New contract with ${h.shape.fields.length} top-level fields: ${h.shape.fields.map((f) => code(f.name)).join(', ')}.`, '');
    }
    const [bs, hs] = [stackProducts(base, id), stackProducts(head, id)];
    const envs = [...new Set([...bs.keys(), ...hs.keys()])].sort();
    const rows = envs.flatMap((env) => [
      ...settingRows(env, 'topic', bs.get(env)?.topic, hs.get(env)?.topic),
      ...settingRows(env, 'dead letters', bs.get(env)?.deadLetter, hs.get(env)?.deadLetter),
    ]);
    out.push('<details><summary>Derived topic settings (before → after, with reasons)</summary>', '', '| env | topic | setting | value | reason |', '|---|---|---|---|---|', ...rows, '', '</details>', '');
    const [ba, ha] = [[...bs.values()][0]?.acls ?? [], [...hs.values()][0]?.acls ?? []];
    const bKeys = new Set(ba.map(aclKey));
    const hKeys = new Set(ha.map(aclKey));
    const acls = [...new Map([...ba, ...ha].map((a) => [aclKey(a), a])).values()].sort((x, y) => (aclKey(x) < aclKey(y) ? -1 : 1));
    const mark = (k: string) => (hKeys.has(k) && !bKeys.has(k) ? '➕ ' : !hKeys.has(k) ? '➖ ' : '');
    out.push(`<details><summary>ACL matrix (${ha.length} ACL${ha.length === 1 ? '' : 's'}, every environment; ➕ added, ➖ removed)</summary>`, '', '| principal | resource | operation | why |', '|---|---|---|---|',
      ...acls.map((a) => `| ${mark(aclKey(a))}${a.principal} | ${a.resourceType} ${code(a.resourceName)} | ${a.operation} | ${esc(a.reason)} |`), '', '</details>', '');
    for (const [env, sp] of hs) {
      if (sp.migrations?.length) out.push(`SQL migrations in ${env}:`, '', ...sp.migrations.flatMap((m) => [`${code(m.name)}:`, '```sql', m.sql.trim(), '```']), '');
      if (sp.deployments?.length) out.push(`Consumer deployments in ${env}:`, '', '```json', JSON.stringify(sp.deployments, null, 2), '```', '');
    }
  }
  if (unchanged.length) out.push(`Unchanged: ${unchanged.join(', ')}.`, '');
  return out;
}

function costSection(base: ReviewManifest, head: ReviewManifest): string[] {
  const out = ['## Cost', ''];
  const envs = new Map([...base.environments, ...head.environments].map((e) => [e.name, e]));
  const priced = [...envs.values()].filter((e) => e.pricing);
  if (priced.length) {
    out.push(`Price inputs (from each environment's configuration): ${priced.map((e) => `${e.name}: ${e.pricing?.storagePerGbMonth} ${e.pricing?.currency ?? 'USD'}/GB-month, ${e.pricing?.partitionPerHour} ${e.pricing?.currency ?? 'USD'}/partition-hour`).join('; ')}.`, '');
  } else out.push('No environment declares prices: storage and partitions only.', '');
  out.push('Formula: events = peak msg/s × average size × retention × replication; entities = declared key cardinality × size × replication (else an upper bound, marked ≤); dead-letter topics at an assumed share of the peak rate. Estimates at peak rate, not bills.', '');
  type Row = { id: string; domain: string; env: string; before?: CostEstimate; after?: CostEstimate };
  const rows: Row[] = [];
  const estimate = (m: ReviewManifest, env: string, sp: ManifestStackProduct | undefined) => (sp?.costInputs ? estimateCost(sp.costInputs, m.environments.find((e) => e.name === env)?.pricing) : undefined);
  const keys = new Set<string>();
  for (const m of [base, head]) for (const s of m.stacks) for (const p of s.products) keys.add(`${p.id}\u0000${s.environment}\u0000${s.domain}`);
  for (const k of [...keys].sort()) {
    const [id, env, domain] = k.split('\u0000');
    rows.push({ id, env, domain, before: estimate(base, env, stackProducts(base, id).get(env)), after: estimate(head, env, stackProducts(head, id).get(env)) });
  }
  if (!rows.length) return [...out, 'No products.', ''];
  const storage = (c?: CostEstimate) => (c ? `${c.upperBound ? '≤ ' : ''}${gb(c.storageBytes)}` : undefined);
  const month = (c?: CostEstimate) => (c?.monthly !== undefined ? `${money(c.monthly)} ${c.currency}` : undefined);
  out.push('| product | env | storage | partitions | per month |', '|---|---|---|---|---|');
  for (const r of rows) out.push(`| ${r.id} | ${r.env} | ${arrow(storage(r.before), storage(r.after))} | ${arrow(r.before ? String(r.before.partitions) : undefined, r.after ? String(r.after.partitions) : undefined)} | ${arrow(month(r.before), month(r.after))} |`);
  out.push('', 'Per domain:', '', '| domain | env | storage | partitions | per month |', '|---|---|---|---|---|');
  const domains = new Map<string, Row[]>();
  for (const r of rows) domains.set(`${r.domain}\u0000${r.env}`, [...(domains.get(`${r.domain}\u0000${r.env}`) ?? []), r]);
  for (const [k, list] of [...domains].sort()) {
    const [domain, env] = k.split('\u0000');
    const sum = (pick: (r: Row) => CostEstimate | undefined) => {
      const xs = list.map(pick).filter((x): x is CostEstimate => !!x);
      if (!xs.length) return undefined;
      return { storage: `${xs.some((x) => x.upperBound) ? '≤ ' : ''}${gb(xs.reduce((s, x) => s + x.storageBytes, 0))}`, partitions: String(xs.reduce((s, x) => s + x.partitions, 0)), monthly: xs.every((x) => x.monthly !== undefined) ? `${money(xs.reduce((s, x) => s + (x.monthly ?? 0), 0))} ${xs[0].currency}` : undefined };
    };
    const [b, a] = [sum((r) => r.before), sum((r) => r.after)];
    out.push(`| ${domain} | ${env} | ${arrow(b?.storage, a?.storage)} | ${arrow(b?.partitions, a?.partitions)} | ${arrow(b?.monthly, a?.monthly)} |`);
  }
  out.push('', '<details><summary>How each estimate was computed (head)</summary>', '');
  for (const r of rows) if (r.after) out.push(`- ${r.id} in ${r.env}: ${r.after.formula.join('; ')}`);
  out.push('', '</details>', '');
  out.push(...savingSection(head, rows));
  return out;
}

/** Protobuf against JSON in the head, per product and per domain, at each product's measured size ratio. */
function savingSection(head: ReviewManifest, rows: ReadonlyArray<{ id: string; domain: string; env: string; after?: CostEstimate }>): string[] {
  const ratios = new Map(head.products.filter((p) => p.encoding).map((p) => [p.id, p.encoding as NonNullable<ManifestProduct['encoding']>]));
  const current = rows.filter((r) => r.after);
  const measured = current.filter((r) => ratios.has(r.id));
  if (!measured.length) return [];
  const out = ['### Protobuf against JSON', ''];
  out.push("The contract's `averageMessageBytes` is taken as a record's size in JSON. In Protobuf a record is that size × the product's proto/JSON size ratio, measured at synth by encoding a deterministic sample of values built from its shape with the codec (its locked field numbers) and with `JSON.stringify`. Formula: saving = storage (JSON) × (1 − ratio); per month = saving × the storage price (partitions do not change).", '');
  const pricing = (env: string) => head.environments.find((e) => e.name === env)?.pricing;
  const savings = measured.map((r) => ({ r, s: encodingSaving(r.after as CostEstimate, (ratios.get(r.id) as { protoToJsonRatio: number }).protoToJsonRatio, pricing(r.env)) }));
  const le = (upper: boolean) => (upper ? '≤ ' : '');
  const perMonth = (m: number | undefined, currency: string | undefined) => (m !== undefined ? `${money(m)} ${currency}` : '—');
  out.push('| product | env | proto/JSON | storage as JSON | as Protobuf | saving | saving per month |', '|---|---|---|---|---|---|---|');
  for (const { r, s } of savings) {
    const e = ratios.get(r.id) as { protoToJsonRatio: number; sampleCount: number };
    out.push(`| ${r.id} | ${r.env} | ${ratioText(s.ratio)} (${e.sampleCount} samples) | ${le(s.upperBound)}${gb(s.jsonBytes)} | ${le(s.upperBound)}${gb(s.protoBytes)} | ${le(s.upperBound)}${gb(s.savedBytes)} | ${le(s.upperBound)}${perMonth(s.monthly, s.currency)} |`);
  }
  out.push('', 'Per domain (measured products only):', '', '| domain | env | products | storage as JSON | as Protobuf | saving | saving per month |', '|---|---|---|---|---|---|---|');
  const domains = new Map<string, typeof savings>();
  for (const x of savings) domains.set(`${x.r.domain}\u0000${x.r.env}`, [...(domains.get(`${x.r.domain}\u0000${x.r.env}`) ?? []), x]);
  for (const [k, list] of [...domains].sort()) {
    const [domain, env] = k.split('\u0000');
    const upper = le(list.some((x) => x.s.upperBound));
    const total = (pick: (x: (typeof savings)[number]) => number) => list.reduce((t, x) => t + pick(x), 0);
    const monthly = list.every((x) => x.s.monthly !== undefined) ? perMonth(total((x) => x.s.monthly ?? 0), list[0].s.currency) : '—';
    out.push(`| ${domain} | ${env} | ${list.length} | ${upper}${gb(total((x) => x.s.jsonBytes))} | ${upper}${gb(total((x) => x.s.protoBytes))} | ${upper}${gb(total((x) => x.s.savedBytes))} | ${upper}${monthly} |`);
  }
  const unmeasured = [...new Set(current.filter((r) => !ratios.has(r.id)).map((r) => r.id))];
  if (unmeasured.length) out.push('', `No size ratio in the manifest (not measured): ${unmeasured.join(', ')}.`);
  out.push('', '<details><summary>How each saving was computed (head)</summary>', '');
  for (const { r, s } of savings) out.push(`- ${r.id} in ${r.env}: ${s.formula}`);
  out.push('', '</details>', '');
  return out;
}
