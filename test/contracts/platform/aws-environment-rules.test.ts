import { awsEnvironmentProblems } from '../../../contracts/platform/aws-environment-rules';
import type { EnvironmentConfig } from '../../../contracts/environment';
import { Testing } from 'cdktf';
import { PlatformStack } from '../../../stacks/platform-stack';
import { dev, prod } from '../../helpers';

const withAws = (env: EnvironmentConfig, aws: Record<string, unknown>): EnvironmentConfig => ({ ...env, aws: { ...env.aws!, ...aws } as never });
const fields = (env: EnvironmentConfig) => awsEnvironmentProblems(env).map((p) => p.field);

describe('AWS environment rules', () => {
  it('accepts dev and prod as configured', () => {
    expect(awsEnvironmentProblems(dev)).toEqual([]);
    expect(awsEnvironmentProblems(prod)).toEqual([]);
  });
  it('fails if Kafka is not 3.7.x or PostgreSQL not 17', () => {
    expect(fields(withAws(dev, { msk: { ...dev.aws!.msk, kafkaVersion: '3.6.0' } }))).toEqual(['aws.msk.kafkaVersion']);
    expect(fields(withAws(dev, { rds: { ...dev.aws!.rds, engineVersion: '16.4' } }))).toEqual(['aws.rds.engineVersion']);
  });
  it('fails if the brokers are not spread evenly over the subnets, or too few for the replication factor', () => {
    expect(awsEnvironmentProblems(withAws(prod, { msk: { ...prod.aws!.msk, brokerCount: 4 } }))[0].message).toMatch(/4 brokers is not a multiple of the 3 private subnets/);
    expect(fields({ ...withAws(dev, { msk: { ...dev.aws!.msk, brokerCount: 2 } }), kafka: { ...dev.kafka, replicationFactor: 3 } })).toEqual(['aws.msk.brokerCount']);
  });
  it('fails if production could lose its database', () => {
    expect(fields(withAws(prod, { rds: { ...prod.aws!.rds, deletionProtection: false, backupRetentionDays: 1 } }))).toEqual(['aws.rds.deletionProtection', 'aws.rds.backupRetentionDays']);
    expect(fields(withAws(dev, { rds: { ...dev.aws!.rds, deletionProtection: false, backupRetentionDays: 1 } }))).toEqual([]);
  });
  it('fails if the log retention is not one CloudWatch accepts, or the ids are malformed', () => {
    expect(fields(withAws(dev, { logRetentionDays: 10 }))).toEqual(['aws.logRetentionDays']);
    expect(fields(withAws(dev, { accountId: '123', network: { ...dev.aws!.network, vpcId: 'vpc1', privateSubnetIds: ['subnet-0a'] } }))).toEqual(
      expect.arrayContaining(['aws.accountId', 'aws.network.vpcId', 'aws.network.privateSubnetIds']),
    );
  });
  it('fails if the MSK admin would authenticate with SCRAM (it would need the ACLs it is about to create)', () => {
    expect(fields({ ...dev, kafka: { ...dev.kafka, adminAuth: { mechanism: 'scram-sha512' } } })).toEqual(['kafka.adminAuth']);
  });
  it('makes the platform stack refuse a bad environment with one error naming every problem', () => {
    const bad = withAws(dev, { logRetentionDays: 10, msk: { ...dev.aws!.msk, kafkaVersion: '2.8.1' } });
    expect(() => new PlatformStack(Testing.app(), bad)).toThrow(/environment dev: 2 problems in its AWS settings[\s\S]*aws\.msk\.kafkaVersion[\s\S]*aws\.logRetentionDays: 10 days/);
  });
});
