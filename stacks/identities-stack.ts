import { Construct } from 'constructs';
import { MeshStack } from '../constructs/mesh-stack';
import { TerraformOutput } from 'cdktf';
import type { EnvironmentConfig } from '../contracts/environment';
import { identitiesStackName } from '../contracts/derive/aws-names';
import type { IdentityPlan } from '../contracts/derive/identities';
import { awsProvider } from '../constructs/aws/aws-provider';
import { platformState, remoteOutput } from '../constructs/aws/remote-stacks';
import { ScramIdentity } from '../constructs/aws/scram-identity';
import { kafkaAdminProvider } from '../constructs/kafka-admin-provider';
import { configureBackend } from './domain-stack';

/**
 * `identities-<env>`: the one owner of every SCRAM identity of the environment,
 * built from the union of all contracts' principals (`deriveIdentities`), so a
 * principal named by two domains is created once. Deployed after the platform
 * and before the domains. Each identity's construct ID is its Kafka user name
 * (an identity's address must not move when products change).
 *
 * Output `scram_secret_arns`: user → secret ARN, read by the domain stacks.
 */
export class IdentitiesStack extends MeshStack {
  /** Every identity, by Kafka user name. */
  readonly identities: ReadonlyMap<string, ScramIdentity>;

  /** The environment this stack belongs to. */
  public readonly environment: EnvironmentConfig;

  constructor(scope: Construct, env: EnvironmentConfig, identities: readonly IdentityPlan[]) {
    const name = identitiesStackName(env.name);
    super(scope, name);
    this.environment = env;
    if (!env.aws) throw new Error(`environment ${env.name} has no aws settings`);
    configureBackend(this, name, env.backend);
    awsProvider(this, env, name);
    const platform = platformState(this, env);
    const mechanism = env.aws.identityMechanism;
    const kafkaProvider = mechanism === 'kafka-scram-credential' ? kafkaAdminProvider(this, env) : undefined;
    const byUser = new Map<string, ScramIdentity>();
    for (const identity of identities) {
      byUser.set(identity.user, new ScramIdentity(this, identity.user, {
        identity,
        mechanism,
        kmsKeyArn: remoteOutput(platform, 'kms_key_arn'),
        mskClusterArn: mechanism === 'msk-scram-secret' ? remoteOutput(platform, 'msk_cluster_arn') : undefined,
        kafkaProvider,
        recoveryWindowInDays: env.production ? 30 : 7,
        preventDestroy: env.production,
      }));
    }
    this.identities = byUser;
    const arns: Record<string, string> = {};
    for (const [user, id] of byUser) arns[user] = id.secretArn;
    new TerraformOutput(this, 'scram_secret_arns', { value: arns, description: 'Kafka user → ARN of its SCRAM secret' });
  }
}
