/**
 * The benchmark's baseline: a hand-written cdktf app that declares exactly
 * the resources the mesh app synthesizes — same stacks, backends, providers,
 * remote states, resources, assets and outputs, same construct paths (so
 * even logical IDs match) — with the same generated bindings (deep imports
 * of `@cdktf/provider-aws/lib/<resource>`, `.gen/providers/kafka/*`), and no
 * contract logic at all: it reads literal values from `bench-resources.json`
 * and news up each resource's binding class with them.
 *
 * The bench runs it with `npm run synth` (`tsx bench/hand-written/main.ts`)
 * in a copy of the project, exactly as it runs the mesh app.
 */
import { readFileSync } from 'node:fs';
import {
  Annotations,
  App,
  AssetType,
  DataTerraformRemoteStateLocal,
  DataTerraformRemoteStateS3,
  LocalBackend,
  S3Backend,
  TerraformAsset,
  TerraformElement,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
} from 'cdktf';
import { Construct } from 'constructs';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { GlueRegistry } from '@cdktf/provider-aws/lib/glue-registry';
import { GlueSchema } from '@cdktf/provider-aws/lib/glue-schema';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { MskCluster } from '@cdktf/provider-aws/lib/msk-cluster';
import { MskConfiguration } from '@cdktf/provider-aws/lib/msk-configuration';
import { MskSingleScramSecretAssociation } from '@cdktf/provider-aws/lib/msk-single-scram-secret-association';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Acl } from '../../.gen/providers/kafka/acl';
import { KafkaProvider } from '../../.gen/providers/kafka/provider';
import { Topic } from '../../.gen/providers/kafka/topic';
import { UserScramCredential } from '../../.gen/providers/kafka/user-scram-credential';
import type { BaselineInput, Literal } from './input';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Binding<T> = new (scope: Construct, id: string, config: any) => T;

/** Terraform resource type → its binding class. */
const RESOURCES: Record<string, Binding<TerraformResource>> = {
  aws_appautoscaling_policy: AppautoscalingPolicy,
  aws_appautoscaling_target: AppautoscalingTarget,
  aws_cloudwatch_log_group: CloudwatchLogGroup,
  aws_cloudwatch_metric_alarm: CloudwatchMetricAlarm,
  aws_db_instance: DbInstance,
  aws_db_parameter_group: DbParameterGroup,
  aws_db_subnet_group: DbSubnetGroup,
  aws_ecs_cluster: EcsCluster,
  aws_ecs_service: EcsService,
  aws_ecs_task_definition: EcsTaskDefinition,
  aws_glue_registry: GlueRegistry,
  aws_glue_schema: GlueSchema,
  aws_iam_policy: IamPolicy,
  aws_iam_role: IamRole,
  aws_iam_role_policy: IamRolePolicy,
  aws_iam_role_policy_attachment: IamRolePolicyAttachment,
  aws_kms_alias: KmsAlias,
  aws_kms_key: KmsKey,
  aws_lambda_function: LambdaFunction,
  aws_lambda_invocation: LambdaInvocation,
  aws_msk_cluster: MskCluster,
  aws_msk_configuration: MskConfiguration,
  aws_msk_single_scram_secret_association: MskSingleScramSecretAssociation,
  aws_secretsmanager_secret: SecretsmanagerSecret,
  aws_secretsmanager_secret_version: SecretsmanagerSecretVersion,
  aws_security_group: SecurityGroup,
  aws_sns_topic: SnsTopic,
  aws_sns_topic_policy: SnsTopicPolicy,
  aws_sns_topic_subscription: SnsTopicSubscription,
  aws_vpc_security_group_egress_rule: VpcSecurityGroupEgressRule,
  aws_vpc_security_group_ingress_rule: VpcSecurityGroupIngressRule,
  kafka_acl: Acl,
  kafka_topic: Topic,
  kafka_user_scram_credential: UserScramCredential,
};

