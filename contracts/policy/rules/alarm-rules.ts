/** CM-ALARM-1: CloudWatch can publish to every alarm target. */
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyContext, type PolicyRule } from '../rule';

/** An AWS managed key, by alias or alias ARN (`alias/aws/sns`, `arn:aws:kms:…:alias/aws/sns`). */
export const AWS_MANAGED_KEY = /(^|:)alias\/aws\//;

const ALARM_TYPES = ['aws_cloudwatch_metric_alarm', 'aws_cloudwatch_composite_alarm'];
const ACTIONS = ['alarm_actions', 'ok_actions', 'insufficient_data_actions'];

/** The addresses of the SNS topics that the stack's alarms send to (`aws_sns_topic.x`), built once per context. */
const TARGETS = new WeakMap<PolicyContext, ReadonlySet<string>>();
function alarmTargets(context: PolicyContext): ReadonlySet<string> {
  let targets = TARGETS.get(context);
  if (targets) return targets;
  const found = new Set<string>();
  for (const r of context.resources) {
    if (r.kind !== 'resource' || !ALARM_TYPES.includes(r.type)) continue;
    for (const key of ACTIONS) {
      const actions = r.config[key];
      for (const a of Array.isArray(actions) ? actions : []) {
        const m = typeof a === 'string' ? /^\$\{(aws_sns_topic\.[^.}]+)\.arn\}$/.exec(a) : null;
        if (m) found.add(m[1]);
      }
    }
  }
  targets = found;
  TARGETS.set(context, targets);
  return targets;
}

export const ALARM_TARGET_KEY: PolicyRule = {
  id: 'CM-ALARM-1',
  level: 'error',
  message: 'No alarm sends to an SNS topic encrypted with an AWS managed key.',
  explanation: "CloudWatch cannot use an AWS managed key (alias/aws/sns): its key policy admits only principals of the account, so every publish of the alarm fails and the alarm is silent. Encrypt the topic with a customer-managed key whose policy lets cloudwatch.amazonaws.com use it (the environment's alarms key).",
  appliesTo: { kinds: ['resource'], types: ['aws_sns_topic'] },
  check: (r, context) => {
    if (!r.address || !alarmTargets(context).has(r.address)) return NOT_APPLICABLE;
    const key = r.config.kms_master_key_id;
    return typeof key === 'string' && AWS_MANAGED_KEY.test(key)
      ? nonCompliant(`SNS topic at ${r.path} receives alarms and is encrypted with the AWS managed key ${key}.`)
      : COMPLIANT;
  },
};
