import { defineDataProduct } from '../../contracts/index';
import { planMesh } from '../../contracts/mesh';
import { buildManifest } from '../../stacks/manifest';
import { dev, prod, spec } from '../helpers';

const plan = planMesh([
  { product: defineDataProduct(spec({ keyCardinality: 5_000, kind: 'entity', suppressions: [{ rule: 'CM-TOPIC-5', resource: 'topic', reason: 'kept for the migration window' }] })) },
  { product: defineDataProduct(spec({ name: 'refund-events' })) },
], [dev, prod]);

describe('mesh-manifest.json', () => {
  it('is deterministic and carries what the review needs', () => {
    const retired = [{ id: 'payments/old-events@v1', reason: 'replaced by payment-events', by: 'ana' }];
    const m = buildManifest(plan, { retired });
    expect(JSON.stringify(m)).toBe(JSON.stringify(buildManifest(plan, { retired })));
    expect(m.manifestVersion).toBe(2);
    expect(m.environments.map((e) => [e.name, e.production, e.adminPrincipal, e.pricing?.storagePerGbMonth])).toEqual([['dev', false, 'User:mesh-admin-dev', 0.1], ['prod', true, 'User:mesh-admin-prod', 0.1]]);
    const p = m.products.find((x) => x.id === 'payments/payment-events@v1');
    expect(p?.keyCardinality).toBe(5_000);
    expect(p?.principals).toEqual([
      { principal: 'User:payments-api', role: 'producer' },
      { principal: 'User:ledger-sink', role: 'consumer ledger' },
      { principal: 'User:fraud-scoring', role: 'consumer fraud-scoring' },
      { principal: 'User:payments-oncall', role: 'owner' },
    ]);
    expect(m.policy.suppressions).toEqual([{ product: 'payments/payment-events@v1', rule: 'CM-TOPIC-5', resource: 'topic', reason: 'kept for the migration window' }]);
    expect(m.retired).toEqual(retired);
    const sp = m.stacks.find((s) => s.name === 'payments-prod')?.products.find((x) => x.id === 'payments/payment-events@v1');
    expect(sp?.costInputs).toEqual({ kind: 'entity', peakMessagesPerSecond: 2000, averageMessageBytes: 400, keyCardinality: 5_000, retentionMs: 7 * 86_400_000, deadLetterRetentionMs: 14 * 86_400_000, replicationFactor: 3, partitions: 4, deadLetterPartitions: 1 });
    expect(sp?.acls.every((a) => a.reason.length > 0)).toBe(true);
  });
});
