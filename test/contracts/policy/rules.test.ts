import { evaluatePolicy } from '../../../contracts/policy/evaluate';
import { MESH_RULES } from '../../../contracts/policy/pack';
import { POLICY_RULE_IDS } from '../../../contracts/policy/rule-ids';
import type { PolicyResource, PolicyRule } from '../../../contracts/policy/rule';
import { CONSUMER_HAS_GROUP_ACL, ACL_PRINCIPAL_NAMED, NO_WILDCARD_ACL } from '../../../contracts/policy/rules/acl-rules';
import { KMS_VIA_SERVICE, NO_AWS_MANAGED_POLICY, NO_STAR_RESOURCE, NO_WILDCARD_ACTION, NO_WILDCARD_SECRET_RESOURCE, READABLE_POLICY, SERVICE_TRUST_SOURCE_ACCOUNT } from '../../../contracts/policy/rules/iam-rules';
import { ALARM_TARGET_KEY } from '../../../contracts/policy/rules/alarm-rules';
import { PROD_PREVENT_DESTROY } from '../../../contracts/policy/rules/lifecycle-rules';
import { LOG_GROUP_ENCRYPTED, LOG_GROUP_RETENTION } from '../../../contracts/policy/rules/log-rules';
import { NO_SECRET_LITERAL, secretLiterals } from '../../../contracts/policy/rules/secret-rules';
import { migrationDrops, NO_DROPPING_MIGRATION } from '../../../contracts/policy/rules/sql-rules';
import {
  PROD_MIN_INSYNC,
  PROD_REPLICATION,
  RETENTION_WITHIN_BOUNDS,
  TOPIC_FROM_CONTRACT,
  TOPIC_HAS_DEAD_LETTER,
} from '../../../contracts/policy/rules/topic-rules';
import { acl, aclElements, contextOf, dev, element, prod, productPlan, topicElement } from './policy-helpers';

const plan = productPlan(prod);
const ctx = contextOf(plan);
const verdict = (rule: PolicyRule, r: PolicyResource, c = ctx) => rule.check(r, c).verdict;
const policyDoc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('the rule pack', () => {
  it('has a unique, documented ID, a level, a message and an explanation for every rule', () => {
    const ids = MESH_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...POLICY_RULE_IDS].sort());
    for (const r of MESH_RULES) {
      expect(r.id).toMatch(/^CM-[A-Z]+-\d+$/);
      expect(['error', 'warning']).toContain(r.level);
      expect(r.message.length).toBeGreaterThan(10);
      expect(r.explanation.length).toBeGreaterThan(20);
    }
  });

  it('finds nothing in what the contracts derive, in dev and in prod', () => {
    expect(evaluatePolicy(MESH_RULES, ctx)).toEqual([]);
    const devPlan = productPlan(dev);
    expect(evaluatePolicy(MESH_RULES, contextOf(devPlan, dev))).toEqual([]);
  });
});

describe('CM-TOPIC-1 dead-letter topic', () => {
  it('holds when the dead-letter topic is in the stack', () => expect(verdict(TOPIC_HAS_DEAD_LETTER, topicElement(plan))).toBe('COMPLIANT'));
  it('fails if the dead-letter topic is missing', () => {
    const c = contextOf(plan, prod, [topicElement(plan), ...aclElements(plan)]);
    expect(TOPIC_HAS_DEAD_LETTER.check(topicElement(plan), c)).toEqual({ verdict: 'NON_COMPLIANT', detail: expect.stringContaining('payments.payment-events.v1.dlq') });
  });
  it('is not applicable to the dead-letter topic itself', () => expect(verdict(TOPIC_HAS_DEAD_LETTER, topicElement(plan, 'deadLetter'))).toBe('NOT_APPLICABLE'));
});

describe('CM-TOPIC-2 and CM-TOPIC-3 production replication', () => {
  it('holds with 3 replicas and min.insync.replicas 2', () => {
    expect(verdict(PROD_REPLICATION, topicElement(plan))).toBe('COMPLIANT');
    expect(verdict(PROD_MIN_INSYNC, topicElement(plan))).toBe('COMPLIANT');
  });
  it('fails if a prod topic has 2 replicas', () => expect(verdict(PROD_REPLICATION, topicElement(plan, 'topic', { replication_factor: 2 }))).toBe('NON_COMPLIANT'));
  it('fails if a prod topic has min.insync.replicas 1 or unset', () => {
    expect(verdict(PROD_MIN_INSYNC, topicElement(plan, 'topic', { config: { 'min.insync.replicas': '1' } }))).toBe('NON_COMPLIANT');
    expect(verdict(PROD_MIN_INSYNC, topicElement(plan, 'topic', { config: {} }))).toBe('NON_COMPLIANT');
  });
  it('is not applicable in dev', () => {
    const d = productPlan(dev);
    expect(verdict(PROD_REPLICATION, topicElement(d), contextOf(d, dev))).toBe('NOT_APPLICABLE');
    expect(verdict(PROD_MIN_INSYNC, topicElement(d), contextOf(d, dev))).toBe('NOT_APPLICABLE');
  });
});

