/** CM-LOG-1: every CloudWatch log group expires its events. */
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
