import { Testing } from 'cdktf';
import { DomainStack } from '../../stacks/domain-stack';
import type { StackPlan } from '../../contracts/mesh';
import { dev, FIXTURE_MIGRATIONS, prod } from '../helpers';
import { DEPLOYMENT, deployedSpec, parseTemplated, plan, resources, synthAll } from '../aws-helpers';
import { CONSUMER_SHUTDOWN_BUDGET_MS, CONSUMER_STOP_TIMEOUT_SECONDS } from '../../contracts/derive/consumer-shutdown';

const SECRET_REF = '${data.terraform_remote_state.Identities.outputs.scram_secret_arns["ledger-sink"]}';
const KEY_REF = '${data.terraform_remote_state.Platform.outputs.kms_key_arn}';
/** An interpolation as `parseTemplated` shows it. */
const templ = (ref: string) => `<${ref.slice(2, -1).replace(/"/g, "'")}>`;

describe('a domain stack with a deployed consumer', () => {
  const all = synthAll(plan([deployedSpec()], [dev, prod]));
  const tf = all['payments-prod'];
  const policy = (role: string) => {
    const p = resources(tf, 'aws_iam_role_policy').filter((x) => x.role.includes(role));
    return p.map((x) => parseTemplated(x.policy));
  };

  it('runs one Fargate service in the private subnets, without a public IP, on the environment\'s ECS cluster', () => {
    const [svc] = resources(tf, 'aws_ecs_service');
    expect(svc).toMatchObject({
      name: 'mesh-prod-payments-payment-events-v1-ledger',
      cluster: 'arn:aws:ecs:eu-west-1:111111111111:cluster/mesh-prod',
      launch_type: 'FARGATE',
      desired_count: 1,
      network_configuration: { subnets: prod.aws!.network.privateSubnetIds, assign_public_ip: false },
    });
    const [td] = resources(tf, 'aws_ecs_task_definition');
    expect(td).toMatchObject({ cpu: '256', memory: '512', network_mode: 'awsvpc', requires_compatibilities: ['FARGATE'] });
  });

  it('wires exactly the contract\'s topic, dead-letter topic and group, and the SCRAM brokers', () => {
    const [container] = parseTemplated(resources(tf, 'aws_ecs_task_definition')[0].container_definitions);
    const env = Object.fromEntries(container.environment.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toEqual({
      KAFKA_BOOTSTRAP_SERVERS: '<data.terraform_remote_state.Platform.outputs.bootstrap_brokers_sasl_scram>',
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_USERNAME: 'ledger-sink',
      KAFKA_TOPIC: 'payments.payment-events.v1',
      KAFKA_DEAD_LETTER_TOPIC: 'payments.payment-events.v1.dlq',
      KAFKA_GROUP_ID: 'payments.payment-events.v1.ledger',
    });
  });

  it('gives the container an explicit stop timeout, longer than the runtime\'s shutdown budget', () => {
    const [container] = parseTemplated(resources(tf, 'aws_ecs_task_definition')[0].container_definitions);
    expect(container.stopTimeout).toBe(CONSUMER_STOP_TIMEOUT_SECONDS);
    expect(CONSUMER_SHUTDOWN_BUDGET_MS).toBeLessThan(container.stopTimeout * 1000);
    expect(container.stopTimeout).toBeLessThanOrEqual(120); // Fargate's maximum
  });

  it('injects the Kafka password from Secrets Manager by ARN, never as a value', () => {
    const raw = resources(tf, 'aws_ecs_task_definition')[0].container_definitions as string;
    expect(raw).toContain(`"secrets":[{"name":"KAFKA_PASSWORD","valueFrom":"${SECRET_REF}:password::"}]`);
    const [container] = parseTemplated(raw);
    expect(container.environment.map((e: { name: string }) => e.name)).not.toContain('KAFKA_PASSWORD');
    expect(raw).not.toMatch(/AmazonMSK_prod_ledger-sink/); // by ARN, not by name
  });

  it('lets the execution role read exactly its secret, decrypt with exactly the platform key, write its own logs', () => {
    const [doc] = policy('ExecutionRole');
    const by = Object.fromEntries(doc.Statement.map((s: { Sid: string }) => [s.Sid, s]));
    expect(by.ReadOwnSecrets).toMatchObject({ Action: ['secretsmanager:GetSecretValue'], Resource: [templ(SECRET_REF)] });
    expect(by.DecryptOwnSecrets).toMatchObject({ Action: ['kms:Decrypt'], Resource: [templ(KEY_REF)] });
    expect(by.WriteOwnLogs.Resource).toEqual([expect.stringMatching(/^<aws_cloudwatch_log_group\..*\.arn>:log-stream:\*$/)]);
    expect(by.PullOwnImage.Resource).toEqual(['arn:aws:ecr:eu-west-1:111111111111:repository/ledger-sink']);
  });

  it('fails if any statement has a "*" action, or a "*" resource where an ARN exists', () => {
    for (const doc of policy('')) {
      for (const s of doc.Statement) {
        for (const a of s.Action) expect(a).not.toMatch(/\*/);
        if (s.Resource.includes('*')) expect(s.Action).toEqual(['ecr:GetAuthorizationToken']);
      }
    }
  });

  it('gives the task role no permissions at all', () => {
    const roles = resources(tf, 'aws_iam_role');
    expect(roles.map((r) => r.name).sort()).toEqual(['mesh-prod-payments-payment-events-v1-ledger-exec', 'mesh-prod-payments-payment-events-v1-ledger-task']);
    expect(resources(tf, 'aws_iam_role_policy').filter((p) => p.role.includes('TaskRole'))).toEqual([]);
    for (const r of roles) {
      expect(r.managed_policy_arns).toBeUndefined();
      expect(JSON.parse(r.assume_role_policy).Statement[0]).toMatchObject({ Principal: { Service: 'ecs-tasks.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } } });
    }
  });

  it('keeps logs for the environment\'s retention', () => {
    expect(resources(all['payments-dev'], 'aws_cloudwatch_log_group')[0]).toMatchObject({ name: '/mesh/dev/payments/payment-events-v1/ledger', retention_in_days: 7 });
    expect(resources(tf, 'aws_cloudwatch_log_group')[0].retention_in_days).toBe(90);
  });

  it('allows no inbound traffic, and outbound only to the brokers and the VPC endpoints', () => {
    const [sg] = resources(tf, 'aws_security_group');
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    const egress = resources(tf, 'aws_vpc_security_group_egress_rule');
    expect(egress.map((e) => [e.from_port, e.referenced_security_group_id ?? e.prefix_list_id]).sort()).toEqual([
      [443, 'pl-6da54004'],
      [443, prod.aws!.network.endpointSecurityGroupId],
      [9096, '${data.terraform_remote_state.Platform.outputs.broker_security_group_id}'],
    ]);
    for (const e of egress) expect(e.cidr_ipv4).toBeUndefined();
    const ingress = resources(tf, 'aws_vpc_security_group_ingress_rule');
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ security_group_id: '${data.terraform_remote_state.Platform.outputs.broker_security_group_id}', from_port: 9096, to_port: 9096 });
    expect(ingress[0].referenced_security_group_id).toMatch(/^\$\{aws_security_group\..*\.id\}$/);
  });

  it('scales between minTasks and maxTasks', () => {
    expect(resources(tf, 'aws_appautoscaling_target')[0]).toMatchObject({
      min_capacity: 1, max_capacity: 4, resource_id: 'service/mesh-prod/mesh-prod-payments-payment-events-v1-ledger', scalable_dimension: 'ecs:service:DesiredCount',
    });
    expect(resources(tf, 'aws_appautoscaling_policy')[0].target_tracking_scaling_policy_configuration.target_value).toBe(60);
  });

  it('clamps maxTasks to the partitions outside production, with a warning annotation', () => {
    const p = plan([deployedSpec({ throughput: { peakMessagesPerSecond: 10, averageMessageBytes: 100 } }, { ...DEPLOYMENT, maxTasks: 3 })], [dev]);
    const stackPlan: StackPlan = p.stacks[0];
    const stack = new DomainStack(Testing.app(), stackPlan);
    const t = JSON.parse(Testing.synth(stack, true));
    expect(resources(t, 'aws_appautoscaling_target')[0]).toMatchObject({ min_capacity: 1, max_capacity: 1 });
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));
    expect(warnings.join('\n')).toMatch(/maxTasks 3 clamped to 1/);
  });

  it('alarms on consumer lag and on any dead letter, to the owner\'s e-mail through SNS', () => {
    const [topic] = resources(tf, 'aws_sns_topic');
    expect(topic.name).toBe('mesh-prod-payments-payment-events-v1-alerts');
    expect(resources(tf, 'aws_sns_topic_subscription')[0]).toMatchObject({ protocol: 'email', endpoint: 'payments-core@example.com' });
    const alarms = resources(tf, 'aws_cloudwatch_metric_alarm');
    const lag = alarms.find((a) => a.metric_name === 'SumOffsetLag');
    expect(lag).toMatchObject({
      namespace: 'AWS/Kafka',
      dimensions: { 'Cluster Name': 'mesh-prod', 'Consumer Group': 'payments.payment-events.v1.ledger', Topic: 'payments.payment-events.v1' },
      threshold: 600_000,
      comparison_operator: 'GreaterThanThreshold',
    });
    const dlq = alarms.find((a) => a.metric_query);
    expect(dlq).toMatchObject({ threshold: 0, comparison_operator: 'GreaterThanThreshold', treat_missing_data: 'notBreaching' });
    const metrics = dlq.metric_query.filter((q: { metric?: unknown }) => q.metric);
    expect(metrics.map((q: { metric: { metric_name: string; dimensions: Record<string, string> } }) => [q.metric.metric_name, q.metric.dimensions['Broker ID'], q.metric.dimensions.Topic])).toEqual([
      ['MessagesInPerSec', '1', 'payments.payment-events.v1.dlq'],
      ['MessagesInPerSec', '2', 'payments.payment-events.v1.dlq'],
      ['MessagesInPerSec', '3', 'payments.payment-events.v1.dlq'],
    ]);
    expect(dlq.metric_query[0].expression).toBe('FILL(b1, 0) + FILL(b2, 0) + FILL(b3, 0)');
    for (const a of alarms) expect(a.alarm_actions).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\..*\.arn\}$/)]);
  });

  it('encrypts the alert topic with the environment\'s alarms key and lets CloudWatch publish for the product\'s alarms only', () => {
    const [topic] = resources(tf, 'aws_sns_topic');
    expect(topic.kms_master_key_id).toBe('${data.terraform_remote_state.Platform.outputs.alarms_kms_key_arn}');
    const [topicPolicy] = resources(tf, 'aws_sns_topic_policy');
    expect(topicPolicy.arn).toMatch(/^\$\{aws_sns_topic\..*\.arn\}$/);
    expect(parseTemplated(topicPolicy.policy).Statement).toEqual([{
      Sid: 'CloudWatchAlarmsOfThisProductPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: expect.stringMatching(/^<aws_sns_topic\..*\.arn>$/),
      Condition: {
        StringEquals: { 'aws:SourceAccount': '111111111111' },
        ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:mesh-prod-payments-payment-events-v1-*' },
      },
    }]);
    // Every alarm of the product is one the topic policy admits.
    for (const a of resources(tf, 'aws_cloudwatch_metric_alarm')) expect(a.alarm_name).toMatch(/^mesh-prod-payments-payment-events-v1-/);
  });

  it('fails if any stack (platform, identities, domain) does not require Terraform 1.11 or later', () => {
    expect(Object.keys(all).sort()).toEqual(['identities-dev', 'identities-prod', 'payments-dev', 'payments-prod', 'platform-dev', 'platform-prod']);
    for (const t of Object.values(all)) expect(t.terraform.required_version).toBe('>= 1.11');
  });

  it('encrypts the service\'s log group with the platform key', () => {
    expect(resources(tf, 'aws_cloudwatch_log_group')[0]).toMatchObject({ name: '/mesh/prod/payments/payment-events-v1/ledger', kms_key_id: KEY_REF });
  });

  it('starts a sink consumer\'s service only after the migration function ran (its login secret holds a value then)', () => {
    const sinkAndDeployment = deployedSpec({ consumers: [{ name: 'ledger', principal: 'User:ledger-sink', sink: { postgres: { mode: 'upsert' } }, deployment: DEPLOYMENT }] });
    const stackPlan = plan([sinkAndDeployment], [dev]).stacks[0];
    const t = JSON.parse(Testing.synth(new DomainStack(Testing.app(), stackPlan, { migrationsRoot: FIXTURE_MIGRATIONS }), true));
    const [invocation] = Object.keys(t.resource.aws_lambda_invocation);
    expect(resources(t, 'aws_ecs_service')[0].depends_on).toEqual([`aws_lambda_invocation.${invocation}`]);
    // A service that does not sink waits for nothing.
    expect(resources(tf, 'aws_ecs_service')[0].depends_on).toBeUndefined();
  });

  it('reaches the database only for a sink, and reads its login secret by the naming rule', () => {
    const p = plan([deployedSpec()], [dev]);
    const stackPlan = p.stacks[0];
    const product = stackPlan.products[0];
    const withSink: StackPlan = {
      ...stackPlan,
      products: [{ ...product, deployments: product.deployments!.map((d) => ({ ...d, sink: { schema: 'payments', table: 'payment_events_v1__ledger', loginSecretName: 'mesh/dev/postgres/payments/payment_events_v1__ledger' } })) }],
    };
    const t = JSON.parse(Testing.synth(new DomainStack(Testing.app(), withSink), true));
    const egress = resources(t, 'aws_vpc_security_group_egress_rule').map((e) => e.from_port).sort();
    expect(egress).toEqual([443, 443, 5432, 9096]);
    expect(resources(t, 'aws_vpc_security_group_ingress_rule').map((e) => e.security_group_id).sort()).toEqual([
      '${data.terraform_remote_state.Platform.outputs.broker_security_group_id}',
      '${data.terraform_remote_state.Platform.outputs.database_security_group_id}',
    ]);
    const [container] = parseTemplated(resources(t, 'aws_ecs_task_definition')[0].container_definitions);
    expect(container.environment).toEqual(expect.arrayContaining([
      { name: 'PG_HOST', value: '<data.terraform_remote_state.Platform.outputs.database_address>' },
      { name: 'PG_PORT', value: '<data.terraform_remote_state.Platform.outputs.database_port>' },
      { name: 'PG_DATABASE', value: 'mesh' },
      { name: 'PG_SCHEMA', value: 'payments' },
      { name: 'PG_TABLE', value: 'payment_events_v1__ledger' },
    ]));
    expect(container.secrets).toContainEqual({ name: 'PG_LOGIN', valueFrom: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:mesh/dev/postgres/payments/payment_events_v1__ledger' });
    const doc = parseTemplated(resources(t, 'aws_iam_role_policy')[0].policy);
    expect(doc.Statement[0].Resource).toContain('arn:aws:secretsmanager:eu-west-1:111111111111:secret:mesh/dev/postgres/payments/payment_events_v1__ledger-??????');
  });

  it('fails if a domain without deployments gets AWS resources beyond its schema registry', () => {
    const t = synthAll(plan([deployedSpec({ consumers: [{ name: 'ledger', principal: 'User:ledger-sink' }] })], [dev]))['payments-dev'];
    expect(Object.keys(t.resource).filter((k) => !k.startsWith('kafka_')).sort()).toEqual(['aws_glue_registry', 'aws_glue_schema']);
    // It reads the platform's state for its Kafka provider's brokers, and nothing else (no identities, no data source).
    expect(Object.keys(t.data)).toEqual(['terraform_remote_state']);
    expect(Object.keys(t.data.terraform_remote_state)).toEqual(['Platform']);
  });

  it('matches the snapshot of its AWS resource names', () => {
    const names = Object.entries(tf.resource as Record<string, Record<string, any>>)
      .filter(([t]) => t.startsWith('aws_'))
      .map(([t, blocks]) => [t, Object.values(blocks).map((b) => b.name ?? b.alarm_name ?? b.family ?? b.resource_id ?? b.description ?? '').sort()]);
    expect(names).toMatchSnapshot();
  });
});
