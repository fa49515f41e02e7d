/** Protobuf against JSON: the saving at a measured size ratio, and how the review's Cost section shows it. */
import { encodingSaving } from '../../../contracts/cost/encoding-saving';
import { estimateCost, type CostInputs } from '../../../contracts/cost/estimate';
import { defineDataProduct } from '../../../contracts/index';
import { reviewMesh } from '../../../contracts/review/review';
import { EMPTY_OUTPUT, normaliseManifest, type SynthOutput } from '../../../contracts/review/synth-output';
import { buildManifest } from '../../../stacks/manifest';
import { dev, lockedPlan, prod, spec } from '../../helpers';

const DAY = 86_400_000;
const event: CostInputs = { kind: 'event', peakMessagesPerSecond: 1000, averageMessageBytes: 500, retentionMs: 7 * DAY, deadLetterRetentionMs: 14 * DAY, replicationFactor: 3, partitions: 6, deadLetterPartitions: 2 };
const pricing = { storagePerGbMonth: 0.1, partitionPerHour: 0.0015 };

describe('encodingSaving', () => {
  it('storage × (1 − ratio), priced at the storage price only (partitions do not change)', () => {
    const c = estimateCost(event, pricing);
    const s = encodingSaving(c, 0.4, pricing);
    expect(s.jsonBytes).toBe(c.storageBytes);
    expect(s.protoBytes).toBeCloseTo(c.storageBytes * 0.4, 3);
    expect(s.savedBytes).toBeCloseTo(c.storageBytes * 0.6, 3);
    expect(s.monthly).toBeCloseTo((c.storageBytes * 0.6 / 1e9) * 0.1, 9);
    expect(s.currency).toBe('USD');
    expect(s.formula).toBe('Protobuf saves 909 GB (JSON) × (1 − 0.40 proto/JSON) = 545 GB × 0.1 USD/GB-month = 54.54 USD/month');
  });
  it('without prices: storage only', () => {
    const s = encodingSaving(estimateCost(event), 0.5);
    expect(s.monthly).toBeUndefined();
    expect(s.formula).toBe('Protobuf saves 909 GB (JSON) × (1 − 0.50 proto/JSON) = 455 GB');
  });
  it('fails to be exact if the estimate is an upper bound: the saving is one too', () => {
    expect(encodingSaving(estimateCost({ ...event, kind: 'entity' }), 0.5).upperBound).toBe(true);
    expect(encodingSaving(estimateCost(event), 0.5).upperBound).toBe(false);
  });
});

/** A head synth output from a real plan's manifest (no Terraform: the Cost section reads only the manifest). */
function head(strip?: (m: ReturnType<typeof buildManifest>) => void): SynthOutput {
  const plan = lockedPlan([defineDataProduct(spec()), defineDataProduct(spec({ domain: 'orders', name: 'order-events', key: 'paymentId' }))], [dev, prod]);
  const m = JSON.parse(JSON.stringify(buildManifest(plan)));
  strip?.(m);
  return { stacks: new Map(), manifest: normaliseManifest(m) };
}
const costOf = (md: string) => md.slice(md.indexOf('## Cost'), md.indexOf('## Lineage'));

describe("the review's Cost section", () => {
  it('shows the saving per product and for the mesh, with the ratio and its formula', () => {
    const out = head();
    const ratio = out.manifest.products.find((p) => p.id === 'payments/payment-events@v1')?.encoding?.protoToJsonRatio as number;
    const cost = costOf(reviewMesh(EMPTY_OUTPUT, out, {}, false).markdown);
    expect(cost).toContain('### Protobuf against JSON');
    expect(cost).toContain("`averageMessageBytes` is taken as a record's size in JSON");
    expect(cost).toContain('saving = storage (JSON) × (1 − ratio); per month = saving × the storage price');
    const row = cost.split('\n').find((l) => l.startsWith('| payments/payment-events@v1 | prod | ') && l.includes('samples')) as string;
    expect(row).toContain(`| — → **${ratio.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 3 })}** (8 samples) |`);
    expect(row).toMatch(/ USD\*\* \|$/);
    // the totals of the mesh (every product of this review is new: no domain holds others)
    expect(cost).toMatch(/\| \*\*the mesh\*\* \(2 measured products\) \| prod \| \| \| — → \*\*[\d.,]+ GB\*\* \| — → \*\*[\d.,]+ USD\*\* \|/);
    expect(cost).toMatch(/- payments\/payment-events@v1 in prod: Protobuf saves [\d.,]+ GB \(JSON\) × \(1 − [\d.]+ proto\/JSON\) = [\d.,]+ GB × 0\.1 USD\/GB-month = [\d.,]+ USD\/month/);
  });
  it('fails to show a saving for a product whose manifest lacks the ratio, and names it', () => {
    const out = head((m) => {
      for (const p of m.products) if (p.id === 'orders/order-events@v1') delete (p as { encoding?: unknown }).encoding;
    });
    const cost = costOf(reviewMesh(EMPTY_OUTPUT, out, {}, false).markdown);
    expect(cost).toContain('| orders/order-events@v1 | prod |'); // still in the storage table
    expect(cost).not.toMatch(/\| orders\/order-events@v1 \| prod \| [^|]*\(\d+ samples\)/);
    expect(cost).not.toContain('orders/order-events@v1 in prod: Protobuf saves');
    expect(cost).toContain('No size ratio in the manifest (not measured): orders/order-events@v1.');
    expect(cost).toContain('payments/payment-events@v1 in prod: Protobuf saves');
  });
  it('fails to show the subsection at all if no product has a ratio (an older manifest)', () => {
    const out = head((m) => {
      for (const p of m.products) delete (p as { encoding?: unknown }).encoding;
    });
    const cost = costOf(reviewMesh(EMPTY_OUTPUT, out, {}, false).markdown);
    expect(cost).toContain('| payments/payment-events@v1 | prod |');
    expect(cost).not.toContain('Protobuf');
  });
});
