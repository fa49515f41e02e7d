/**
 * The review's cost section: storage, partitions and money per month of the products whose estimate the change
 * moves (before → after), the whole domain of each where it holds other products, and the whole mesh — then what
 * Protobuf saves against JSON, the same way. How every number was computed folds under `<details>`.
 */
import { encodingSaving, ratioText, type EncodingSaving } from '../cost/encoding-saving';
import { estimateCost, gb, money, type CostEstimate } from '../cost/estimate';
import type { ManifestProduct, ReviewManifest } from './manifest-types';
import { arrow, folded, plural } from './markdown';
import type { ProductStatus } from './review';

interface Row {
  readonly id: string;
  readonly domain: string;
  readonly env: string;
  readonly before?: CostEstimate;
  readonly after?: CostEstimate;
}

/** Every product's estimate in every environment of either side, sorted by product and environment. */
function estimates(base: ReviewManifest, head: ReviewManifest): Row[] {
  const of = (m: ReviewManifest) => {
    const out = new Map<string, { domain: string; estimate?: CostEstimate }>();
    for (const s of m.stacks) {
      const pricing = m.environments.find((e) => e.name === s.environment)?.pricing;
      for (const p of s.products) out.set(`${p.id}\u0000${s.environment}`, { domain: s.domain, estimate: p.costInputs ? estimateCost(p.costInputs, pricing) : undefined });
    }
    return out;
  };
  const [b, h] = [of(base), of(head)];
  return [...new Set([...b.keys(), ...h.keys()])].sort().map((k) => {
    const [id, env] = k.split('\u0000');
    return { id, env, domain: (h.get(k) ?? b.get(k))?.domain ?? '', before: b.get(k)?.estimate, after: h.get(k)?.estimate };
  });
}

const storage = (c?: { storageBytes: number; upperBound: boolean }) => (c ? `${c.upperBound ? '≤ ' : ''}${gb(c.storageBytes)}` : undefined);
const month = (c?: { monthly?: number; currency?: string }) => (c?.monthly !== undefined ? `${money(c.monthly)} ${c.currency}` : undefined);

