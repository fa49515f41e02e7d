/**
 * Where login passwords go: the secrets boundary of the migration function.
 * In AWS it is Secrets Manager (the secrets are created empty by Terraform, so
 * no password is ever in Terraform state); tests pass their own store.
 */
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';

export interface SecretStore {
  /** The secret's current string value, or undefined when it has none yet. */
  get(secretId: string): Promise<string | undefined>;
  /** Stores a new value as the secret's current version. */
  put(secretId: string, value: string): Promise<void>;
}

/** The Secrets Manager store. A secret Terraform created without a version reads as undefined. */
export function secretsManagerStore(client: SecretsManagerClient = new SecretsManagerClient({})): SecretStore {
  return {
    async get(secretId) {
      try {
        const r = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
        return r.SecretString ?? undefined;
      } catch (err) {
        // No version yet (created empty by Terraform) is ResourceNotFoundException as well.
        if (err instanceof ResourceNotFoundException) return undefined;
        throw err;
      }
    },
    async put(secretId, value) {
      await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
    },
  };
}
