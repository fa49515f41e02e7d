/** planMesh with locks: numbers and partitions from the lock, problems when a lock is missing or stale. */
import { defineDataProduct, z } from '../../contracts/index';
import { updateLock } from '../../contracts/lock/update-lock';
import { planMesh } from '../../contracts/mesh';
import { ContractError } from '../../contracts/problems';
import { compiled, dev, prod, spec } from '../helpers';

const ENVS = [dev, prod];

function planWith(overrides: Record<string, unknown>, lockOf: Record<string, unknown>) {
  const lock = updateLock(compiled(lockOf), undefined, ENVS).lock!;
  return planMesh([{ product: defineDataProduct(spec(overrides)) }], ENVS, { locks: new Map([[lock.product, lock]]) });
}

describe('planMesh with locks', () => {
  it('takes partitions from the lock, with the reason', () => {
    const plan = planWith({ throughput: { peakMessagesPerSecond: 4000, averageMessageBytes: 400 } }, {});
    const prodTopic = plan.stacks.find((s) => s.name === 'payments-prod')!.products[0].topics.topic;
    expect(prodTopic.partitions.value).toBe(4);
    expect(prodTopic.partitions.reason).toMatch(/^4 partitions: fixed by the lock at v1's first lock; derived now would be 8/);
  });
  it('numbers the proto from the lock (a removed field stays reserved)', () => {
    const lockOf = { schema: z.object({ paymentId: z.uuid(), legacyCode: z.string().optional(), amountMinor: z.int() }) };
    const lock0 = updateLock(compiled(lockOf), undefined, ENVS).lock!;
    const now = compiled({ schema: z.object({ paymentId: z.uuid(), amountMinor: z.int() }) });
    const lock = updateLock(now, lock0, ENVS).lock!;
    const plan = planMesh([{ product: defineDataProduct(spec({ schema: z.object({ paymentId: z.uuid(), amountMinor: z.int() }) })) }], ENVS, { locks: new Map([[lock.product, lock]]) });
    expect(plan.contracts[0].proto.text).toMatch(/int64 amount_minor = 3;/);
    expect(plan.contracts[0].proto.text).toMatch(/reserved 2;\n\s+reserved "legacy_code";/);
    expect(plan.stacks[0].products[0].proto).toBe(plan.contracts[0].proto);
  });
  it('fails if a product has no lock', () => {
    expect(() => planMesh([{ product: defineDataProduct(spec()) }], ENVS, { locks: new Map() })).toThrow(/payments\/payment-events@v1: \(lock\): the contract has no lock.*npm run contracts:lock/);
  });
  it('fails with the gate\'s messages if the change is incompatible', () => {
    try {
      planWith({ schema: z.object({ paymentId: z.uuid(), amountMinor: z.string() }) }, { schema: z.object({ paymentId: z.uuid(), amountMinor: z.int() }) });
      throw new Error('expected a ContractError');
    } catch (err) {
      expect(err).toBeInstanceOf(ContractError);
      expect((err as ContractError).problems).toEqual([expect.objectContaining({ field: 'schema.amountMinor', message: expect.stringMatching(/type changed from int \(int64\) to string/) })]);
    }
  });
  it('without locks, derives partitions and numbers afresh', () => {
    const plan = planMesh([{ product: defineDataProduct(spec({ throughput: { peakMessagesPerSecond: 4000, averageMessageBytes: 400 } })) }], ENVS);
    expect(plan.stacks.find((s) => s.name === 'payments-prod')!.products[0].topics.topic.partitions.value).toBe(8);
  });
});
