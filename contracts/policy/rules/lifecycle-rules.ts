/** CM-LIFE-1: in production, resources that hold data carry `prevent_destroy`. */
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyResource, type PolicyRule } from '../rule';

/** Terraform types that hold data (or a secret) and must not be destroyed by a plan in production. */
export const STATEFUL_TYPES: readonly string[] = [
  'kafka_topic',
  'aws_secretsmanager_secret',
  'aws_kms_key',
  'aws_db_instance',
  'aws_rds_cluster',
  'postgresql_schema',
  'postgresql_database',
];

/** Types that hold data only when they create the Postgres schema or run migrations (recognised by construct path). */
const MIGRATION_CARRIERS: readonly string[] = ['aws_lambda_function', 'aws_lambda_invocation', 'terraform_data', 'null_resource'];

/** True when destroying the resource loses data (or a secret). */
export function isStateful(r: Pick<PolicyResource, 'type' | 'path'>): boolean {
  if (STATEFUL_TYPES.includes(r.type)) return true;
  return MIGRATION_CARRIERS.includes(r.type) && /migrat|schema/i.test(r.path);
}

export const PROD_PREVENT_DESTROY: PolicyRule = {
  id: 'CM-LIFE-1',
  level: 'error',
  message: 'In production, topics, the Postgres schema and migration resources, and secrets carry prevent_destroy.',
  explanation: 'prevent_destroy makes Terraform refuse any plan that would delete or re-create the resource (a renamed construct, a decreased partition count), so data loss needs a deliberate code change.',
  appliesTo: { kinds: ['resource'], types: '*' },
  check: (r, ctx) => {
    if (!ctx.environment.production || !isStateful(r)) return NOT_APPLICABLE;
    const lifecycle = r.config.lifecycle as Record<string, unknown> | undefined;
    return lifecycle?.prevent_destroy === true ? COMPLIANT : nonCompliant(`${r.type} at ${r.path} has no lifecycle.prevent_destroy in production.`);
  },
};
