import type { App } from 'cdktf';
import type { EnvironmentConfig } from '../contracts/environment';
import type { MeshPlan } from '../contracts/mesh';
import { deriveIdentities } from '../contracts/derive/identities';
import { identitiesStackName, platformStackName } from '../contracts/derive/aws-names';
import { IdentitiesStack } from './identities-stack';
import { KafkaIdentitiesStack } from './kafka-identities-stack';
import { PlatformStack } from './platform-stack';

/** The environments of a plan (each once, in the plan's order). */
export function environmentsOf(plan: MeshPlan): EnvironmentConfig[] {
  const seen = new Map<string, EnvironmentConfig>();
  for (const s of plan.stacks) if (!seen.has(s.environment.name)) seen.set(s.environment.name, s.environment);
  return [...seen.values()];
}

/** The names of the stacks {@link buildAwsStacks} builds. */
export function awsStackNames(plan: MeshPlan, environments: readonly EnvironmentConfig[] = environmentsOf(plan)): string[] {
  return environments.flatMap((e) => (e.aws ? [platformStackName(e.name), identitiesStackName(e.name)] : [identitiesStackName(e.name)]));
}

/**
 * `platform-<env>` and `identities-<env>` for every environment with `aws` settings; for one without (the local
 * mesh), `identities-<env>` with the Kafka provider's SCRAM credentials only.
 */
export function buildAwsStacks(app: App, plan: MeshPlan, environments: readonly EnvironmentConfig[] = environmentsOf(plan)): Array<PlatformStack | IdentitiesStack | KafkaIdentitiesStack> {
  const out: Array<PlatformStack | IdentitiesStack | KafkaIdentitiesStack> = [];
  for (const env of environments) {
    if (!env.aws) {
      out.push(new KafkaIdentitiesStack(app, env, deriveIdentities(plan.products, env)));
      continue;
    }
    out.push(new PlatformStack(app, env));
    out.push(new IdentitiesStack(app, env, deriveIdentities(plan.products, env)));
  }
  return out;
}
