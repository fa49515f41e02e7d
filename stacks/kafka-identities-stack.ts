import { Construct } from 'constructs';
import { TerraformVariable } from 'cdktf';
import { UserScramCredential } from '../.gen/providers/kafka/user-scram-credential';
import { identitiesStackName } from '../contracts/derive/aws-names';
import type { EnvironmentConfig } from '../contracts/environment';
import type { IdentityPlan } from '../contracts/derive/identities';
import { kafkaAdminProvider } from '../constructs/kafka-admin-provider';
import { MeshStack } from '../constructs/mesh-stack';
import { configureBackend } from './domain-stack';

/** The Terraform variable that carries every principal's SCRAM password: user name → password. */
export const SCRAM_PASSWORDS_VARIABLE = 'scram_passwords';

/**
 * Bump to make Terraform send every password again (write-only arguments are
 * sent only when their version changes): after changing them in the variable.
 */
export const LOCAL_PASSWORD_VERSION = 1;

/**
 * `identities-<env>` of an environment without AWS settings (the local mesh):
 * the one owner of every principal's SCRAM-SHA-512 credential
 * (`kafka_user_scram_credential`), from the union of all contracts'
 * principals, as on AWS. The passwords come from the sensitive variable
 * `scram_passwords` (user → password) into the write-only `password_wo`, so
 * no password is in `cdktf.out`, the plan or the state. Each principal's
 * construct is `<user>/Credential` (an identity's address must not move).
 *
 * `npm run mesh:apply` applies the same resources without Terraform, taking
 * the passwords from `.mesh/local/connection.json`.
 */
export class KafkaIdentitiesStack extends MeshStack {
  /** The environment this stack belongs to. */
  public readonly environment: EnvironmentConfig;
  /** Every credential, by Kafka user name. */
  public readonly credentials: ReadonlyMap<string, UserScramCredential>;

  constructor(scope: Construct, env: EnvironmentConfig, identities: readonly IdentityPlan[]) {
    const name = identitiesStackName(env.name);
    super(scope, name);
    this.environment = env;
    configureBackend(this, name, env.backend);
    const provider = kafkaAdminProvider(this, env);
    const passwords = new TerraformVariable(this, SCRAM_PASSWORDS_VARIABLE, {
      type: 'map(string)',
      sensitive: true,
      nullable: false,
      description: `SCRAM-SHA-512 password of every Kafka user of ${env.name}, by user name (never stored: write-only). For the local mesh: jq -c '.principals | map_values(.password) | with_entries(.key |= ltrimstr("User:"))' .mesh/local/connection.json`,
    });
    const credentials = new Map<string, UserScramCredential>();
    for (const identity of identities) {
      const scope = new Construct(this, identity.user);
      credentials.set(identity.user, new UserScramCredential(scope, 'Credential', {
        provider,
        username: identity.user,
        scramMechanism: 'SCRAM-SHA-512',
        passwordWo: `\${var.${passwords.friendlyUniqueId}[${JSON.stringify(identity.user)}]}`,
        passwordWoVersion: String(LOCAL_PASSWORD_VERSION),
      }));
    }
    this.credentials = credentials;
  }
}