describe('CM-TOPIC-4 retention bounds', () => {
  it('holds for derived retention (events and entities)', () => {
    expect(verdict(RETENTION_WITHIN_BOUNDS, topicElement(plan))).toBe('COMPLIANT');
    expect(verdict(RETENTION_WITHIN_BOUNDS, topicElement(plan, 'deadLetter'))).toBe('COMPLIANT');
    const entity = productPlan(prod, { kind: 'entity', classification: 'pii' });
    expect(verdict(RETENTION_WITHIN_BOUNDS, topicElement(entity), contextOf(entity))).toBe('COMPLIANT');
  });
  it('fails if retention.ms is over the classification bound (internal: 90 days in prod)', () => {
    const r = topicElement(plan, 'topic', { config: { 'cleanup.policy': 'delete', 'retention.ms': String(91 * 86_400_000) } });
    expect(RETENTION_WITHIN_BOUNDS.check(r, ctx)).toEqual({ verdict: 'NON_COMPLIANT', detail: expect.stringMatching(/retention\.ms is 7862400000.*at most 90 days/) });
  });
  it('fails if retention.ms is -1 (forever) or unset on a delete topic', () => {
    expect(verdict(RETENTION_WITHIN_BOUNDS, topicElement(plan, 'topic', { config: { 'retention.ms': '-1' } }))).toBe('NON_COMPLIANT');
    expect(verdict(RETENTION_WITHIN_BOUNDS, topicElement(plan, 'topic', { config: { 'cleanup.policy': 'delete' } }))).toBe('NON_COMPLIANT');
  });
  it('fails if a pii entity has no max.compaction.lag.ms', () => {
    const entity = productPlan(prod, { kind: 'entity', classification: 'pii' });
    const r = topicElement(entity, 'topic', { config: { 'cleanup.policy': 'compact', 'delete.retention.ms': '86400000' } });
    expect(verdict(RETENTION_WITHIN_BOUNDS, r, contextOf(entity))).toBe('NON_COMPLIANT');
  });
});

describe('CM-TOPIC-5 topic from a contract', () => {
  it('holds for a product topic', () => expect(verdict(TOPIC_FROM_CONTRACT, topicElement(plan))).toBe('COMPLIANT'));
  it('fails if a topic belongs to no contract', () => expect(verdict(TOPIC_FROM_CONTRACT, element('kafka_topic', { name: 'scratch', partitions: 1, replication_factor: 3 }))).toBe('NON_COMPLIANT'));
});

describe('CM-ACL-1 no wildcard or Prefixed ACL', () => {
  it('holds for a Literal ACL', () => expect(verdict(NO_WILDCARD_ACL, aclElements(plan)[0])).toBe('COMPLIANT'));
  it.each([
    ['a Prefixed pattern', { resource_pattern_type_filter: 'Prefixed' }],
    ['a * resource', { resource_name: '*' }],
    ['a * principal', { acl_principal: 'User:*' }],
    ['the All operation', { acl_operation: 'All' }],
  ])('fails if it has %s', (_what, patch) => {
    const r = acl({ acl_principal: 'User:ledger-sink', resource_type: 'Topic', resource_name: 'payments.payment-events.v1', acl_operation: 'Read', ...patch });
    expect(verdict(NO_WILDCARD_ACL, r)).toBe('NON_COMPLIANT');
  });
});

describe('CM-ACL-2 principals named by a contract', () => {
  it('holds for a contract principal and for the admin principal by name', () => {
    expect(verdict(ACL_PRINCIPAL_NAMED, aclElements(plan)[0])).toBe('COMPLIANT');
    expect(verdict(ACL_PRINCIPAL_NAMED, acl({ acl_principal: 'User:mesh-admin-prod', resource_type: 'Cluster', resource_name: 'kafka-cluster', acl_operation: 'Alter' }))).toBe('COMPLIANT');
  });
  it('fails if no contract names the principal', () => {
    expect(verdict(ACL_PRINCIPAL_NAMED, acl({ acl_principal: 'User:intruder', resource_type: 'Topic', resource_name: 'payments.payment-events.v1', acl_operation: 'Read' }))).toBe('NON_COMPLIANT');
  });
});

