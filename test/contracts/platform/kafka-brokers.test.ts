import { adminBrokers, brokerProblems } from '../../../contracts/platform/kafka-brokers';
import { defineDataProduct } from '../../../contracts/index';
import { planMesh } from '../../../contracts/mesh';
import { dev, localEnvironment, prod } from '../../../stacks/environments';
import { spec } from '../../helpers';

const local = localEnvironment({});

describe("where an environment's Kafka provider finds the brokers", () => {
  it("takes an AWS environment's from its platform stack's output, by how the administrative identity authenticates", () => {
    expect(adminBrokers(prod)).toMatchObject({ from: 'platform', stack: 'platform-prod', output: 'bootstrap_brokers_sasl_iam' });
    expect(adminBrokers(prod).reason).toMatch(/MSK cluster's, known once platform-prod is deployed: its output bootstrap_brokers_sasl_iam \(IAM, port 9098/);
    const scram = { ...dev, kafka: { ...dev.kafka, adminAuth: { mechanism: 'scram-sha512' as const } } };
    expect(adminBrokers(scram)).toMatchObject({ from: 'platform', stack: 'platform-dev', output: 'bootstrap_brokers_sasl_scram' });
  });

  it('keeps the literal brokers of an environment without a platform stack (the local mesh)', () => {
    expect(adminBrokers(local)).toMatchObject({ from: 'environment', servers: ['127.0.0.1:19092'] });
    expect(brokerProblems(local)).toEqual([]);
  });

  it('ships dev and prod without broker names: theirs come from the cluster they deploy', () => {
    expect(dev.kafka.bootstrapServers).toBeUndefined();
    expect(prod.kafka.bootstrapServers).toBeUndefined();
    expect(brokerProblems(dev)).toEqual([]);
    expect(brokerProblems(prod)).toEqual([]);
  });

  it('fails if an AWS environment also names brokers (they would be ignored), naming the environment and the fix', () => {
    const both = { ...prod, kafka: { ...prod.kafka, bootstrapServers: ['b-1.mesh-prod.kafka.eu-west-1.amazonaws.com:9098'] } };
    expect(brokerProblems(both)).toEqual([expect.objectContaining({ field: 'kafka.bootstrapServers', fix: 'remove kafka.bootstrapServers from prod in stacks/environments.ts.' })]);
    expect(() => planMesh([{ product: defineDataProduct(spec()) }], [dev, both])).toThrow(/\(environment prod\): kafka\.bootstrapServers: is set \(b-1\.mesh-prod[^)]*\), but an environment with aws settings takes its brokers from platform-prod's outputs/);
  });

  it('fails if an environment has neither a platform stack nor brokers', () => {
    const none = { ...local, kafka: { ...local.kafka, bootstrapServers: undefined } };
    expect(() => planMesh([{ product: defineDataProduct(spec()) }], [dev, none])).toThrow(/\(environment local\): kafka\.bootstrapServers: is not set: an environment without aws settings has no platform stack to take its brokers from\..*Fix: list local's brokers/s);
  });
});
