/**
 * Where the Kafka provider of an environment's stacks (Terraform, as the administrative identity) finds the brokers.
 *
 * An environment with `aws` settings has a platform stack whose MSK cluster exists only once it is deployed: its
 * broker addresses are the platform's outputs, read from its state (`terraform_remote_state`), as the consumer
 * services read theirs — never names written by hand in `stacks/environments.ts`, which would drift from the real
 * cluster (or point at an example one). The output matches how the admin authenticates: `aws-iam` on port 9098
 * (`bootstrap_brokers_sasl_iam`), SCRAM on port 9096 (`bootstrap_brokers_sasl_scram`).
 *
 * An environment without a platform stack (the local mesh) names its brokers itself: `kafka.bootstrapServers`.
 * Pure: the construct layer turns the decision into a provider configuration.
 */
import { platformStackName } from '../derive/aws-names';
import type { EnvironmentConfig } from '../environment';
import type { EnvironmentProblem } from './aws-environment-rules';

/** The platform stack's outputs that hold broker addresses (comma-separated `host:port` lists). */
export type BrokerOutput = 'bootstrap_brokers_sasl_iam' | 'bootstrap_brokers_sasl_scram';

/** Where the brokers come from, with the reason. */
export type AdminBrokers =
  | { readonly from: 'platform'; readonly stack: string; readonly output: BrokerOutput; readonly reason: string }
  | { readonly from: 'environment'; readonly servers: readonly string[]; readonly reason: string };

/** The brokers the environment's Kafka provider connects to. */
export function adminBrokers(env: EnvironmentConfig): AdminBrokers {
  if (env.aws) {
    const iam = env.kafka.adminAuth.mechanism === 'aws-iam';
    const output: BrokerOutput = iam ? 'bootstrap_brokers_sasl_iam' : 'bootstrap_brokers_sasl_scram';
    return {
      from: 'platform',
      stack: platformStackName(env.name),
      output,
      reason: `${env.name}'s brokers are its MSK cluster's, known once ${platformStackName(env.name)} is deployed: its output ${output} (${iam ? 'IAM, port 9098' : 'SCRAM, port 9096'}: how the administrative identity authenticates)`,
    };
  }
  return { from: 'environment', servers: env.kafka.bootstrapServers ?? [], reason: `${env.name} has no platform stack: kafka.bootstrapServers in stacks/environments.ts` };
}

/** What is wrong with where the environment's brokers come from: none, or a list that would be ignored. */
export function brokerProblems(env: EnvironmentConfig): EnvironmentProblem[] {
  const servers = env.kafka.bootstrapServers;
  if (env.aws && servers !== undefined) {
    return [{
      field: 'kafka.bootstrapServers',
      message: `is set (${servers.join(', ') || 'empty'}), but an environment with aws settings takes its brokers from ${platformStackName(env.name)}'s outputs, the cluster it deploys; this list would be ignored.`,
      fix: `remove kafka.bootstrapServers from ${env.name} in stacks/environments.ts.`,
    }];
  }
  if (!env.aws && !servers?.length) {
    return [{
      field: 'kafka.bootstrapServers',
      message: 'is not set: an environment without aws settings has no platform stack to take its brokers from.',
      fix: `list ${env.name}'s brokers in stacks/environments.ts, e.g. kafka: { bootstrapServers: ['127.0.0.1:19092'], … }.`,
    }];
  }
  return [];
}
