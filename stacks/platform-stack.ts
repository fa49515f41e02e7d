import { Construct } from 'constructs';
import { MeshStack } from '../constructs/mesh-stack';
import { TerraformOutput, Token } from 'cdktf';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { EnvironmentConfig } from '../contracts/environment';
import { assertAwsEnvironment } from '../contracts/platform/aws-environment-rules';
import { alarmsKeyAlias, clusterName, platformKeyAlias, platformStackName } from '../contracts/derive/aws-names';
import { alarmsKeyPolicy, platformKeyPolicy } from '../contracts/platform/key-policies';
import { awsProvider } from '../constructs/aws/aws-provider';
import { KafkaCluster } from '../constructs/aws/kafka-cluster';
import { PlatformDatabase } from '../constructs/aws/platform-database';
import { configureBackend } from './domain-stack';

/** The outputs other stacks read (through `terraform_remote_state`). */
export const PLATFORM_OUTPUTS = [
  'kms_key_arn',
  'alarms_kms_key_arn',
  'msk_cluster_arn',
  'msk_cluster_name',
  'bootstrap_brokers_sasl_scram',
  'bootstrap_brokers_sasl_iam',
  'broker_security_group_id',
  'kafka_admin_security_group_id',
  'database_security_group_id',
  'database_address',
  'database_port',
  'database_master_secret_arn',
  'ecs_cluster_arn',
  'kafka_admin_policy_arn',
] as const;

/**
 * What the administrative identity (Terraform's Kafka provider, `aws-iam`) may do on the
 * cluster: connect, manage topics and their configs, manage ACLs (`AlterCluster`). Explicit
 * actions, never `kafka-cluster:*`.
 */
export const KAFKA_ADMIN_ACTIONS: readonly string[] = [
  'kafka-cluster:Connect',
  'kafka-cluster:DescribeCluster',
  'kafka-cluster:AlterCluster',
  'kafka-cluster:DescribeClusterDynamicConfiguration',
  'kafka-cluster:CreateTopic',
  'kafka-cluster:DescribeTopic',
  'kafka-cluster:AlterTopic',
  'kafka-cluster:DeleteTopic',
  'kafka-cluster:DescribeTopicDynamicConfiguration',
  'kafka-cluster:AlterTopicDynamicConfiguration',
];

/**
 * `platform-<env>`: what every domain stack stands on, deployed once per
 * environment before them: the platform KMS key (`alias/mesh-<env>-kafka`:
 * SCRAM secrets, broker storage, the database, the log groups), the alarms
 * KMS key (`alias/mesh-<env>-alarms`: the alert topics, usable by CloudWatch),
 * both with explicit key policies (contracts/platform/key-policies.ts), the
 * MSK cluster, the PostgreSQL 17 instance and the ECS cluster, in the
 * environment's existing VPC and private subnets.
 */
export class PlatformStack extends MeshStack {
  readonly key: KmsKey;
  /** The key of the alert topics: CloudWatch may use it for this environment's alarms. */
  readonly alarmsKey: KmsKey;
  readonly kafka: KafkaCluster;
  readonly database: PlatformDatabase;
  readonly ecsCluster: EcsCluster;
  /** Attach to the deploy runner's role: the administrative identity's rights, by IAM policy (not ACLs). */
  readonly kafkaAdminPolicy: IamPolicy;

  /** The environment this stack belongs to. */
  public readonly environment: EnvironmentConfig;

