/**
 * Every error-level rule fails a real `app.synth()` on a resource that breaks it,
 * whichever package created the resource.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, Fn, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Acl } from '../../.gen/providers/kafka/acl';
import { KafkaProvider } from '../../.gen/providers/kafka/provider';
import { Topic } from '../../.gen/providers/kafka/topic';
import { MESH_RULES } from '../../contracts/policy/pack';
import { MeshPolicy } from '../../constructs/mesh-policy';
import { productPlan } from '../contracts/policy/policy-helpers';
import { SinkMigrations } from '../../constructs/sink-migrations';
import { dev, prod } from '../helpers';

const plan = productPlan(prod);
const HOUR = 3_600_000;

type Build = (stack: TerraformStack, product: Construct, kafka: KafkaProvider) => void;

/** A compliant product topic and dead-letter topic, each overridable. */
function topics(product: Construct, kafka: KafkaProvider, opts: { topic?: Record<string, unknown>; dlq?: boolean; config?: Record<string, string> } = {}) {
  new Topic(product, 'Topic', {
    provider: kafka, name: plan.product.topic, partitions: 4, replicationFactor: 3,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * 24 * HOUR), 'min.insync.replicas': '2', ...opts.config },
    lifecycle: { preventDestroy: true }, ...opts.topic,
  });
  if (opts.dlq !== false) {
    new Topic(product, 'DeadLetter', {
      provider: kafka, name: plan.product.deadLetterTopic, partitions: 1, replicationFactor: 3,
      config: { 'cleanup.policy': 'delete', 'retention.ms': String(14 * 24 * HOUR), 'min.insync.replicas': '2' }, lifecycle: { preventDestroy: true },
    });
  }
}

function consumerAcls(product: Construct, kafka: KafkaProvider) {
  const acls = new Construct(product, 'Acls');
  for (const a of plan.acls) {
    new Acl(acls, `${a.principal}|${a.resourceName}|${a.operation}`, {
      provider: kafka, aclPrincipal: a.principal, aclHost: '*', aclOperation: a.operation, aclPermissionType: 'Allow',
      resourceType: a.resourceType, resourceName: a.resourceName, resourcePatternTypeFilter: 'Literal',
    });
  }
}

const aws = (stack: TerraformStack) => new AwsProvider(stack, 'Aws', { region: 'eu-west-1' });
const policyJson = (s: unknown) => JSON.stringify({ Version: '2012-10-17', Statement: [s] });