describe('CM-ACL-3 consumer group ACLs', () => {
  it('holds when every consumer has its group and topic Read', () => expect(verdict(CONSUMER_HAS_GROUP_ACL, topicElement(plan))).toBe('COMPLIANT'));
  it("fails if a consumer's group ACL is missing", () => {
    const resources = [topicElement(plan), topicElement(plan, 'deadLetter'), ...aclElements(plan).filter((a) => a.config.resource_name !== 'payments.payment-events.v1.ledger')];
    expect(CONSUMER_HAS_GROUP_ACL.check(topicElement(plan), contextOf(plan, prod, resources))).toEqual({ verdict: 'NON_COMPLIANT', detail: expect.stringContaining('ledger (User:ledger-sink): Read on group "payments.payment-events.v1.ledger"') });
  });
  it.each([
    ['a Deny', { acl_permission_type: 'Deny' }],
    ['a Prefixed', { resource_pattern_type_filter: 'Prefixed' }],
    ['a Write', { acl_operation: 'Write' }],
  ])("fails if the consumer's group ACL is %s ACL instead of a Literal Allow Read", (_what, change) => {
    const isGroup = (a: PolicyResource) => a.config.resource_name === 'payments.payment-events.v1.ledger';
    const resources = [topicElement(plan), topicElement(plan, 'deadLetter'), ...aclElements(plan).map((a) => (isGroup(a) ? { ...a, config: { ...a.config, ...change } } : a))];
    expect(resources.filter(isGroup)).toHaveLength(1);
    expect(CONSUMER_HAS_GROUP_ACL.check(topicElement(plan), contextOf(plan, prod, resources))).toEqual({ verdict: 'NON_COMPLIANT', detail: expect.stringContaining('ledger (User:ledger-sink): Read on group "payments.payment-events.v1.ledger"') });
  });
  it('is not applicable to a product without consumers', () => {
    const lonely = productPlan(prod, { consumers: [] });
    expect(verdict(CONSUMER_HAS_GROUP_ACL, topicElement(lonely), contextOf(lonely))).toBe('NOT_APPLICABLE');
  });
});

describe('CM-LIFE-1 prevent_destroy in production', () => {
  const secret = (lifecycle?: unknown) => element('aws_secretsmanager_secret', { name: 'mesh/ledger-sink', ...(lifecycle ? { lifecycle } : {}) });
  const migration = (lifecycle?: unknown) => element('aws_lambda_invocation', { function_name: 'migrate', input: '{}', ...(lifecycle ? { lifecycle } : {}) }, 'resource', 'payments-prod/sink/Migration');
  it('holds for prod topics, secrets and migration resources with prevent_destroy', () => {
    expect(verdict(PROD_PREVENT_DESTROY, topicElement(plan))).toBe('COMPLIANT');
    expect(verdict(PROD_PREVENT_DESTROY, secret({ prevent_destroy: true }))).toBe('COMPLIANT');
    expect(verdict(PROD_PREVENT_DESTROY, migration({ prevent_destroy: true }))).toBe('COMPLIANT');
  });
  it('fails if a prod topic, secret or migration resource lacks it', () => {
    expect(verdict(PROD_PREVENT_DESTROY, topicElement(plan, 'topic', { lifecycle: undefined }))).toBe('NON_COMPLIANT');
    expect(verdict(PROD_PREVENT_DESTROY, secret())).toBe('NON_COMPLIANT');
    expect(verdict(PROD_PREVENT_DESTROY, migration())).toBe('NON_COMPLIANT');
  });
  it('is not applicable in dev or to stateless resources', () => {
    const d = productPlan(dev);
    expect(verdict(PROD_PREVENT_DESTROY, topicElement(d, 'topic', { lifecycle: undefined }), contextOf(d, dev))).toBe('NOT_APPLICABLE');
    expect(verdict(PROD_PREVENT_DESTROY, aclElements(plan)[0])).toBe('NOT_APPLICABLE');
  });
});

