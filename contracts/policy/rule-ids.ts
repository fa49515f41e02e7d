/**
 * Every ID a suppression may name: the policy rules (checked at synth) and the
 * review's danger codes (checked by `npm run review`). Kept apart from the rule
 * bodies so that contract validation can check IDs without loading the rules.
 */
export const POLICY_RULE_IDS: readonly string[] = [
  'CM-TOPIC-1', 'CM-TOPIC-2', 'CM-TOPIC-3', 'CM-TOPIC-4', 'CM-TOPIC-5',
  'CM-ACL-1', 'CM-ACL-2', 'CM-ACL-3',
  'CM-LIFE-1', 'CM-SQL-1', 'CM-IAM-1', 'CM-IAM-2', 'CM-IAM-3', 'CM-IAM-4', 'CM-IAM-5', 'CM-IAM-6', 'CM-IAM-7', 'CM-LOG-1', 'CM-LOG-2', 'CM-SECRET-1', 'CM-ALARM-1',
];

/** Review danger codes; a suppression with one of these acknowledges that danger for the resource. */
export const DANGER_IDS: readonly string[] = [
  'CM-DANGER-DESTROY', 'CM-DANGER-PARTITIONS', 'CM-DANGER-RETENTION', 'CM-DANGER-REPLICATION',
  'CM-DANGER-ACCESS-LOST', 'CM-DANGER-GRANT-WIDENS', 'CM-DANGER-PREVENT-DESTROY', 'CM-DANGER-CONFIG-DEFAULT',
  'CM-DANGER-DB-REBOOT', 'CM-DANGER-TLS-UNVERIFIED',
];

export const SUPPRESSIBLE_IDS: readonly string[] = [...POLICY_RULE_IDS, ...DANGER_IDS];
