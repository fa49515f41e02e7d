import { defineDataProduct } from '../../contracts/dsl/data-product';
import { planMesh } from '../../contracts/mesh';
import { ContractError, type Problem } from '../../contracts/problems';
import { dev, prod, spec } from '../helpers';

const entry = (overrides: Record<string, unknown>, source?: string) => ({ product: defineDataProduct(spec(overrides)), source });

function problemsOfMesh(entries: ReturnType<typeof entry>[]): Problem[] {
  try {
    planMesh(entries, [dev, prod]);
  } catch (err) {
    if (err instanceof ContractError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('planMesh', () => {
  it('plans one stack per domain and environment, sorted', () => {
    const plan = planMesh([entry({}), entry({ domain: 'orders', name: 'order-state', kind: 'entity' }), entry({ name: 'refunds' })], [dev, prod]);
    expect(plan.stacks.map((s) => s.name)).toEqual(['orders-dev', 'orders-prod', 'payments-dev', 'payments-prod']);
    expect(plan.stacks.find((s) => s.name === 'payments-prod')!.products.map((p) => p.product.id)).toEqual([
      'payments/payment-events@v1',
      'payments/refunds@v1',
    ]);
  });

  it('plans only the stacks and artifacts of `only` domains, and still checks every product', () => {
    const entries = [entry({}), entry({ domain: 'orders', name: 'order-state', kind: 'entity' })];
    const plan = planMesh(entries, [dev, prod], { only: new Set(['payments']) });
    expect(plan.stacks.map((s) => s.name)).toEqual(['payments-dev', 'payments-prod']);
    expect(plan.contracts.map((c) => c.product.id)).toEqual(['payments/payment-events@v1']);
    expect(plan.products.map((p) => p.id)).toEqual(['orders/order-state@v1', 'payments/payment-events@v1']);
    // a problem that only the derivation in prod finds, in a domain that is not planned
    const tooLong = entry({ domain: 'orders', name: 'order-state', kind: 'entity', classification: 'pii', retention: { days: 60 } });
    expect(() => planMesh([entry({}), tooLong], [dev, prod], { only: new Set(['payments']) })).toThrow(/orders\/order-state@v1: retention: in prod: /);
  });

  it('plans two major versions of a product side by side', () => {
    const plan = planMesh([entry({}), entry({ version: 2 })], [prod]);
    expect(plan.stacks[0].products.map((p) => p.topics.topic.name)).toEqual(['payments.payment-events.v1', 'payments.payment-events.v2']);
  });

  it('fails if the same product major version is declared twice, naming both files', () => {
    const problems = problemsOfMesh([entry({}, 'contracts/products/payments/a.ts'), entry({}, 'contracts/products/payments/b.ts')]);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/declared twice: in contracts\/products\/payments\/a\.ts and in contracts\/products\/payments\/b\.ts\./);
  });

  it('fails if two products derive the same Postgres table name', () => {
    // x/a-v1--b@v2 consumer c → a_v1__b_v2__c; x/a@v1 consumer b-v2--c → a_v1__b_v2__c
    const problems = problemsOfMesh([
      entry({ domain: 'x', name: 'a-v1--b', version: 2, consumers: [{ name: 'c', principal: 'User:c' }] }),
      entry({ domain: 'x', name: 'a', version: 1, consumers: [{ name: 'b-v2--c', principal: 'User:c' }] }),
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/Postgres table "x\.a_v1__b_v2__c"/);
  });

  it('reports every problem of every product at once, including environment bounds', () => {
    const problems = problemsOfMesh([
      entry({ name: 'Bad Name' }),
      entry({ domain: 'platform', name: 'ok' }),
      entry({ name: 'pii', classification: 'pii', retention: { days: 45 } }),
      entry({ name: 'ok2', key: 'nope' }),
    ]);
    expect(problems.map((p) => `${p.product} ${p.field}`)).toEqual([
      'payments/Bad Name@v1 name',
      'platform/ok@v1 domain',
      'payments/ok2@v1 key',
      'payments/pii@v1 retention',
    ]);
    expect(problems[3].message).toMatch(/^in prod: /);
  });
});