describe('CM-SQL-1 no dropping migration', () => {
  it('finds the destructive statements and ignores comments', () => {
    expect(migrationDrops('CREATE TABLE a (x int); -- DROP TABLE a\nALTER TABLE a ADD COLUMN y text;')).toEqual([]);
    expect(migrationDrops('ALTER TABLE a DROP COLUMN y; DROP TABLE b; TRUNCATE c; DELETE FROM d;')).toEqual(['DROP COLUMN', 'DROP TABLE', 'TRUNCATE', 'DELETE FROM']);
    expect(migrationDrops('alter table a drop y')).toEqual(['ALTER TABLE … DROP']);
  });
  it('holds for an additive migration in a Lambda invocation input', () => {
    const r = element('aws_lambda_invocation', { input: JSON.stringify({ migrations: [{ version: 2, sql: 'ALTER TABLE t ADD COLUMN c text;' }] }) });
    expect(verdict(NO_DROPPING_MIGRATION, r)).toBe('COMPLIANT');
  });
  it('fails if a migration drops a column', () => {
    const r = element('aws_lambda_invocation', { input: JSON.stringify({ migrations: [{ version: 2, sql: 'ALTER TABLE t DROP COLUMN c;' }] }) });
    expect(NO_DROPPING_MIGRATION.check(r, ctx)).toEqual({ verdict: 'NON_COMPLIANT', detail: expect.stringContaining('DROP COLUMN') });
  });
  it('is not applicable to a resource without SQL', () => expect(verdict(NO_DROPPING_MIGRATION, topicElement(plan))).toBe('NOT_APPLICABLE'));

  it('holds for what the generator writes when a field becomes optional or its bounds widen (no data lost)', () => {
    expect(migrationDrops('ALTER TABLE "p"."t" ALTER COLUMN "c" DROP NOT NULL;')).toEqual([]);
    expect(migrationDrops('ALTER TABLE "p"."t" DROP CONSTRAINT IF EXISTS "t_c_check", ADD CONSTRAINT "t_c_check" CHECK (c <= 10);')).toEqual([]);
    expect(migrationDrops('ALTER TABLE t ALTER COLUMN c DROP NOT NULL, DROP COLUMN d;')).toEqual(['DROP COLUMN']);
  });

  describe('in the migrations bundled with the migration function (an asset\'s migrations.json)', () => {
    const bundle = (migrations: Array<{ id: string; sql: string }>) => element('terraform_asset', { path: 'assets/x/archive.zip', files: { 'migrations.json': migrations } }, 'asset', 'payments-prod/PostgresSinks/Bundle');
    it('holds for additive migrations', () => {
      expect(verdict(NO_DROPPING_MIGRATION, bundle([{ id: 'payments/a.v1/ledger/0001_create.sql', sql: 'CREATE TABLE t (x int);' }]))).toBe('COMPLIANT');
    });
    it('fails if a bundled migration drops something, naming the migration', () => {
      const r = bundle([
        { id: 'payments/a.v1/ledger/0001_create.sql', sql: 'CREATE TABLE t (x int);' },
        { id: 'payments/a.v1/ledger/0002_x.sql', sql: 'DROP TABLE t;' },
      ]);
      expect(NO_DROPPING_MIGRATION.check(r, ctx)).toEqual({ verdict: 'NON_COMPLIANT', detail: 'the migrations bundled at payments-prod/PostgresSinks/Bundle contain DROP TABLE (payments/a.v1/ledger/0002_x.sql).' });
    });
    it('is not applicable to an asset without SQL', () => {
      expect(verdict(NO_DROPPING_MIGRATION, element('terraform_asset', { path: 'a', files: {} }, 'asset'))).toBe('NOT_APPLICABLE');
    });
  });
});