const BREAKS: Record<string, Build> = {
  'CM-TOPIC-1': (_s, p, k) => { topics(p, k, { dlq: false }); consumerAcls(p, k); },
  'CM-TOPIC-2': (_s, p, k) => { topics(p, k, { topic: { replicationFactor: 2 } }); consumerAcls(p, k); },
  'CM-TOPIC-3': (_s, p, k) => { topics(p, k, { config: { 'min.insync.replicas': '1' } }); consumerAcls(p, k); },
  'CM-TOPIC-4': (_s, p, k) => { topics(p, k, { config: { 'retention.ms': String(400 * 24 * HOUR) } }); consumerAcls(p, k); },
  'CM-ACL-1': (s, p, k) => {
    topics(p, k); consumerAcls(p, k);
    new Acl(s, 'Wide', { provider: k, aclPrincipal: 'User:ledger-sink', aclHost: '*', aclOperation: 'Read', aclPermissionType: 'Allow', resourceType: 'Topic', resourceName: 'payments.', resourcePatternTypeFilter: 'Prefixed' });
  },
  'CM-ACL-2': (s, p, k) => {
    topics(p, k); consumerAcls(p, k);
    new Acl(s, 'Stranger', { provider: k, aclPrincipal: 'User:stranger', aclHost: '*', aclOperation: 'Read', aclPermissionType: 'Allow', resourceType: 'Topic', resourceName: plan.product.topic });
  },
  'CM-ACL-3': (_s, p, k) => topics(p, k),
  'CM-LIFE-1': (_s, p, k) => { topics(p, k, { topic: { lifecycle: undefined } }); consumerAcls(p, k); },
  'CM-SQL-1': (s, p, k) => {
    topics(p, k); consumerAcls(p, k); aws(s);
    new LambdaInvocation(s, 'Migration', { functionName: 'migrate', input: JSON.stringify({ sql: 'ALTER TABLE payments.payment_events_v1__ledger DROP COLUMN amount_minor;' }), lifecycle: { preventDestroy: true } });
  },
  'CM-IAM-1': (s, p, k) => { topics(p, k); consumerAcls(p, k); aws(s); new IamPolicy(s, 'Policy', { name: 'p', policy: policyJson({ Effect: 'Allow', Action: 'kafka-cluster:*', Resource: 'arn:aws:kafka:eu-west-1:1:cluster/mesh/x' }) }); },
  'CM-IAM-2': (s, p, k) => { topics(p, k); consumerAcls(p, k); aws(s); new IamPolicy(s, 'Policy', { name: 'p', policy: policyJson({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }) }); },
  'CM-LOG-1': (s, p, k) => { topics(p, k); consumerAcls(p, k); aws(s); new CloudwatchLogGroup(s, 'Logs', { name: '/mesh/x', kmsKeyId: 'arn:aws:kms:eu-west-1:1:key/k' }); },
  // The old forms of the migration function's IAM: the AWS managed VPC policy, KMS used directly, a trust for any account.
  'CM-IAM-3': (s, p, k) => { topics(p, k); consumerAcls(p, k); aws(s); new IamRolePolicyAttachment(s, 'VpcAccess', { role: 'migrate', policyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' }); },
  'CM-IAM-4': (s, p, k) => { topics(p, k); consumerAcls(p, k); aws(s); new IamPolicy(s, 'Policy', { name: 'p', policy: policyJson({ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: ['arn:aws:kms:eu-west-1:1:key/k'] }) }); },
  'CM-IAM-5': (s, p, k) => { topics(p, k); consumerAcls(p, k); aws(s); new IamPolicy(s, 'Policy', { name: 'p', policy: policyJson({ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }) }); },
  // A policy the rules cannot read: the value of a file, whatever it grants.
  'CM-IAM-7': (s, p, k) => { topics(p, k); consumerAcls(p, k); aws(s); new IamPolicy(s, 'Policy', { name: 'p', policy: Fn.file('policy.json') }); },
  'CM-IAM-6': (s, p, k) => {
    topics(p, k); consumerAcls(p, k); aws(s);
    new IamRole(s, 'Role', { name: 'migrate', assumeRolePolicy: policyJson({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }) });
  },
  'CM-LOG-2': (s, p, k) => { topics(p, k); consumerAcls(p, k); aws(s); new CloudwatchLogGroup(s, 'Logs', { name: '/mesh/x', retentionInDays: 7 }); },
  'CM-ALARM-1': (s, p, k) => {
    topics(p, k); consumerAcls(p, k); aws(s);
    const topic = new SnsTopic(s, 'Alerts', { name: 'alerts', kmsMasterKeyId: 'alias/aws/sns' });
    new CloudwatchMetricAlarm(s, 'Alarm', { alarmName: 'lag', comparisonOperator: 'GreaterThanThreshold', evaluationPeriods: 1, threshold: 1, namespace: 'AWS/Kafka', metricName: 'SumOffsetLag', period: 300, statistic: 'Maximum', alarmActions: [topic.arn] });
  },
  'CM-SECRET-1': (s, p, k) => { topics(p, k); consumerAcls(p, k); k.saslPassword = 'not-a-real-password'; void s; },
};

function build(breaks?: Build) {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'policy-synth-')), stackTraces: false });
  const stack = new TerraformStack(app, 'payments-prod');
  const kafka = new KafkaProvider(stack, 'Kafka', { bootstrapServers: ['b-1:9098'], saslMechanism: 'aws-iam', saslAwsRegion: 'eu-west-1' });
  const product = new Construct(stack, 'payment-events-v1');
  if (breaks) breaks(stack, product, kafka);
  else { topics(product, kafka); consumerAcls(product, kafka); }
  const policy = new MeshPolicy({ environment: prod, products: [{ plan, scope: product }] });
  Aspects.of(stack).add(policy);
  return { app, policy };
}

describe('every error-level rule fails synth', () => {
  it('holds: the compliant stack synthesizes', () => {
    const { app, policy } = build();
    expect(() => app.synth()).not.toThrow();
    expect(policy.findings).toEqual([]);
  });

  const errorRules = MESH_RULES.filter((r) => r.level === 'error').map((r) => r.id);
  it('has a breaking case for every error rule', () => expect(Object.keys(BREAKS).sort()).toEqual([...errorRules].sort()));

  it.each(errorRules)('fails if a resource breaks %s', (id) => {
    const { app, policy } = build(BREAKS[id]);
    expect(() => app.synth()).toThrow(new RegExp(`\\[${id}\\]`));
    expect(policy.findings.filter((f) => f.level === 'error').map((f) => f.rule)).toContain(id);
  });
});

