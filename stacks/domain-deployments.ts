import type { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { StackPlan } from '../contracts/mesh';
import { identitiesStackName, platformStackName } from '../contracts/derive/aws-names';
import { kafkaUserName } from '../contracts/derive/names';
import { ConsumerService } from '../constructs/aws/consumer-service';
import { ProductAlarms } from '../constructs/aws/product-alarms';
import { remoteMapEntry, remoteOutput, remoteStack } from '../constructs/aws/remote-stacks';

/**
 * The AWS part of a domain stack, when its environment has `aws` settings and
 * at least one of its products has a deployed consumer: the AWS provider, the
 * platform's and the identities' outputs (`terraform_remote_state`
 * `Platform` / `Identities`), and per product `<name>-v<version>-deployments`:
 * one {@link ConsumerService} per deployed consumer (ID: the consumer's name)
 * and the product's {@link ProductAlarms} (`Alarms`).
 *
 * Values known only after the platform is created (brokers, security groups,
 * key and secret ARNs) come from remote state; everything addressed by name
 * (ECS cluster, MSK cluster name, a sink's login secret) by the naming rules
 * of `contracts/derive/aws-names.ts`.
 */
export function addDeployments(stack: TerraformStack, plan: StackPlan): ReadonlyMap<string, Construct> {
  const env = plan.environment;
  const out = new Map<string, Construct>();
  const deployed = plan.products.filter((p) => (p.deployments ?? []).length > 0);
  if (!env.aws || deployed.length === 0) return out;
  // The stack's AWS provider (`Aws`) is created by DomainStack, which also needs it for the schema registry.
  const platform = remoteStack(stack, 'Platform', env, platformStackName(env.name));
  const identities = remoteStack(stack, 'Identities', env, identitiesStackName(env.name));
  for (const p of deployed) {
    const scope = new Construct(stack, `${p.product.name}-v${p.product.version}-deployments`);
    for (const d of p.deployments ?? []) {
      new ConsumerService(scope, d.consumer, {
        env,
        plan: d,
        wiring: {
          bootstrapBrokers: remoteOutput(platform, 'bootstrap_brokers_sasl_scram'),
          kafkaSecretArn: remoteMapEntry(identities, 'scram_secret_arns', kafkaUserName(d.principal)),
          kmsKeyArn: remoteOutput(platform, 'kms_key_arn'),
          brokerSecurityGroupId: remoteOutput(platform, 'broker_security_group_id'),
          databaseSecurityGroupId: d.sink ? remoteOutput(platform, 'database_security_group_id') : undefined,
          database: d.sink ? { address: remoteOutput(platform, 'database_address'), port: remoteOutput(platform, 'database_port') } : undefined,
        },
      });
    }
    new ProductAlarms(scope, 'Alarms', { env, product: p.product, deployments: p.deployments ?? [], kmsKeyArn: remoteOutput(platform, 'alarms_kms_key_arn') });
    out.set(p.product.id, scope);
  }
  return out;
}