describe('CM-IAM-1 and CM-IAM-2 IAM grants', () => {
  const policy = (statements: unknown[]) => element('aws_iam_policy', { name: 'p', policy: policyDoc(statements) });
  const exact = policy([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:mesh/ledger-AbCdEf' }]);
  it('holds for exact actions on exact ARNs', () => {
    expect(verdict(NO_WILDCARD_ACTION, exact)).toBe('COMPLIANT');
    expect(verdict(NO_WILDCARD_SECRET_RESOURCE, exact)).toBe('COMPLIANT');
  });
  it('fails if an action has a wildcard (inline policy of a role, or a policy document)', () => {
    expect(verdict(NO_WILDCARD_ACTION, policy([{ Effect: 'Allow', Action: 'kafka-cluster:*', Resource: 'arn:aws:kafka:x' }]))).toBe('NON_COMPLIANT');
    const role = element('aws_iam_role', { name: 'r', inline_policy: [{ name: 'i', policy: policyDoc([{ Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::b/*' }]) }] });
    expect(verdict(NO_WILDCARD_ACTION, role)).toBe('NON_COMPLIANT');
    const doc = element('aws_iam_policy_document', { statement: [{ effect: 'Allow', actions: ['*'], resources: ['arn:aws:s3:::b'] }] }, 'data');
    expect(verdict(NO_WILDCARD_ACTION, doc)).toBe('NON_COMPLIANT');
  });
  it('fails if secrets or keys are granted on *', () => {
    expect(verdict(NO_WILDCARD_SECRET_RESOURCE, policy([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }]))).toBe('NON_COMPLIANT');
    expect(verdict(NO_WILDCARD_SECRET_RESOURCE, policy([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-west-1:123456789012:key/*' }]))).toBe('NON_COMPLIANT');
  });
  it('is not applicable to a policy that is a reference', () => expect(verdict(NO_WILDCARD_ACTION, element('aws_iam_policy', { policy: '${data.aws_iam_policy_document.x.json}' }))).toBe('NOT_APPLICABLE'));
});

describe('CM-IAM-3 to CM-IAM-6: the old form of the migration function\'s IAM is caught', () => {
  const policy = (statements: unknown[]) => element('aws_iam_policy', { name: 'p', policy: policyDoc(statements) });
  const key = 'arn:aws:kms:eu-west-1:123456789012:key/platform';

  it('CM-IAM-3 fails if an AWS managed policy is attached (AWSLambdaVPCAccessExecutionRole), and holds for a customer one', () => {
    const attach = (arn: string) => element('aws_iam_role_policy_attachment', { role: 'migrate', policy_arn: arn });
    expect(NO_AWS_MANAGED_POLICY.check(attach('arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'), ctx)).toEqual({ verdict: 'NON_COMPLIANT', detail: expect.stringContaining('AWSLambdaVPCAccessExecutionRole') });
    expect(verdict(NO_AWS_MANAGED_POLICY, element('aws_iam_role', { name: 'r', managed_policy_arns: ['arn:aws:iam::aws:policy/AdministratorAccess'] }))).toBe('NON_COMPLIANT');
    expect(verdict(NO_AWS_MANAGED_POLICY, attach('arn:aws:iam::123456789012:policy/mesh-dev-kafka-admin'))).toBe('COMPLIANT');
    expect(verdict(NO_AWS_MANAGED_POLICY, element('aws_iam_role', { name: 'r' }))).toBe('NOT_APPLICABLE');
  });

  it('CM-IAM-4 fails if a key may be used directly, and holds through Secrets Manager only', () => {
    expect(verdict(KMS_VIA_SERVICE, policy([{ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [key] }]))).toBe('NON_COMPLIANT');
    expect(verdict(KMS_VIA_SERVICE, policy([{ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: [key] }]))).toBe('NON_COMPLIANT');
    const via = { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } };
    expect(verdict(KMS_VIA_SERVICE, policy([{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [key], Condition: via }]))).toBe('COMPLIANT');
    const doc = element('aws_iam_policy_document', { statement: [{ effect: 'Allow', actions: ['kms:Decrypt'], resources: [key], condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.eu-west-1.amazonaws.com'] }] }] }, 'data');
    expect(verdict(KMS_VIA_SERVICE, doc)).toBe('COMPLIANT');
    expect(verdict(KMS_VIA_SERVICE, policy([{ Effect: 'Allow', Action: ['kms:DescribeKey'], Resource: [key] }]))).toBe('NOT_APPLICABLE');
  });

  it('CM-IAM-5 fails if a scopable action gets "*" (the managed policy\'s logs on every log group), and holds for the Describe actions', () => {
    expect(NO_STAR_RESOURCE.check(policy([{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'ec2:CreateNetworkInterface'], Resource: '*' }]), ctx)).toEqual({
      verdict: 'NON_COMPLIANT', detail: expect.stringContaining('logs:CreateLogStream, logs:PutLogEvents, ec2:CreateNetworkInterface on "*"'),
    });
    expect(verdict(NO_STAR_RESOURCE, policy([{ Effect: 'Allow', Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], Resource: ['*'] }]))).toBe('COMPLIANT');
  });

  it('CM-IAM-6 fails if a service may assume a role for any account, and holds with aws:SourceAccount', () => {
    const role = (condition?: unknown) => element('aws_iam_role', { name: 'migrate', assume_role_policy: policyDoc([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }]) });
    expect(SERVICE_TRUST_SOURCE_ACCOUNT.check(role(), ctx)).toEqual({ verdict: 'NON_COMPLIANT', detail: expect.stringContaining('lets lambda.amazonaws.com assume it for any account') });
    expect(verdict(SERVICE_TRUST_SOURCE_ACCOUNT, role({ StringEquals: { 'aws:SourceAccount': '123456789012' } }))).toBe('COMPLIANT');
    expect(verdict(SERVICE_TRUST_SOURCE_ACCOUNT, element('aws_iam_role', { name: 'r', assume_role_policy: policyDoc([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }]) }))).toBe('NOT_APPLICABLE');
  });
});

/**
 * A policy as synthesis writes it: JSON.stringify of the statements, with each «expression» becoming the reference
 * `${expression}` afterwards, unescaped — as cdktf resolves a token inside a JSON string (its quotes stay raw).
 */
const synthesized = (statements: unknown[]) => policyDoc(statements).replace(/«(.*?)»/g, (_m, e: string) => `\${${e.replace(/\\"/g, '"')}}`);

describe('the IAM rules judge policies that embed Terraform references (a reference is one resource, never a wildcard)', () => {
  const policy = (statements: unknown[]) => element('aws_iam_role_policy', { name: 'least-privilege', role: '${aws_iam_role.r.id}', policy: synthesized(statements) });
  const secret = '«data.terraform_remote_state.Identities.outputs.scram_secret_arns["ledger-sink"]»';
  const key = '«data.terraform_remote_state.Platform.outputs.kms_key_arn»';
  const via = { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } };
  const encoded = (statement: string) => element('aws_iam_policy', { name: 'p', policy: `\${jsonencode({"Version" = "2012-10-17", "Statement" = [${statement}]})}` });

  it('CM-IAM-1 holds for exact actions on references, and fails if an action has a wildcard (JSON or jsonencode)', () => {
    expect(verdict(NO_WILDCARD_ACTION, policy([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secret] }]))).toBe('COMPLIANT');
    expect(verdict(NO_WILDCARD_ACTION, policy([{ Effect: 'Allow', Action: ['s3:Get*'], Resource: ['«aws_s3_bucket.b.arn»/*'] }]))).toBe('NON_COMPLIANT');
    expect(verdict(NO_WILDCARD_ACTION, encoded('{"Effect" = "Allow", "Action" = "kafka-cluster:*", "Resource" = aws_msk_cluster.c.arn}'))).toBe('NON_COMPLIANT');
    expect(verdict(NO_WILDCARD_ACTION, encoded('{"Effect" = "Allow", "Action" = ["kafka-cluster:Connect"], "Resource" = aws_msk_cluster.c.arn}'))).toBe('COMPLIANT');
    expect(verdict(NO_WILDCARD_ACTION, policy([{ Effect: 'Allow', Action: ['s3:GetObjec?'], Resource: ['«aws_s3_bucket.b.arn»/x'] }]))).toBe('NON_COMPLIANT');
  });

  it('CM-IAM-2 holds for a secret given by reference, and fails if the wildcard is outside the reference', () => {
    expect(verdict(NO_WILDCARD_SECRET_RESOURCE, policy([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secret, '«aws_secretsmanager_secret.login.arn»'] }]))).toBe('COMPLIANT');
    expect(NO_WILDCARD_SECRET_RESOURCE.check(policy([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: ['arn:aws:secretsmanager:«data.aws_region.r.name»:1:secret:*'] }]), ctx))
      .toEqual({ verdict: 'NON_COMPLIANT', detail: expect.stringContaining('arn:aws:secretsmanager:${data.aws_region.r.name}:1:secret:*') });
    expect(verdict(NO_WILDCARD_SECRET_RESOURCE, policy([{ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [key, '*'], Condition: via }]))).toBe('NON_COMPLIANT');
  });

  it('CM-IAM-3 holds for a customer policy attached by reference, and fails for an AWS managed one', () => {
    const attach = (arn: string) => element('aws_iam_role_policy_attachment', { role: '${aws_iam_role.r.name}', policy_arn: arn });
    expect(verdict(NO_AWS_MANAGED_POLICY, attach('${aws_iam_policy.kafka-admin.arn}'))).toBe('COMPLIANT');
    expect(verdict(NO_AWS_MANAGED_POLICY, attach('arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'))).toBe('NON_COMPLIANT');
  });

  it('CM-IAM-4 fails if a key given by reference may be used directly, and holds through Secrets Manager', () => {
    expect(KMS_VIA_SERVICE.check(policy([{ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [key] }]), ctx)).toEqual({ verdict: 'NON_COMPLIANT', detail: expect.stringContaining('kms:Decrypt without a kms:ViaService condition') });
    expect(verdict(KMS_VIA_SERVICE, policy([{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [key], Condition: via }]))).toBe('COMPLIANT');
    expect(verdict(KMS_VIA_SERVICE, encoded(`{"Effect" = "Allow", "Action" = ["kms:Decrypt"], "Resource" = data.terraform_remote_state.Platform.outputs.kms_key_arn}`))).toBe('NON_COMPLIANT');
  });

  it('CM-IAM-5 holds for a log group given by reference, and fails if the same actions get "*"', () => {
    expect(verdict(NO_STAR_RESOURCE, policy([{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: ['«aws_cloudwatch_log_group.Logs.arn»:log-stream:*'] }]))).toBe('COMPLIANT');
    expect(NO_STAR_RESOURCE.check(policy([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secret] }, { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: ['*'] }]), ctx))
      .toEqual({ verdict: 'NON_COMPLIANT', detail: expect.stringContaining('logs:CreateLogStream, logs:PutLogEvents on "*"') });
  });

  it("CM-IAM-6 judges a trust policy with references, and one given as a policy document's JSON", () => {
    const trust = (condition?: unknown) => element('aws_iam_role', { name: 'r', assume_role_policy: synthesized([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }]) });
    expect(verdict(SERVICE_TRUST_SOURCE_ACCOUNT, trust({ StringEquals: { 'aws:SourceAccount': '«data.aws_caller_identity.me.account_id»' } }))).toBe('COMPLIANT');
    expect(verdict(SERVICE_TRUST_SOURCE_ACCOUNT, trust({ ArnLike: { 'aws:SourceArn': '«aws_lambda_function.f.arn»' } }))).toBe('COMPLIANT');
    expect(verdict(SERVICE_TRUST_SOURCE_ACCOUNT, trust())).toBe('NON_COMPLIANT');
    const doc = (condition: unknown[]): PolicyResource => ({ ...element('aws_iam_policy_document', { statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }], condition }] }, 'data'), address: 'data.aws_iam_policy_document.trust' });
    const role = element('aws_iam_role', { name: 'r', assume_role_policy: '${data.aws_iam_policy_document.trust.json}' });
    const withDoc = (d: PolicyResource) => ({ ...ctx, resources: [d, role] });
    expect(verdict(SERVICE_TRUST_SOURCE_ACCOUNT, role, withDoc(doc([])))).toBe('NON_COMPLIANT');
    expect(verdict(SERVICE_TRUST_SOURCE_ACCOUNT, role, withDoc(doc([{ test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] }])))).toBe('COMPLIANT');
  });

  it('CM-IAM-7 holds for every form the rules can read, and fails if a policy cannot be read, saying why', () => {
    expect(verdict(READABLE_POLICY, policy([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secret] }]))).toBe('COMPLIANT');
    expect(verdict(READABLE_POLICY, encoded('{"Effect" = "Allow", "Action" = ["sns:Publish"], "Resource" = aws_sns_topic.t.arn}'))).toBe('COMPLIANT');
    expect(verdict(READABLE_POLICY, element('aws_iam_policy', { name: 'p', policy: '${data.aws_iam_policy_document.x.json}' }))).toBe('COMPLIANT');
    expect(READABLE_POLICY.check(element('aws_iam_policy', { name: 'p', policy: '${file("policy.json")}' }), ctx))
      .toEqual({ verdict: 'NON_COMPLIANT', detail: expect.stringContaining('policy cannot be read: it is the value of ${file("policy.json")}') });
    expect(verdict(READABLE_POLICY, policy([{ Effect: 'Allow', Action: '«var.action»', Resource: [secret] }]))).toBe('NON_COMPLIANT');
    const role = element('aws_iam_role', { name: 'r', assume_role_policy: '${var.trust}', inline_policy: [{ name: 'i', policy: synthesized([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '«aws_s3_bucket.b.arn»/x' }]) }] });
    expect(READABLE_POLICY.check(role, ctx)).toEqual({ verdict: 'NON_COMPLIANT', detail: expect.stringContaining('assume_role_policy cannot be read') });
    expect(verdict(READABLE_POLICY, element('aws_iam_policy_document', { statement: [{ actions: '${var.actions}', resources: ['*'] }] }, 'data'))).toBe('NON_COMPLIANT');
  });

  it('sees every grant of a policy that mixes references and literals: one wide statement among scoped ones is found', () => {
    const mixed = policy([
      { Sid: 'ReadOwnSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secret] },
      { Sid: 'Everything', Effect: 'Allow', Action: ['secretsmanager:*'], Resource: ['*'] },
    ]);
    expect(evaluatePolicy([NO_WILDCARD_ACTION, NO_WILDCARD_SECRET_RESOURCE, NO_STAR_RESOURCE, READABLE_POLICY], { ...ctx, resources: [mixed] }).map((f) => f.rule)).toEqual(['CM-IAM-1', 'CM-IAM-2', 'CM-IAM-5']);
  });
});

