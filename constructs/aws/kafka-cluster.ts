import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { MskCluster } from '@cdktf/provider-aws/lib/msk-cluster';
import { MskConfiguration } from '@cdktf/provider-aws/lib/msk-configuration';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { EnvironmentConfig } from '../../contracts/environment';
import { clusterName, logGroupPrefix } from '../../contracts/derive/aws-names';

/** SASL/SCRAM over TLS: the port the data products' services use. */
export const MSK_SCRAM_PORT = 9096;
/** SASL/IAM over TLS: the port of the administrative identity (Terraform's Kafka provider). */
export const MSK_IAM_PORT = 9098;

/**
 * The broker settings contract-mesh relies on: topics exist only when Terraform
 * creates them, and a principal without an ACL is refused.
 */
export const MSK_SERVER_PROPERTIES: Readonly<Record<string, string>> = {
  'auto.create.topics.enable': 'false',
  'allow.everyone.if.no.acl.found': 'false',
  'delete.topic.enable': 'true',
};

/** Props of {@link KafkaCluster}. */
export interface KafkaClusterProps {
  /** The environment (must have `aws`). */
  readonly env: EnvironmentConfig;
  /** ARN of the customer-managed key that encrypts the brokers' storage and their log group. */
  readonly kmsKeyArn: string;
}

/**
 * The environment's MSK cluster `mesh-<env>`: Kafka 3.7.x, TLS only between
 * clients and brokers and inside the cluster, SASL/SCRAM (services) and IAM
 * (the administrative identity) side by side, no unauthenticated access,
 * storage encrypted with the platform key, `PER_TOPIC_PER_PARTITION` enhanced
 * monitoring (consumer-lag and per-topic metrics), broker logs to CloudWatch
 * with the environment's retention. Its security group `Brokers` admits
 * nothing by itself: SCRAM clients are admitted by ingress rules that their
 * own stacks add; the administrative identity through the `KafkaAdmin` group
 * (attach it to the deploy runner).
 */
export class KafkaCluster extends Construct {
  readonly cluster: MskCluster;
  readonly configuration: MskConfiguration;
  readonly brokerSecurityGroup: SecurityGroup;
  readonly adminSecurityGroup: SecurityGroup;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: KafkaClusterProps) {
    super(scope, id);
    const { env } = props;
    const aws = env.aws!;
    const name = clusterName(env.name);
    this.brokerSecurityGroup = new SecurityGroup(this, 'Brokers', {
      name: `${name}-kafka-brokers`,
      description: `MSK brokers of ${name}; ingress only from the security groups of known clients`,
      vpcId: aws.network.vpcId,
      revokeRulesOnDelete: true,
    });
    this.adminSecurityGroup = new SecurityGroup(this, 'KafkaAdmin', {
      name: `${name}-kafka-admin`,
      description: `The administrative identity's runner: IAM-authenticated Kafka admin on ${name}`,
      vpcId: aws.network.vpcId,
      revokeRulesOnDelete: true,
    });
    new VpcSecurityGroupIngressRule(this, 'AdminIngress', {
      securityGroupId: this.brokerSecurityGroup.id,
      referencedSecurityGroupId: this.adminSecurityGroup.id,
      ipProtocol: 'tcp',
      fromPort: MSK_IAM_PORT,
      toPort: MSK_IAM_PORT,
      description: 'Terraform Kafka provider (SASL/IAM over TLS)',
    });
    new VpcSecurityGroupEgressRule(this, 'AdminEgress', {
      securityGroupId: this.adminSecurityGroup.id,
      referencedSecurityGroupId: this.brokerSecurityGroup.id,
      ipProtocol: 'tcp',
      fromPort: MSK_IAM_PORT,
      toPort: MSK_IAM_PORT,
      description: 'to the brokers (SASL/IAM over TLS)',
    });
    this.logGroup = new CloudwatchLogGroup(this, 'BrokerLogs', {
      name: `${logGroupPrefix(env.name)}msk/${name}`,
      retentionInDays: aws.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    this.configuration = new MskConfiguration(this, 'Configuration', {
      name: `${name}-brokers`,
      description: 'contract-mesh: no auto-created topics, deny without an ACL',
      kafkaVersions: [aws.msk.kafkaVersion],
      serverProperties: Object.entries(MSK_SERVER_PROPERTIES).map(([k, v]) => `${k}=${v}`).join('\n'),
    });
    this.cluster = new MskCluster(this, 'Cluster', {
      clusterName: name,
      kafkaVersion: aws.msk.kafkaVersion,
      numberOfBrokerNodes: aws.msk.brokerCount,
      enhancedMonitoring: 'PER_TOPIC_PER_PARTITION',
      brokerNodeGroupInfo: {
        instanceType: aws.msk.brokerInstanceType,
        clientSubnets: [...aws.network.privateSubnetIds],
        securityGroups: [this.brokerSecurityGroup.id],
        storageInfo: { ebsStorageInfo: { volumeSize: aws.msk.volumeSizeGiB } },
      },
      clientAuthentication: { sasl: { scram: true, iam: true }, unauthenticated: false },
      encryptionInfo: {
        encryptionAtRestKmsKeyArn: props.kmsKeyArn,
        encryptionInTransit: { clientBroker: 'TLS', inCluster: true },
      },
      configurationInfo: { arn: this.configuration.arn, revision: this.configuration.latestRevision },
      loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: this.logGroup.name } } },
      lifecycle: env.production ? { preventDestroy: true } : undefined,
    });
  }
}
