import { estimateCost, type CostInputs } from '../../../contracts/cost/estimate';

const DAY = 86_400_000;
const event: CostInputs = { kind: 'event', peakMessagesPerSecond: 1000, averageMessageBytes: 500, retentionMs: 7 * DAY, deadLetterRetentionMs: 14 * DAY, replicationFactor: 3, partitions: 6, deadLetterPartitions: 2 };
const pricing = { storagePerGbMonth: 0.1, partitionPerHour: 0.0015 };

describe('estimateCost', () => {
  it('events: throughput × size × retention × replication, plus dead letters at 0.1 % of peak', () => {
    const c = estimateCost(event, pricing);
    const topic = 1000 * 500 * 7 * 86_400 * 3;
    const dlq = 1 * 500 * 14 * 86_400 * 3;
    expect(c.storageBytes).toBe(topic + dlq);
    expect(c.partitions).toBe(8);
    expect(c.monthly).toBeCloseTo(((topic + dlq) / 1e9) * 0.1 + 8 * 0.0015 * 730, 6);
    expect(c.upperBound).toBe(false);
    expect(c.formula[0]).toBe('topic: 1,000 msg/s × 500 B × 7 days × 3 replicas = 907 GB');
  });
  it('entities: declared key cardinality × size × replication', () => {
    const c = estimateCost({ ...event, kind: 'entity', keyCardinality: 2_000_000 });
    expect(c.storageBytes - 1 * 500 * 14 * 86_400 * 3).toBe(2_000_000 * 500 * 3);
    expect(c.upperBound).toBe(false);
    expect(c.monthly).toBeUndefined();
  });
  it('fails to be exact if an entity declares no key cardinality: marked as an upper bound', () => {
    const c = estimateCost({ ...event, kind: 'entity' });
    expect(c.upperBound).toBe(true);
    expect(c.formula[0]).toMatch(/^topic \(upper bound: no keyCardinality declared/);
  });
});
