import { z } from 'zod';
import { deriveTopicPlans } from '../../../contracts/derive/topic-config';
import { compiled, dev, prod } from '../../helpers';

const DAY = 86_400_000;
const values = (config: Record<string, { value: string }>) => Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.value]));

describe('deriveTopicPlans', () => {
  it('gives an event topic the delete policy and the contract retention', () => {
    const { topic, problems } = deriveTopicPlans(compiled(), prod);
    expect(problems).toEqual([]);
    expect(topic.name).toBe('payments.payment-events.v1');
    expect(topic.replicationFactor.value).toBe(3);
    expect(values(topic.config)).toEqual({
      'cleanup.policy': 'delete',
      'retention.ms': String(7 * DAY),
      'min.insync.replicas': '2',
    });
    expect(topic.unset['max.message.bytes']).toMatch(/schema\.metadata has no maximum/);
  });

  it('gives an entity topic compaction, tombstone retention and a compaction lag, and no retention.ms', () => {
    const { topic } = deriveTopicPlans(compiled({ kind: 'entity' }), prod);
    const c = values(topic.config);
    expect(c['cleanup.policy']).toBe('compact');
    expect(c['delete.retention.ms']).toBe(String(7 * DAY));
    expect(c['min.compaction.lag.ms']).toBe('3600000');
    expect(c['retention.ms']).toBeUndefined();
    expect(topic.unset['retention.ms']).toMatch(/does not apply/);
    expect(c['max.compaction.lag.ms']).toBeUndefined();
  });

  it('bounds how long a superseded pii value survives compaction', () => {
    const { topic } = deriveTopicPlans(compiled({ kind: 'entity', classification: 'pii' }), prod);
    expect(topic.config['max.compaction.lag.ms'].value).toBe(String(30 * DAY));
  });

  it('takes replication and min.insync.replicas from the environment', () => {
    const { topic, deadLetter } = deriveTopicPlans(compiled(), dev);
    expect(topic.replicationFactor.value).toBe(2);
    expect(topic.config['min.insync.replicas'].value).toBe('1');
    expect(deadLetter.replicationFactor.value).toBe(2);
    expect(deadLetter.config['min.insync.replicas'].value).toBe('1');
  });

  it('sets max.message.bytes when the schema bounds the record', () => {
    const { topic, deadLetter } = deriveTopicPlans(compiled({ schema: z.object({ paymentId: z.uuid(), note: z.string().max(200_000) }) }), prod);
    const main = Number(topic.config['max.message.bytes'].value);
    expect(main).toBeGreaterThan(1_200_000);
    expect(Number(deadLetter.config['max.message.bytes'].value)).toBe(main + 65_536);
  });

  it('gives the dead-letter topic delete policy, longer retention and fewer partitions', () => {
    const { topic, deadLetter } = deriveTopicPlans(compiled({ throughput: { peakMessagesPerSecond: 20_000, averageMessageBytes: 400 } }), prod);
    expect(deadLetter.name).toBe('payments.payment-events.v1.dlq');
    expect(deadLetter.config['cleanup.policy'].value).toBe('delete');
    expect(Number(deadLetter.config['retention.ms'].value)).toBeGreaterThan(Number(topic.config['retention.ms'].value));
    expect(topic.partitions.value).toBe(40);
    expect(deadLetter.partitions.value).toBe(10);
    expect(Number(deadLetter.config['max.message.bytes'].value)).toBe(1_048_588 + 65_536);
  });

  it('gives a single-partition topic a single-partition dead-letter topic', () => {
    const { topic, deadLetter } = deriveTopicPlans(compiled({ throughput: { peakMessagesPerSecond: 1, averageMessageBytes: 10 } }), dev);
    expect(topic.partitions.value).toBe(1);
    expect(deadLetter.partitions.value).toBe(1);
  });

  it('fails if retention is over the bound in prod, and clamps in dev', () => {
    const p = compiled({ classification: 'pii', retention: { days: 45 } });
    expect(deriveTopicPlans(p, prod).problems).toEqual([
      expect.objectContaining({ field: 'retention', message: expect.stringMatching(/over prod's limit of 30 days/) }),
    ]);
    const d = deriveTopicPlans(p, dev);
    expect(d.problems).toEqual([]);
    expect(d.topic.config['retention.ms'].value).toBe(String(3 * DAY));
  });

  it('keeps a reason beside every value', () => {
    const { topic, deadLetter } = deriveTopicPlans(compiled({ kind: 'entity', classification: 'pii' }), prod);
    for (const t of [topic, deadLetter]) {
      for (const d of [t.partitions, t.replicationFactor, ...Object.values(t.config)]) expect(d.reason).toMatch(/\w{3}/);
    }
  });
});
