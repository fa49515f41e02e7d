/**
 * The key policies, statement by statement: the offline plan cannot prove a key policy works, so
 * these assert exactly who may use each key and under which condition.
 */
import { alarmsKeyPolicy, alertTopicPolicy, environmentAlarmsArn, environmentLogGroupsArn, platformKeyPolicy } from '../../../contracts/platform/key-policies';
import { dev, prod } from '../../helpers';

const root = { Sid: 'AccountAdministersKeyThroughIam', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' };

describe('the platform key policy', () => {
  it('has exactly two statements: the account through IAM, and CloudWatch Logs for the environment\'s log groups', () => {
    expect(platformKeyPolicy(prod)).toEqual({
      Version: '2012-10-17',
      Statement: [
        root,
        {
          Sid: 'CloudWatchLogsEncryptsEnvironmentLogGroups',
          Effect: 'Allow',
          Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: '*',
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:111111111111:log-group:/mesh/prod/*' } },
        },
      ],
    });
  });

  it('fails if CloudWatch Logs could use it for another environment\'s log groups', () => {
    expect(environmentLogGroupsArn(dev)).toBe('arn:aws:logs:eu-west-1:111111111111:log-group:/mesh/dev/*');
    expect(JSON.stringify(platformKeyPolicy(dev))).not.toContain('/mesh/prod/');
    // Every statement for a service is conditioned; only the account's own root is not.
    for (const st of platformKeyPolicy(dev).Statement) if ('Service' in st.Principal) expect(st.Condition).toBeDefined();
  });

  it('fails if an environment has no aws settings', () => {
    expect(() => platformKeyPolicy({ ...dev, aws: undefined })).toThrow(/environment dev has no aws settings/);
  });
});

describe('the alarms key policy', () => {
  it('lets CloudWatch decrypt and make data keys, for this account\'s alarms of this environment only', () => {
    expect(alarmsKeyPolicy(dev)).toEqual({
      Version: '2012-10-17',
      Statement: [
        root,
        {
          Sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:SourceAccount': '111111111111' },
            ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:mesh-dev-*' },
          },
        },
      ],
    });
    expect(environmentAlarmsArn(prod)).toBe('arn:aws:cloudwatch:eu-west-1:111111111111:alarm:mesh-prod-*');
  });

  it('fails if CloudWatch could encrypt with it for anything but publishing (no Encrypt, no grants, no admin)', () => {
    const cw = alarmsKeyPolicy(prod).Statement.find((s) => 'Service' in s.Principal)!;
    expect([...cw.Action].sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
  });
});

describe('the alert topic policy', () => {
  it('lets CloudWatch publish, for this account\'s alarms of the product only', () => {
    expect(alertTopicPolicy(prod, '${aws_sns_topic.alerts.arn}', 'mesh-prod-payments-payment-events-v1')).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'CloudWatchAlarmsOfThisProductPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: '${aws_sns_topic.alerts.arn}',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '111111111111' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:mesh-prod-payments-payment-events-v1-*' },
        },
      }],
    });
  });
});