describe('CM-LOG-2 log group encryption', () => {
  it('holds with a customer-managed key', () => expect(verdict(LOG_GROUP_ENCRYPTED, element('aws_cloudwatch_log_group', { name: '/mesh/x', kms_key_id: '${aws_kms_key.Key.arn}' }))).toBe('COMPLIANT'));
  it('fails if the log group has no kms_key_id', () => expect(verdict(LOG_GROUP_ENCRYPTED, element('aws_cloudwatch_log_group', { name: '/mesh/x', retention_in_days: 7 }))).toBe('NON_COMPLIANT'));
});

describe('CM-ALARM-1 alarm targets CloudWatch can publish to', () => {
  const topic = (key: string, name = 'alerts') => ({ ...element('aws_sns_topic', { name, kms_master_key_id: key }), address: `aws_sns_topic.${name}` });
  const alarm = (target: string) => element('aws_cloudwatch_metric_alarm', { alarm_name: 'mesh-prod-x-lag', alarm_actions: [`\${aws_sns_topic.${target}.arn}`], ok_actions: [`\${aws_sns_topic.${target}.arn}`] });
  const withResources = (...rs: PolicyResource[]) => contextOf(plan, prod, rs);

  it('fails if an alarm sends to a topic encrypted with the AWS managed key', () => {
    const t = topic('alias/aws/sns');
    expect(ALARM_TARGET_KEY.check(t, withResources(t, alarm('alerts')))).toEqual({ verdict: 'NON_COMPLIANT', detail: expect.stringContaining('alias/aws/sns') });
    const arn = topic('arn:aws:kms:eu-west-1:111111111111:alias/aws/sns');
    expect(ALARM_TARGET_KEY.check(arn, withResources(arn, alarm('alerts'))).verdict).toBe('NON_COMPLIANT');
  });
  it('holds for a customer-managed key, and does not apply to a topic no alarm sends to', () => {
    const t = topic('${data.terraform_remote_state.Platform.outputs.alarms_kms_key_arn}');
    expect(ALARM_TARGET_KEY.check(t, withResources(t, alarm('alerts'))).verdict).toBe('COMPLIANT');
    const other = topic('alias/aws/sns', 'other');
    expect(ALARM_TARGET_KEY.check(other, withResources(other, alarm('alerts'))).verdict).toBe('NOT_APPLICABLE');
  });
});

