import { Construct } from 'constructs';
import { Annotations, dependable, type ITerraformDependable } from 'cdktf';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { DeploymentPlan } from '../../contracts/derive/deployment';
import { clusterName, ecsClusterArn, secretArnPattern } from '../../contracts/derive/aws-names';
import { CONSUMER_STOP_TIMEOUT_SECONDS } from '../../contracts/derive/consumer-shutdown';
import { kafkaUserName } from '../../contracts/derive/names';
import type { EnvironmentConfig } from '../../contracts/environment';
import { MSK_SCRAM_PORT } from './kafka-cluster';
import { PLATFORM_DATABASE_NAME, POSTGRES_PORT } from './platform-database';

/** What the service needs from the platform and identities stacks (tokens or literals). */
export interface ConsumerServiceWiring {
  /** SCRAM bootstrap brokers (comma-separated). */
  readonly bootstrapBrokers: string;
  /** ARN of the consumer principal's SCRAM secret. */
  readonly kafkaSecretArn: string;
  /** ARN of the platform key that encrypts every mesh secret. */
  readonly kmsKeyArn: string;
  /** The brokers' security group. */
  readonly brokerSecurityGroupId: string;
  /**
   * The database's security group.
   * @default - required only for a sink
   */
  readonly databaseSecurityGroupId?: string;
  /**
   * The database's host and port (`PG_HOST`, `PG_PORT` of a sink).
   * @default - required only for a sink
   */
  readonly database?: { readonly address: string; readonly port: string };
}

/** Props of {@link ConsumerService}. */
export interface ConsumerServiceProps {
  readonly env: EnvironmentConfig;
  /** The consumer's deployment plan (from `deriveDeployments`). */
  readonly plan: DeploymentPlan;
  readonly wiring: ConsumerServiceWiring;
}

/** CPU a service is scaled to hold, %. */
export const TARGET_CPU_PERCENT = 60;

/**
 * A consumer's ECS Fargate service, wired to exactly the topic, dead-letter
 * topic, group (and, for a sink, schema, table and login secret) its contract
 * gives it, and nothing more:
 *
 * - `Logs`: log group with the environment's retention, encrypted with the platform key;
 * - `ExecutionRole`: reads exactly the consumer's secrets (by ARN), decrypts
 *   with exactly the platform key, writes to exactly its log group, pulls
 *   exactly its ECR repository (`ecr:GetAuthorizationToken` has no resource
 *   ARN, so it is the one `*` resource);
 * - `TaskRole`: no permissions at all (Kafka and Postgres authenticate with the
 *   injected credentials, not with AWS);
 * - `SecurityGroup`: no inbound rule; outbound only to the brokers (SCRAM
 *   port), the database (sinks) and HTTPS to the VPC endpoints and S3
 *   (image, secrets, logs); matching ingress rules on the brokers' and the
 *   database's groups;
 * - `Service` in the private subnets, no public IP, and `Scaling` between
 *   `minTasks` and `maxTasks` (already bounded by the partitions) on CPU.
 */
export class ConsumerService extends Construct {
  readonly taskDefinition: EcsTaskDefinition;
  readonly service: EcsService;
  readonly executionRole: IamRole;
  readonly taskRole: IamRole;
  readonly securityGroup: SecurityGroup;
  readonly logGroup: CloudwatchLogGroup;
  readonly scalingTarget: AppautoscalingTarget;
  /** True for a Postgres sink consumer: its tasks read the login secret that the migration function fills. */
  readonly sink: boolean;

