/**
 * The key policies of an environment's customer-managed KMS keys, as pure data (the offline plan
 * cannot prove a key policy works, so unit tests assert every statement):
 *
 * - the platform key (`alias/mesh-<env>-kafka`: SCRAM and login secrets, MSK and RDS storage, the
 *   RDS master secret, log groups): the account administers and uses it through IAM, and CloudWatch
 *   Logs of the environment's region may use it for the environment's log groups only;
 * - the alarms key (`alias/mesh-<env>-alarms`: the products' alert topics): the account, and
 *   CloudWatch acting for this account's alarms of this environment, which must encrypt what it
 *   publishes to an encrypted topic (an AWS managed key admits no service, so alarms would be silent).
 */
import type { EnvironmentConfig } from '../environment';
import { logGroupPrefix } from '../derive/aws-names';

/** One statement of a key policy. */
export interface KeyPolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Principal: { readonly AWS: string } | { readonly Service: string };
  readonly Action: string | readonly string[];
  readonly Resource: '*';
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface KeyPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: readonly KeyPolicyStatement[];
}

function accountOf(env: EnvironmentConfig): string {
  if (!env.aws) throw new Error(`environment ${env.name} has no aws settings`);
  return env.aws.accountId;
}

/**
 * The account administers the key, and IAM policies grant its use (the key policy's default
 * statement, written out). Without it nobody, not even the account root, could manage the key.
 */
function accountStatement(accountId: string): KeyPolicyStatement {
  return { Sid: 'AccountAdministersKeyThroughIam', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' };
}

/** The ARN pattern of every log group of the environment (`/mesh/<env>/*`). */
export function environmentLogGroupsArn(env: EnvironmentConfig): string {
  return `arn:aws:logs:${env.region}:${accountOf(env)}:log-group:${logGroupPrefix(env.name)}*`;
}

/** The platform key's policy. */
export function platformKeyPolicy(env: EnvironmentConfig): KeyPolicy {
  const accountId = accountOf(env);
  return {
    Version: '2012-10-17',
    Statement: [
      accountStatement(accountId),
      {
        Sid: 'CloudWatchLogsEncryptsEnvironmentLogGroups',
        Effect: 'Allow',
        Principal: { Service: `logs.${env.region}.amazonaws.com` },
        Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        Resource: '*',
        // CloudWatch Logs names the log group in the encryption context: only this environment's groups.
        Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': environmentLogGroupsArn(env) } },
      },
    ],
  };
}

/** The ARN pattern of the environment's alarms (`mesh-<env>-*`), which may publish to the alert topics. */
export function environmentAlarmsArn(env: EnvironmentConfig): string {
  return `arn:aws:cloudwatch:${env.region}:${accountOf(env)}:alarm:mesh-${env.name}-*`;
}

/** The alarms key's policy. */
export function alarmsKeyPolicy(env: EnvironmentConfig): KeyPolicy {
  const accountId = accountOf(env);
  return {
    Version: '2012-10-17',
    Statement: [
      accountStatement(accountId),
      {
        Sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': accountId },
          ArnLike: { 'aws:SourceArn': environmentAlarmsArn(env) },
        },
      },
    ],
  };
}

/** The policy of a product's alert topic: CloudWatch may publish, for this account's alarms of the product only. */
export function alertTopicPolicy(env: EnvironmentConfig, topicArn: string, alarmPrefix: string): { Version: '2012-10-17'; Statement: ReadonlyArray<Record<string, unknown>> } {
  const accountId = accountOf(env);
  return {
    Version: '2012-10-17',
    Statement: [{
      Sid: 'CloudWatchAlarmsOfThisProductPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: topicArn,
      Condition: {
        StringEquals: { 'aws:SourceAccount': accountId },
        ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${env.region}:${accountId}:alarm:${alarmPrefix}-*` },
      },
    }],
  };
}
