/** CM-LOG-1: every CloudWatch log group expires its events; CM-LOG-2: and is encrypted with a customer-managed key. */
import { COMPLIANT, nonCompliant, type PolicyRule } from '../rule';

export const LOG_GROUP_RETENTION: PolicyRule = {
  id: 'CM-LOG-1',
  level: 'error',
  message: 'Every log group has a retention.',
  explanation: 'A log group without retention_in_days keeps logs (which can hold record payloads) forever, beyond any classification bound, and its cost grows without end.',
  appliesTo: { kinds: ['resource'], types: ['aws_cloudwatch_log_group'] },
  check: (r) => {
    const days = r.config.retention_in_days;
    return typeof days === 'number' && days > 0 ? COMPLIANT : nonCompliant(`log group at ${r.path} has retention_in_days ${days === undefined ? 'unset (never expire)' : String(days)}.`);
  },
};

export const LOG_GROUP_ENCRYPTED: PolicyRule = {
  id: 'CM-LOG-2',
  level: 'error',
  message: 'Every log group is encrypted with a customer-managed KMS key.',
  explanation: "Logs hold record keys, failing paths, SQL errors and role names. The platform key (whose policy lets CloudWatch Logs use it for this environment's log groups only) puts them under the account's key policy, rotation and deletion rules; set kms_key_id.",
  appliesTo: { kinds: ['resource'], types: ['aws_cloudwatch_log_group'] },
  check: (r) => {
    const key = r.config.kms_key_id;
    return typeof key === 'string' && key !== '' ? COMPLIANT : nonCompliant(`log group at ${r.path} has no kms_key_id.`);
  },
};
