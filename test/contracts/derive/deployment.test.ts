import { ContractError } from '../../../contracts/problems';
import { deriveDeployments, LAG_ALARM_MIN_RECORDS } from '../../../contracts/derive/deployment';
import { compiled, dev, prod } from '../../helpers';
import { DEPLOYMENT, deployedSpec, plan } from '../../aws-helpers';

const withDeployment = (deployment: Record<string, unknown>, overrides: Record<string, unknown> = {}) =>
  compiled({ ...deployedSpec({}, deployment), ...overrides } as unknown as Record<string, unknown>);

describe('deriveDeployments', () => {
  it('keeps maxTasks within the partitions and names every wire by rule', () => {
    const { deployments, problems } = deriveDeployments(withDeployment(DEPLOYMENT), 4, prod);
    expect(problems).toEqual([]);
    expect(deployments).toHaveLength(1);
    const d = deployments[0];
    expect(d).toMatchObject({
      consumer: 'ledger',
      topic: 'payments.payment-events.v1',
      deadLetterTopic: 'payments.payment-events.v1.dlq',
      group: 'payments.payment-events.v1.ledger',
      serviceName: 'mesh-prod-payments-payment-events-v1-ledger',
      logGroupName: '/mesh/prod/payments/payment-events-v1/ledger',
      kafkaSecretName: 'AmazonMSK_prod_ledger-sink',
      warnings: [],
    });
    expect(d.maxTasks.value).toBe(4);
    expect(d.minTasks.value).toBe(1);
    expect(d.sink).toBeUndefined();
  });

  it('fails if maxTasks exceeds the partitions in production: a problem naming both numbers', () => {
    const { problems } = deriveDeployments(withDeployment({ ...DEPLOYMENT, maxTasks: 6 }), 4, prod);
    expect(problems).toEqual([
      expect.objectContaining({ field: 'consumers[0].deployment.maxTasks', message: expect.stringMatching(/maxTasks 6.*4 partitions/), fix: expect.stringMatching(/4 or fewer/) }),
    ]);
  });

  it('fails with a remedy that still works once the partitions are locked: grow them (event) or a new major (entity)', () => {
    const event = deriveDeployments(withDeployment({ ...DEPLOYMENT, maxTasks: 6 }), 4, prod, { locked: true }).problems[0];
    expect(event.fix).toBe('set maxTasks to 4 or fewer; for more tasks the topic needs more partitions, which the lock keeps fixed: add partitions: { grow: { prod: 6 } } to the contract and run `npm run contracts:lock` (Kafka adds partitions in place, but keys move to other partitions, so per-key order breaks across the growth).');
    expect(event.fix).not.toMatch(/throughput/);
    const entity = deriveDeployments({ ...withDeployment({ ...DEPLOYMENT, maxTasks: 6 }), kind: 'entity' }, 4, prod, { locked: true }).problems[0];
    expect(entity.fix).toMatch(/declare the next major version \(a new contract file with version: 2, a new topic\)/);
  });

  it('fails synth with a ContractError in prod when maxTasks exceeds the partitions', () => {
    expect(() => plan([deployedSpec({}, { ...DEPLOYMENT, maxTasks: 6 })], [prod])).toThrow(ContractError);
    try {
      plan([deployedSpec({}, { ...DEPLOYMENT, maxTasks: 6 })], [prod]);
    } catch (e) {
      expect((e as ContractError).message).toMatch(/payments\/payment-events@v1: consumers\[0\]\.deployment\.maxTasks: in prod: .*maxTasks 6.*4 partitions/);
    }
  });

  it('clamps maxTasks (and minTasks) to the partitions outside production, with a warning', () => {
    const { deployments, problems } = deriveDeployments(withDeployment({ ...DEPLOYMENT, minTasks: 3, maxTasks: 6 }), 2, dev);
    expect(problems).toEqual([]);
    expect(deployments[0].maxTasks).toEqual({ value: 2, reason: expect.stringMatching(/maxTasks 6 clamped to 2/) });
    expect(deployments[0].minTasks.value).toBe(2);
    expect(deployments[0].warnings).toEqual([expect.stringMatching(/consumer ledger: maxTasks 6 clamped to 2/)]);
  });

  it('derives the lag alarm from the peak rate, with a floor', () => {
    const busy = deriveDeployments(withDeployment(DEPLOYMENT), 4, dev).deployments[0];
    expect(busy.lagAlarmThreshold.value).toBe(2000 * 300);
    const quiet = deriveDeployments(withDeployment(DEPLOYMENT, { throughput: { peakMessagesPerSecond: 1, averageMessageBytes: 100 } }), 4, dev).deployments[0];
    expect(quiet.lagAlarmThreshold).toEqual({ value: LAG_ALARM_MIN_RECORDS, reason: expect.stringMatching(/floor/) });
  });

  it('wires a sink consumer to its schema, table and login secret by naming rule', () => {
    const product = withDeployment(DEPLOYMENT);
    const withSink = { ...product, consumers: product.consumers.map((c) => (c.name === 'ledger' ? { ...c, sink: { postgres: { mode: 'upsert' as const } } } : c)) };
    const d = deriveDeployments(withSink, 4, dev).deployments[0];
    expect(d.sink).toEqual({ schema: 'payments', table: 'payment_events_v1__ledger', loginSecretName: 'mesh/dev/postgres/payments__ledger' });
  });

  it('deploys nothing for consumers without a deployment', () => {
    expect(deriveDeployments(compiled(), 4, prod)).toEqual({ deployments: [], problems: [] });
  });
});