/** The sum of several estimates (an upper bound if any is). */
function total(list: ReadonlyArray<CostEstimate | undefined>): { storageBytes: number; partitions: number; monthly?: number; currency?: string; upperBound: boolean } | undefined {
  const xs = list.filter((x): x is CostEstimate => !!x);
  if (!xs.length) return undefined;
  return {
    storageBytes: xs.reduce((s, x) => s + x.storageBytes, 0),
    partitions: xs.reduce((s, x) => s + x.partitions, 0),
    ...(xs.every((x) => x.monthly !== undefined) ? { monthly: xs.reduce((s, x) => s + (x.monthly ?? 0), 0), currency: xs[0].currency } : {}),
    upperBound: xs.some((x) => x.upperBound),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function costSection(base: ReviewManifest, head: ReviewManifest, statuses: readonly ProductStatus[]): string[] {
  const out = ['## Cost', ''];
  const rows = estimates(base, head);
  if (!rows.length) return [...out, 'No products.', ''];
  const line = (label: string, env: string, b: ReturnType<typeof total>, a: ReturnType<typeof total>) =>
    `| ${label} | ${env} | ${arrow(storage(b), storage(a))} | ${arrow(b ? b.partitions.toLocaleString('en-US') : undefined, a ? a.partitions.toLocaleString('en-US') : undefined)} | ${arrow(month(b), month(a))} |`;
  const moved = rows.filter((r) => !same([storage(r.before), r.before?.partitions, month(r.before)], [storage(r.after), r.after?.partitions, month(r.after)]));
  const products = new Set(rows.map((r) => r.id));
  const envs = [...new Set(rows.map((r) => r.env))].sort();
  const table = ['| product | env | storage | partitions | per month |', '|---|---|---|---|---|'];
  for (const r of moved) table.push(line(r.id, r.env, r.before, r.after));
  // Each domain with a moved product, where the domain holds more than those rows show.
  for (const domain of [...new Set(moved.map((r) => r.domain))].sort()) {
    const inDomain = rows.filter((r) => r.domain === domain);
    const ids = new Set(inDomain.map((r) => r.id));
    if (ids.size === new Set(moved.filter((r) => r.domain === domain).map((r) => r.id)).size) continue;
    for (const env of envs) {
      const here = inDomain.filter((r) => r.env === env);
      if (here.length) table.push(line(`**all of ${domain}** (${plural(new Set(here.map((r) => r.id)).size, 'product')})`, env, total(here.map((r) => r.before)), total(here.map((r) => r.after))));
    }
  }
  for (const env of envs) {
    const here = rows.filter((r) => r.env === env);
    table.push(line(`**the mesh** (${plural(new Set(here.map((r) => r.id)).size, 'product')})`, env, total(here.map((r) => r.before)), total(here.map((r) => r.after))));
  }
  if (moved.length) out.push(...table, '');
  else {
    const mesh = envs.map((env) => {
      const t = total(rows.filter((r) => r.env === env).map((r) => r.after));
      return t ? `${env} ${storage(t)}, ${plural(t.partitions, 'partition')}${month(t) ? `, ${month(t)}/month` : ''}` : `${env} nothing`;
    });
    out.push(`No product's estimate changes. The mesh (${plural(products.size, 'product')}): ${mesh.join('; ')}.`, '');
  }
  const priced = [...new Map([...base.environments, ...head.environments].map((e) => [e.name, e])).values()].filter((e) => e.pricing);
  out.push(...folded('How the estimates are computed', [
    priced.length ? `Price inputs (from each environment's configuration): ${priced.map((e) => `${e.name}: ${e.pricing?.storagePerGbMonth} ${e.pricing?.currency ?? 'USD'}/GB-month, ${e.pricing?.partitionPerHour} ${e.pricing?.currency ?? 'USD'}/partition-hour`).join('; ')}.` : 'No environment declares prices: storage and partitions only.',
    '',
    'Formula: events = peak msg/s × average size × retention × replication; entities = declared key cardinality × size × replication (else an upper bound, marked ≤); dead-letter topics at an assumed share of the peak rate. Estimates at peak rate, not bills.',
    '',
    ...moved.filter((r) => r.after).map((r) => `- ${r.id} in ${r.env}: ${r.after?.formula.join('; ')}`),
  ]));
  out.push(...savingSection(base, head, rows, statuses));
  return out;
}

/** Protobuf against JSON, at each product's measured size ratio: the products whose saving changes, and the totals (head). */
function savingSection(base: ReviewManifest, head: ReviewManifest, rows: readonly Row[], statuses: readonly ProductStatus[]): string[] {
  const ratios = (m: ReviewManifest) => new Map(m.products.filter((p) => p.encoding).map((p) => [p.id, (p.encoding as NonNullable<ManifestProduct['encoding']>).protoToJsonRatio]));
  const [rb, rh] = [ratios(base), ratios(head)];
  const pricing = (m: ReviewManifest, env: string) => m.environments.find((e) => e.name === env)?.pricing;
  const saving = (m: ReviewManifest, r: Map<string, number>, row: Row, estimate: CostEstimate | undefined) => (estimate && r.has(row.id) ? encodingSaving(estimate, r.get(row.id) as number, pricing(m, row.env)) : undefined);
  const all = rows.map((r) => ({ r, before: saving(base, rb, r, r.before), after: saving(head, rh, r, r.after) }));
  if (!all.some((x) => x.after)) return [];
  const key = (s?: EncodingSaving) => (s ? [ratioText(s.ratio), gb(s.jsonBytes), gb(s.savedBytes), s.monthly === undefined ? '' : money(s.monthly)] : undefined);
  const moved = all.filter((x) => !same(key(x.before), key(x.after)));
  const le = (s?: { upperBound: boolean }) => (s?.upperBound ? '≤ ' : '');
  const saved = (s?: { savedBytes: number; upperBound: boolean }) => (s ? `${le(s)}${gb(s.savedBytes)}` : undefined);
  const perMonth = (s?: { monthly?: number; currency?: string; upperBound: boolean }) => (s?.monthly !== undefined ? `${le(s)}${money(s.monthly)} ${s.currency}` : undefined);
  const sum = (list: ReadonlyArray<EncodingSaving | undefined>) => {
    const xs = list.filter((x): x is EncodingSaving => !!x);
    if (!xs.length) return undefined;
    return { savedBytes: xs.reduce((t, x) => t + x.savedBytes, 0), upperBound: xs.some((x) => x.upperBound), ...(xs.every((x) => x.monthly !== undefined) ? { monthly: xs.reduce((t, x) => t + (x.monthly ?? 0), 0), currency: xs[0].currency } : {}) };
  };
  const out = ['### Protobuf against JSON', ''];
  const table = ['| product | env | proto/JSON | storage as JSON | saving | saving per month |', '|---|---|---|---|---|---|'];
  const samples = new Map(head.products.filter((p) => p.encoding).map((p) => [p.id, p.encoding?.sampleCount]));
  for (const { r, before, after } of moved) {
    const n = samples.get(r.id);
    table.push(`| ${r.id} | ${r.env} | ${arrow(before && ratioText(before.ratio), after && ratioText(after.ratio))}${after && n ? ` (${n} samples)` : ''} | ${arrow(before && `${le(before)}${gb(before.jsonBytes)}`, after && `${le(after)}${gb(after.jsonBytes)}`)} | ${arrow(saved(before), saved(after))} | ${arrow(perMonth(before), perMonth(after))} |`);
  }
  const envs = [...new Set(rows.map((r) => r.env))].sort();
  const measured = new Set(all.filter((x) => x.after).map((x) => x.r.id)).size;
  const mesh = envs.map((env) => {
    const here = all.filter((x) => x.r.env === env);
    return { env, b: sum(here.map((x) => x.before)), a: sum(here.map((x) => x.after)) };
  });
  if (moved.length) {
    for (const domain of [...new Set(moved.map((x) => x.r.domain))].sort()) {
      const inDomain = all.filter((x) => x.r.domain === domain);
      if (new Set(inDomain.map((x) => x.r.id)).size === new Set(moved.filter((x) => x.r.domain === domain).map((x) => x.r.id)).size) continue;
      for (const env of envs) {
        const here = inDomain.filter((x) => x.r.env === env);
        const [b, a] = [sum(here.map((x) => x.before)), sum(here.map((x) => x.after))];
        if (here.length) table.push(`| **all of ${domain}** (${plural(new Set(here.filter((x) => x.after).map((x) => x.r.id)).size, 'measured product')}) | ${env} | | | ${arrow(saved(b), saved(a))} | ${arrow(perMonth(b), perMonth(a))} |`);
      }
    }
    for (const { env, b, a } of mesh) table.push(`| **the mesh** (${plural(measured, 'measured product')}) | ${env} | | | ${arrow(saved(b), saved(a))} | ${arrow(perMonth(b), perMonth(a))} |`);
    out.push(...table, '');
  } else {
    out.push(`No product's saving changes. The mesh (${plural(measured, 'measured product')}): ${mesh.map(({ env, a }) => `${env} saves ${saved(a) ?? 'nothing'}${perMonth(a) ? `, ${perMonth(a)}/month` : ''}`).join('; ')}.`, '');
  }
  const moving = new Set(statuses.filter((s) => s.status !== 'unchanged' && s.head).map((s) => s.id));
  const unmeasured = [...new Set(rows.filter((r) => r.after && !rh.has(r.id)).map((r) => r.id))];
  const unmeasuredMoving = unmeasured.filter((id) => moving.has(id));
  if (unmeasured.length) out.push(`No size ratio in the manifest (not measured): ${unmeasuredMoving.length ? unmeasuredMoving.join(', ') : ''}${unmeasured.length > unmeasuredMoving.length ? `${unmeasuredMoving.length ? ' and ' : ''}${plural(unmeasured.length - unmeasuredMoving.length, 'unchanged product')}` : ''}.`, '');
  const how = moved.filter((x) => x.after).map(({ r, after }) => `- ${r.id} in ${r.env}: ${after?.formula}`);
  out.push(...folded('How the savings are computed', [
    "The contract's `averageMessageBytes` is taken as a record's size in JSON; in Protobuf it is that size × the product's proto/JSON size ratio, measured at synth on a deterministic sample of values built from its shape, encoded with the codec (its locked field numbers) and with `JSON.stringify`; saving = storage (JSON) × (1 − ratio); per month = saving × the storage price (partitions do not change).",
    ...(how.length ? ['', ...how] : []),
  ]));
  return out;
}