describe('CM-LOG-1 log group retention', () => {
  it('holds with retention_in_days', () => expect(verdict(LOG_GROUP_RETENTION, element('aws_cloudwatch_log_group', { name: '/mesh/x', retention_in_days: 30 }))).toBe('COMPLIANT'));
  it('fails if retention_in_days is unset or 0', () => {
    expect(verdict(LOG_GROUP_RETENTION, element('aws_cloudwatch_log_group', { name: '/mesh/x' }))).toBe('NON_COMPLIANT');
    expect(verdict(LOG_GROUP_RETENTION, element('aws_cloudwatch_log_group', { name: '/mesh/x', retention_in_days: 0 }))).toBe('NON_COMPLIANT');
  });
});

describe('CM-SECRET-1 no secret literal', () => {
  it('holds for references, names and ARNs of secrets', () => {
    expect(verdict(NO_SECRET_LITERAL, element('aws_secretsmanager_secret_version', { secret_id: 'arn:aws:secretsmanager:x', secret_string: '${random_password.p.result}' }))).toBe('COMPLIANT');
    expect(verdict(NO_SECRET_LITERAL, element('kafka', { sasl_mechanism: 'aws-iam', sasl_aws_region: 'eu-west-1' }, 'provider'))).toBe('COMPLIANT');
  });
  it('fails if a password, a key or a credential URL is a literal — and never shows the value', () => {
    const r = element('kafka', { sasl_username: 'admin', sasl_password: 'hunter2hunter2' }, 'provider');
    const out = NO_SECRET_LITERAL.check(r, ctx);
    expect(out).toEqual({ verdict: 'NON_COMPLIANT', detail: expect.stringContaining('sasl_password') });
    expect(JSON.stringify(out)).not.toContain('hunter2');
    expect(secretLiterals({ environment: { variables: { DB: 'postgres://sink:s3cret@db:5432/mesh' } } })).toEqual(['environment.variables.DB (a URL with a password)']);
    expect(secretLiterals({ user_data: 'export AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP' })).toEqual(['user_data (an AWS access key id)']);
  });
});