describe('CM-SQL-1 reads the migrations the migration function runs (its bundled migrations.json)', () => {
  const sink = (sql: string) => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'policy-bundle-')), stackTraces: false });
    const stack = new TerraformStack(app, 'payments-dev');
    new AwsProvider(stack, 'Aws', { region: 'eu-west-1' });
    new SinkMigrations(stack, 'PostgresSinks', {
      domain: 'payments',
      environment: 'dev',
      region: 'eu-west-1',
      accountId: '111111111111',
      migrations: [{ id: 'payments/payment-events.v1/ledger/0001_create.sql', sql: 'CREATE TABLE payments.t (x int);' }, { id: 'payments/payment-events.v1/ledger/0002_x.sql', sql }],
      loginRoles: ['payments__ledger'],
      logsKmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/platform',
      database: { host: 'db', name: 'mesh', masterSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:rds', subnetIds: ['subnet-a'], securityGroupIds: ['sg-a'], verifyServerCertificate: false },
    });
    const policy = new MeshPolicy({ environment: dev });
    Aspects.of(stack).add(policy);
    return { app, policy };
  };
  it('holds for additive migrations', () => {
    const { app, policy } = sink('ALTER TABLE payments.t ADD COLUMN y text;');
    expect(() => app.synth()).not.toThrow();
    expect(policy.findings.filter((f) => f.rule === 'CM-SQL-1')).toEqual([]);
  });
  it('fails synth if a bundled migration drops something, naming the migration', () => {
    const { app, policy } = sink('DROP TABLE payments.t;');
    expect(() => app.synth()).toThrow(/\[CM-SQL-1\]/);
    expect(policy.findings.filter((f) => f.rule === 'CM-SQL-1').map((f) => f.message)).toEqual([
      expect.stringContaining('the migrations bundled at payments-dev/PostgresSinks/Bundle contain DROP TABLE (payments/payment-events.v1/ledger/0002_x.sql)'),
    ]);
  });
});

describe('IAM policies that embed references, as constructs write them, are judged in a real synth', () => {
  /** A stack with a secret and a role whose trust and policy `iam` builds from their tokens. */
  const withIam = (iam: (s: TerraformStack, secret: SecretsmanagerSecret) => void) => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'policy-iam-')), stackTraces: false });
    const stack = new TerraformStack(app, 'payments-dev');
    aws(stack);
    iam(stack, new SecretsmanagerSecret(stack, 'Secret', { name: 'mesh/dev/x' }));
    const policy = new MeshPolicy({ environment: dev });
    Aspects.of(stack).add(policy);
    return { app, policy, iamFindings: () => policy.findings.filter((f) => f.rule.startsWith('CM-IAM-')).map((f) => f.rule) };
  };
  const trust = (s: TerraformStack, condition: boolean) => new DataAwsIamPolicyDocument(s, 'Trust', {
    statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }], condition: condition ? [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111111111111'] }] : [] }],
  });

  it('holds for JSON.stringify and Fn.jsonencode with references, and a trust policy document with aws:SourceAccount', () => {
    const { app, iamFindings } = withIam((s, secret) => {
      const role = new IamRole(s, 'Role', { name: 'r', assumeRolePolicy: trust(s, true).json });
      new IamRolePolicy(s, 'Stringified', { role: role.id, policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secret.arn] }] }) });
      new IamPolicy(s, 'Encoded', { name: 'p', policy: Fn.jsonencode({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: secret.arn }] }) });
    });
    expect(() => app.synth()).not.toThrow();
    expect(iamFindings()).toEqual([]);
  });

  it('fails synth if a policy with references grants a secret on "*", or a trust document lacks aws:SourceAccount', () => {
    const { app, iamFindings } = withIam((s, secret) => {
      const role = new IamRole(s, 'Role', { name: 'r', assumeRolePolicy: trust(s, false).json });
      new IamRolePolicy(s, 'Stringified', { role: role.id, policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secret.arn, '*'] }] }) });
      new IamPolicy(s, 'Encoded', { name: 'p', policy: Fn.jsonencode({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:*', Resource: secret.arn }] }) });
    });
    expect(() => app.synth()).toThrow(/\[CM-IAM-2\]/);
    expect(iamFindings().sort()).toEqual(['CM-IAM-1', 'CM-IAM-2', 'CM-IAM-5', 'CM-IAM-6']);
  });
});
