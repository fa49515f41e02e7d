import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { alertTopicName, boundedName, clusterName, productAlarmPrefix } from '../../contracts/derive/aws-names';
import { alertTopicPolicy } from '../../contracts/platform/key-policies';
import type { DeploymentPlan } from '../../contracts/derive/deployment';
import type { CompiledProduct } from '../../contracts/compile';
import type { EnvironmentConfig } from '../../contracts/environment';

/** Props of {@link ProductAlarms}. */
export interface ProductAlarmsProps {
  readonly env: EnvironmentConfig;
  readonly product: CompiledProduct;
  /** The product's deployed consumers: one lag alarm each. */
  readonly deployments: readonly DeploymentPlan[];
  /**
   * The environment's alarms key (platform output `alarms_kms_key_arn`), which encrypts the topic. It must be a
   * customer-managed key whose policy lets CloudWatch use it: with the AWS managed `alias/aws/sns`, CloudWatch
   * cannot publish and every alarm is silent.
   */
  readonly kmsKeyArn: string;
}

/**
 * A product's alarms, sent to its owner's contact by e-mail through the SNS
 * topic `Alerts` (the owner confirms the subscription once), encrypted with the
 * environment's alarms key; its policy `AlertsPolicy` lets CloudWatch publish
 * for this account's alarms of this product only:
 *
 * - `DeadLetters`: any record arriving in the dead-letter topic —
 *   `MessagesInPerSec` of the topic on every broker (MSK publishes it per
 *   broker at `PER_TOPIC_PER_BROKER` and above), summed, above 0;
 * - `Lag/<consumer>` per deployed consumer: `SumOffsetLag` of its group on the
 *   topic above the derived threshold for 3 periods of 5 minutes.
 */
export class ProductAlarms extends Construct {
  readonly topic: SnsTopic;
  readonly topicPolicy: SnsTopicPolicy;
  readonly deadLetters: CloudwatchMetricAlarm;
  readonly lag: ReadonlyMap<string, CloudwatchMetricAlarm>;

  constructor(scope: Construct, id: string, props: ProductAlarmsProps) {
    super(scope, id);
    const { env, product } = props;
    const aws = env.aws!;
    const cluster = clusterName(env.name);
    const prefix = productAlarmPrefix(env.name, product.domain, product.name, product.version);
    const base = [prefix];
    this.topic = new SnsTopic(this, 'Alerts', {
      name: alertTopicName(env.name, product.domain, product.name, product.version),
      displayName: `contract-mesh ${env.name}: ${product.id}`.slice(0, 100),
      kmsMasterKeyId: props.kmsKeyArn,
    });
    const topicArn = this.topic.arn;
    this.topicPolicy = new SnsTopicPolicy(this, 'AlertsPolicy', { arn: topicArn, policy: JSON.stringify(alertTopicPolicy(env, topicArn, prefix)) });
    new SnsTopicSubscription(this, 'OwnerEmail', { topicArn, protocol: 'email', endpoint: product.owner.contact });
    const actions = [topicArn];

    const brokers = Array.from({ length: aws.msk.brokerCount }, (_, i) => i + 1);
    this.deadLetters = new CloudwatchMetricAlarm(this, 'DeadLetters', {
      alarmName: boundedName([...base, 'dead-letters'], 255),
      alarmDescription: `A record arrived in ${product.deadLetterTopic}: a producer or consumer of ${product.id} could not process it. Owner: ${product.owner.team}.`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'notBreaching',
      metricQuery: [
        {
          id: 'total',
          expression: brokers.map((b) => `FILL(b${b}, 0)`).join(' + '),
          label: `${product.deadLetterTopic} records in/s`,
          returnData: true,
        },
        ...brokers.map((b) => ({
          id: `b${b}`,
          returnData: false,
          metric: {
            namespace: 'AWS/Kafka',
            metricName: 'MessagesInPerSec',
            dimensions: { 'Cluster Name': cluster, 'Broker ID': String(b), Topic: product.deadLetterTopic },
            period: 60,
            stat: 'Maximum',
          },
        })),
      ],
      alarmActions: actions,
      okActions: actions,
    });

    const lag = new Map<string, CloudwatchMetricAlarm>();
    const lagScope = new Construct(this, 'Lag');
    for (const d of props.deployments) {
      lag.set(d.consumer, new CloudwatchMetricAlarm(lagScope, d.consumer, {
        alarmName: boundedName([...base, d.consumer, 'lag'], 255),
        alarmDescription: `Consumer group ${d.group} is more than ${d.lagAlarmThreshold.value} records behind on ${d.topic} (${d.lagAlarmThreshold.reason}).`,
        namespace: 'AWS/Kafka',
        metricName: 'SumOffsetLag',
        dimensions: { 'Cluster Name': cluster, 'Consumer Group': d.group, Topic: d.topic },
        statistic: 'Maximum',
        period: 300,
        evaluationPeriods: 3,
        threshold: d.lagAlarmThreshold.value,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'missing',
        alarmActions: actions,
        okActions: actions,
      }));
    }
    this.lag = lag;
  }
}
