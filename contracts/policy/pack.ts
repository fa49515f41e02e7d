/** The contract-mesh rule pack: every rule the {@link MeshPolicy} aspect applies. */
import type { PolicyRule } from './rule';
import { ACL_RULES } from './rules/acl-rules';
import { IAM_RULES } from './rules/iam-rules';
import { PROD_PREVENT_DESTROY } from './rules/lifecycle-rules';
import { LOG_GROUP_ENCRYPTED, LOG_GROUP_RETENTION } from './rules/log-rules';
import { ALARM_TARGET_KEY } from './rules/alarm-rules';
import { NO_SECRET_LITERAL } from './rules/secret-rules';
import { NO_DROPPING_MIGRATION } from './rules/sql-rules';
import { TOPIC_RULES } from './rules/topic-rules';

export const MESH_RULES: readonly PolicyRule[] = [
  ...TOPIC_RULES,
  ...ACL_RULES,
  PROD_PREVENT_DESTROY,
  NO_DROPPING_MIGRATION,
  ...IAM_RULES,
  LOG_GROUP_RETENTION,
  LOG_GROUP_ENCRYPTED,
  ALARM_TARGET_KEY,
  NO_SECRET_LITERAL,
];