  constructor(scope: Construct, id: string, props: ConsumerServiceProps) {
    super(scope, id);
    const { env, plan, wiring } = props;
    const aws = env.aws!;
    this.sink = !!plan.sink;
    if (plan.sink && (!wiring.databaseSecurityGroupId || !wiring.database)) throw new Error(`${plan.serviceName}: a sink needs the database's security group, address and port`);
    for (const w of plan.warnings) Annotations.of(this).addWarning(w);

    this.logGroup = new CloudwatchLogGroup(this, 'Logs', { name: plan.logGroupName, retentionInDays: aws.logRetentionDays, kmsKeyId: wiring.kmsKeyArn });

    const assume = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Service: 'ecs-tasks.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': aws.accountId } },
      }],
    });
    this.executionRole = new IamRole(this, 'ExecutionRole', {
      name: `${plan.serviceName}-exec`,
      description: `ECS execution role of ${plan.serviceName}: its image, its secrets, its logs`,
      assumeRolePolicy: assume,
    });
    this.taskRole = new IamRole(this, 'TaskRole', {
      name: `${plan.serviceName}-task`,
      description: `ECS task role of ${plan.serviceName}: no AWS permissions (Kafka and Postgres use injected credentials)`,
      assumeRolePolicy: assume,
    });

    const pgSecretArn = plan.sink ? secretArnPattern(env.region, aws.accountId, plan.sink.loginSecretName) : undefined;
    const statements: Array<Record<string, unknown>> = [
      { Sid: 'ReadOwnSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [wiring.kafkaSecretArn, ...(pgSecretArn ? [pgSecretArn] : [])] },
      {
        Sid: 'DecryptOwnSecrets',
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: [wiring.kmsKeyArn],
        Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${env.region}.amazonaws.com` } },
      },
      { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${this.logGroup.arn}:log-stream:*`] },
    ];
    const repo = ecrRepositoryArn(plan.image);
    if (repo) {
      statements.push(
        { Sid: 'PullOwnImage', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], Resource: [repo] },
        // GetAuthorizationToken is account-wide: IAM has no resource ARN for it.
        { Sid: 'EcrLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
      );
    }
    new IamRolePolicy(this, 'ExecutionPolicy', {
      name: 'least-privilege',
      role: this.executionRole.id,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    });

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: plan.serviceName,
      description: `${plan.serviceName}: no inbound; out to the brokers${plan.sink ? ', the database' : ''} and the VPC endpoints`,
      vpcId: aws.network.vpcId,
      revokeRulesOnDelete: true,
    });
    const securityGroupId = this.securityGroup.id;
    const egress = (id: string, port: number, to: { sg?: string; prefixList?: string }, description: string) =>
      new VpcSecurityGroupEgressRule(this, id, {
        securityGroupId: securityGroupId,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        ...(to.sg ? { referencedSecurityGroupId: to.sg } : { prefixListId: to.prefixList }),
        description,
      });
    egress('ToBrokers', MSK_SCRAM_PORT, { sg: wiring.brokerSecurityGroupId }, 'Kafka (SASL/SCRAM over TLS)');
    egress('ToEndpoints', 443, { sg: aws.network.endpointSecurityGroupId }, 'VPC endpoints: ECR, Secrets Manager, CloudWatch Logs');
    egress('ToS3', 443, { prefixList: aws.network.s3PrefixListId }, 'S3 gateway endpoint: image layers');
    new VpcSecurityGroupIngressRule(this, 'BrokerIngress', {
      securityGroupId: wiring.brokerSecurityGroupId,
      referencedSecurityGroupId: securityGroupId,
      ipProtocol: 'tcp',
      fromPort: MSK_SCRAM_PORT,
      toPort: MSK_SCRAM_PORT,
      description: `${plan.serviceName} (SASL/SCRAM)`,
    });
    if (plan.sink && wiring.databaseSecurityGroupId) {
      egress('ToDatabase', POSTGRES_PORT, { sg: wiring.databaseSecurityGroupId }, 'PostgreSQL');
      new VpcSecurityGroupIngressRule(this, 'DatabaseIngress', {
        securityGroupId: wiring.databaseSecurityGroupId,
        referencedSecurityGroupId: securityGroupId,
        ipProtocol: 'tcp',
        fromPort: POSTGRES_PORT,
        toPort: POSTGRES_PORT,
        description: `${plan.serviceName} (sink)`,
      });
    }

    const environment: Array<{ name: string; value: string }> = [
      { name: 'KAFKA_BOOTSTRAP_SERVERS', value: wiring.bootstrapBrokers },
      { name: 'KAFKA_SECURITY_PROTOCOL', value: 'SASL_SSL' },
      { name: 'KAFKA_SASL_MECHANISM', value: 'SCRAM-SHA-512' },
      { name: 'KAFKA_USERNAME', value: kafkaUserName(plan.principal) },
      { name: 'KAFKA_TOPIC', value: plan.topic },
      { name: 'KAFKA_DEAD_LETTER_TOPIC', value: plan.deadLetterTopic },
      { name: 'KAFKA_GROUP_ID', value: plan.group },
      ...(plan.sink && wiring.database
        ? [
            { name: 'PG_HOST', value: wiring.database.address },
            { name: 'PG_PORT', value: wiring.database.port },
            { name: 'PG_DATABASE', value: PLATFORM_DATABASE_NAME },
            { name: 'PG_SCHEMA', value: plan.sink.schema },
            { name: 'PG_TABLE', value: plan.sink.table },
          ]
        : []),
    ];
    const secrets: Array<{ name: string; valueFrom: string }> = [
      { name: 'KAFKA_PASSWORD', valueFrom: `${wiring.kafkaSecretArn}:password::` },
      ...(plan.sink
        ? [{ name: 'PG_LOGIN', valueFrom: `arn:aws:secretsmanager:${env.region}:${aws.accountId}:secret:${plan.sink.loginSecretName}` }]
        : []),
    ];
    this.taskDefinition = new EcsTaskDefinition(this, 'TaskDefinition', {
      family: plan.serviceName,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(plan.cpu),
      memory: String(plan.memoryMiB),
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      containerDefinitions: JSON.stringify([{
        name: plan.consumer,
        image: plan.image,
        essential: true,
        readonlyRootFilesystem: true,
        // SIGTERM, then this long to finish the in-flight batch, commit and leave the group before SIGKILL
        // (the runtime stops within CONSUMER_SHUTDOWN_BUDGET_MS; ECS's default would be 30 s).
        stopTimeout: CONSUMER_STOP_TIMEOUT_SECONDS,
        environment,
        secrets,
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': plan.logGroupName, 'awslogs-region': env.region, 'awslogs-stream-prefix': plan.consumer },
        },
      }]),
    });

    const cluster = ecsClusterArn(env.region, aws.accountId, env.name);
    this.service = new EcsService(this, 'Service', {
      name: plan.serviceName,
      cluster,
      taskDefinition: this.taskDefinition.arn,
      launchType: 'FARGATE',
      desiredCount: plan.minTasks.value,
      networkConfiguration: { subnets: [...aws.network.privateSubnetIds], securityGroups: [securityGroupId], assignPublicIp: false },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      enableExecuteCommand: false,
      propagateTags: 'SERVICE',
      // Autoscaling owns the task count after creation.
      lifecycle: { ignoreChanges: ['desired_count'] },
    });
    this.scalingTarget = new AppautoscalingTarget(this, 'ScalingTarget', {
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${clusterName(env.name)}/${plan.serviceName}`,
      minCapacity: plan.minTasks.value,
      maxCapacity: plan.maxTasks.value,
      dependsOn: [this.service],
    });
    new AppautoscalingPolicy(this, 'Scaling', {
      name: `${plan.serviceName}-cpu`,
      policyType: 'TargetTrackingScaling',
      serviceNamespace: this.scalingTarget.serviceNamespace,
      scalableDimension: this.scalingTarget.scalableDimension,
      resourceId: this.scalingTarget.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: TARGET_CPU_PERCENT,
        predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
      },
    });
  }
}

/**
 * Makes `service` wait for `dependencies` (Terraform `depends_on`): a sink's service starts its first
 * task only after the migration function ran, so that its table exists and its login secret holds a value.
 */
export function startAfter(service: ConsumerService, ...dependencies: ITerraformDependable[]): void {
  service.service.dependsOn = [...(service.service.dependsOn ?? []), ...dependencies.map(dependable)];
}

/** The ECR repository of an image in a private registry (`<acct>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>`), else undefined. */
export function ecrRepositoryArn(image: string): string | undefined {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)/.exec(image);
  return m ? `arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
}
