import { alertTopicName, boundedName, consumerServiceName, scramSecretName, secretArnPattern } from '../../../contracts/derive/aws-names';

describe('AWS names', () => {
  it('puts the environment in every account-wide name', () => {
    expect(scramSecretName('dev', 'User:ledger-sink')).toBe('AmazonMSK_dev_ledger-sink');
    expect(consumerServiceName('prod', 'payments', 'payment-events', 1, 'ledger')).toBe('mesh-prod-payments-payment-events-v1-ledger');
    expect(alertTopicName('dev', 'payments', 'payment-events', 1)).toBe('mesh-dev-payments-payment-events-v1-alerts');
  });
  it('bounds long names with a stable hash, leaving room for IAM role suffixes', () => {
    const long = consumerServiceName('prod', 'a'.repeat(24), 'b'.repeat(32), 999, 'c'.repeat(20));
    expect(long.length).toBeLessThanOrEqual(52);
    expect(`${long}-exec`.length).toBeLessThanOrEqual(64);
    expect(long).toBe(consumerServiceName('prod', 'a'.repeat(24), 'b'.repeat(32), 999, 'c'.repeat(20)));
    expect(long).not.toBe(consumerServiceName('prod', 'a'.repeat(24), 'b'.repeat(32), 999, `${'c'.repeat(19)}d`));
    expect(boundedName(['x', 'y'], 10)).toBe('x-y');
  });
  it('matches exactly one secret (six random characters), not a prefix', () => {
    expect(secretArnPattern('eu-west-1', '111111111111', 'AmazonMSK_dev_a')).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:AmazonMSK_dev_a-??????');
  });
});