/** An `ephemeral` block: cdktf 0.21 has no binding class for ephemeral resources, so a minimal element. */
class Ephemeral extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly type: string,
    private readonly body: { readonly [key: string]: Literal },
  ) {
    super(scope, id, `ephemeral.${type}`);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override toTerraform(): any {
    return { ephemeral: { [this.type]: { [this.friendlyUniqueId]: this.body } } };
  }
}

/** Provider name → its binding class and construct ID. */
const PROVIDERS: Record<string, [Binding<TerraformProvider>, string]> = {
  aws: [AwsProvider, 'Aws'],
  kafka: [KafkaProvider, 'Kafka'],
};

const input = JSON.parse(readFileSync(process.env.BENCH_RESOURCES ?? 'bench-resources.json', 'utf8')) as BaselineInput;
const app = new App({ outdir: 'cdktf.out', stackTraces: false });

for (const s of input.stacks) {
  const stack = new TerraformStack(app, s.name);
  if (s.requiredVersion) stack.addOverride('terraform.required_version', s.requiredVersion);
  if (s.backend.type === 's3') new S3Backend(stack, s.backend.config as never);
  else new LocalBackend(stack, s.backend.config as never);
  if (s.backend.useLockfile) stack.addOverride('terraform.backend.s3.use_lockfile', true);
  const providers = new Map<string, TerraformProvider>();
  for (const [name, config] of Object.entries(s.providers)) {
    const [Provider, id] = PROVIDERS[name] ?? [];
    if (!Provider) throw new Error(`no binding for provider ${name}`);
    providers.set(name, new Provider(stack, id, config));
  }
  for (const v of s.variables) new TerraformVariable(stack, v.id, { type: v.type, description: v.description, sensitive: v.sensitive, nullable: v.nullable });
  for (const r of s.remoteStates) {
    if (r.backend === 's3') new DataTerraformRemoteStateS3(stack, r.id, r.config as never);
    else new DataTerraformRemoteStateLocal(stack, r.id, r.config as never);
  }
  // Construct paths below the stack → their constructs; plain constructs are made on the way.
  const scopes = new Map<string, Construct>([['', stack]]);
  const scope = (path: string): Construct => {
    let c = scopes.get(path);
    if (!c) {
      const cut = path.lastIndexOf('/');
      c = new Construct(scope(path.slice(0, Math.max(cut, 0))), path.slice(cut + 1));
      scopes.set(path, c);
    }
    return c;
  };
  const parentOf = (path: string) => path.slice(0, Math.max(path.lastIndexOf('/'), 0));
  const idOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  const made: TerraformResource[] = [];
  for (const r of s.resources) {
    const Resource = RESOURCES[r.type];
    if (!Resource) throw new Error(`no binding for resource type ${r.type}`);
    const config = {
      ...r.props,
      ...(r.provider ? { provider: providers.get(r.provider) } : {}),
      ...(r.dependsOn ? { dependsOn: r.dependsOn.map((i) => made[i]) } : {}),
    };
    const resource = new Resource(scope(parentOf(r.path)), idOf(r.path), config);
    scopes.set(r.path, resource);
    made.push(resource);
  }
  for (const e of s.ephemerals) new Ephemeral(scope(parentOf(e.path)), idOf(e.path), e.type, e.body);
  for (const a of s.assets) new TerraformAsset(scope(parentOf(a.path)), idOf(a.path), { path: a.source, type: AssetType.ARCHIVE });
  for (const o of s.outputs) new TerraformOutput(stack, o.id, { value: o.value, description: o.description, sensitive: o.sensitive });
  for (const a of s.annotations) {
    const on = Annotations.of(scope(a.path));
    if (a.level === '@cdktf/warn') on.addWarning(a.message);
    else if (a.level === '@cdktf/info') on.addInfo(a.message);
    else throw new Error(`annotation level ${a.level}`);
  }
}
app.synth();
console.log(`hand-written baseline: ${input.stacks.length} stacks in cdktf.out`);