  constructor(scope: Construct, env: EnvironmentConfig) {
    const name = platformStackName(env.name);
    super(scope, name);
    this.environment = env;
    if (!env.aws) throw new Error(`environment ${env.name} has no aws settings; add them in stacks/environments.ts`);
    assertAwsEnvironment(env);
    configureBackend(this, name, env.backend);
    awsProvider(this, env, name);
    this.key = new KmsKey(this, 'Key', {
      description: `contract-mesh ${env.name}: SCRAM secrets, MSK storage, PostgreSQL storage and master secret, log groups`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify(platformKeyPolicy(env)),
      lifecycle: env.production ? { preventDestroy: true } : undefined,
    });
    new KmsAlias(this, 'KeyAlias', { name: platformKeyAlias(env.name), targetKeyId: this.key.keyId });
    this.alarmsKey = new KmsKey(this, 'AlarmsKey', {
      description: `contract-mesh ${env.name}: the products' alert topics (CloudWatch alarms publish to them)`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify(alarmsKeyPolicy(env)),
      lifecycle: env.production ? { preventDestroy: true } : undefined,
    });
    new KmsAlias(this, 'AlarmsKeyAlias', { name: alarmsKeyAlias(env.name), targetKeyId: this.alarmsKey.keyId });
    this.kafka = new KafkaCluster(this, 'Kafka', { env, kmsKeyArn: this.key.arn });
    this.database = new PlatformDatabase(this, 'Postgres', { env, kmsKeyArn: this.key.arn });
    this.ecsCluster = new EcsCluster(this, 'Ecs', {
      name: clusterName(env.name),
      setting: [{ name: 'containerInsights', value: 'enabled' }],
    });
    const cluster = this.kafka.cluster;
    const scoped = (kind: string) => `arn:aws:kafka:${env.region}:${env.aws!.accountId}:${kind}/${cluster.clusterName}/${cluster.clusterUuid}/*`;
    this.kafkaAdminPolicy = new IamPolicy(this, 'KafkaAdminPolicy', {
      name: `mesh-${env.name}-kafka-admin`,
      description: `contract-mesh ${env.name}: the administrative identity (Terraform's Kafka provider) on MSK mesh-${env.name}`,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Cluster', Effect: 'Allow', Action: KAFKA_ADMIN_ACTIONS.filter((a) => !/Topic/.test(a)), Resource: [cluster.arn] },
          { Sid: 'Topics', Effect: 'Allow', Action: KAFKA_ADMIN_ACTIONS.filter((a) => /Topic/.test(a)), Resource: [scoped('topic')] },
        ],
      }),
    });
    const out = (id: (typeof PLATFORM_OUTPUTS)[number], value: string, description: string) => new TerraformOutput(this, id, { value, description });
    out('kms_key_arn', this.key.arn, 'the platform key: SCRAM secrets, every mesh secret and every log group are encrypted with it');
    out('alarms_kms_key_arn', this.alarmsKey.arn, 'the alarms key: the alert topics are encrypted with it (CloudWatch may use it)');
    out('msk_cluster_arn', this.kafka.cluster.arn, 'the MSK cluster');
    out('msk_cluster_name', this.kafka.cluster.clusterName, 'the MSK cluster name (CloudWatch dimension "Cluster Name")');
    out('bootstrap_brokers_sasl_scram', this.kafka.cluster.bootstrapBrokersSaslScram, 'brokers for SCRAM clients (port 9096)');
    out('bootstrap_brokers_sasl_iam', this.kafka.cluster.bootstrapBrokersSaslIam, 'brokers for the administrative identity (port 9098)');
    out('broker_security_group_id', this.kafka.brokerSecurityGroup.id, 'clients add an ingress rule here');
    out('kafka_admin_security_group_id', this.kafka.adminSecurityGroup.id, 'attach to the deploy runner');
    out('database_security_group_id', this.database.securityGroup.id, 'sinks add an ingress rule here');
    out('database_address', this.database.instance.address, 'the PostgreSQL host');
    out('database_port', Token.asString(this.database.instance.port), 'the PostgreSQL port');
    out('database_master_secret_arn', this.database.instance.masterUserSecret.get(0).secretArn, 'the RDS-managed master secret (for the migration function only)');
    out('ecs_cluster_arn', this.ecsCluster.arn, 'the ECS cluster of the consumer services');
    out('kafka_admin_policy_arn', this.kafkaAdminPolicy.arn, 'attach to the role that runs cdktf deploy');
  }
}