describe('suppressions', () => {
  it("records the contract's reason on a finding for the named resource only", () => {
    const p = productPlan(prod, { suppressions: [{ rule: 'CM-TOPIC-4', resource: 'deadLetter', reason: 'legal hold on dead letters, ticket LEGAL-12' }] });
    const long = { config: { 'cleanup.policy': 'delete', 'retention.ms': String(365 * 86_400_000), 'min.insync.replicas': '2' } };
    const resources = [topicElement(p, 'topic', long), topicElement(p, 'deadLetter', long), ...aclElements(p)];
    const findings = evaluatePolicy(MESH_RULES, contextOf(p, prod, resources));
    expect(findings.map((f) => [f.rule, f.path.split('/').pop(), f.suppressed])).toEqual([
      ['CM-TOPIC-4', 'DeadLetter', 'legal hold on dead letters, ticket LEGAL-12'],
      ['CM-TOPIC-4', 'Topic', undefined],
    ]);
  });
});

describe('contract suppressions are validated', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { problemsOf } = require('../../helpers') as typeof import('../../helpers');
  it('holds for a known rule, a resource and a reason', () => {
    expect(problemsOf({ suppressions: [{ rule: 'CM-TOPIC-4', resource: 'deadLetter', reason: 'legal hold, ticket LEGAL-12' }] })).toEqual([]);
  });
  it('fails if the rule is unknown, the resource missing or the reason too short', () => {
    const problems = problemsOf({ suppressions: [{ rule: 'CM-TOPIK-4', reason: 'ok' }] });
    expect(problems.map((p) => p.field)).toEqual(['suppressions[0].rule', 'suppressions[0].resource', 'suppressions[0].reason']);
    expect(problems[0].fix).toBe('did you mean "CM-TOPIC-4"?');
  });
  it('fails if keyCardinality is not a positive whole number', () => {
    expect(problemsOf({ keyCardinality: 2.5 }).map((p) => p.field)).toEqual(['keyCardinality']);
  });
});
