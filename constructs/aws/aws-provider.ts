import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { EnvironmentConfig } from '../../contracts/environment';

/**
 * The AWS provider of a stack, in the environment's region, limited to its
 * account (`allowed_account_ids`), tagging everything it creates with the
 * environment and the stack.
 */
export function awsProvider(scope: Construct, env: EnvironmentConfig, stack: string): AwsProvider {
  if (!env.aws) throw new Error(`environment ${env.name} has no aws settings`);
  return new AwsProvider(scope, 'Aws', {
    region: env.region,
    allowedAccountIds: [env.aws.accountId],
    defaultTags: [{ tags: { 'contract-mesh:environment': env.name, 'contract-mesh:stack': stack, 'managed-by': 'contract-mesh' } }],
  });
}
