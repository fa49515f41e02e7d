/**
 * A domain's Postgres sink migrations in one environment: the migration
 * function (a Lambda in the VPC, bundled as an asset with the committed
 * migrations), its role, an empty Secrets Manager secret per sink login role
 * (the function sets the value, so no password is in Terraform state), and an
 * `aws_lambda_invocation` that runs it during `cdktf deploy` whenever the
 * migration set or the login set changes. A failed run fails the deploy.
 *
 * Construct IDs are API (Terraform addresses): `MigrationFunction`, `Role`, `Policy`,
 * `Logs`, `Bundle`, `ApplyMigrations`, and `Login-<role>` per login role (the role
 * name is derived from domain and consumer, so it is stable). The function's
 * rights are its own inline policy ({@link migrationFunctionPolicy}); the AWS
 * managed AWSLambdaVPCAccessExecutionRole (attachment `VpcAccess`) is gone.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { migrationLogGroupName, pgLoginSecretName } from '../contracts/derive/aws-names';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import type { CommittedMigration } from '../contracts/sql/committed';
import { checksumOf } from '../contracts/sql/migrations';
import { bundleMigrationFunction } from './migration-function-bundle';
import { TLS_VERIFY_ENV } from '../functions/migrate/environment';

/** Where the database is and how to reach it (from the platform stack). */
export interface SinkDatabase {
  /** The database endpoint's host name. */
  readonly host: string;
  /**
   * The port (a number, or a string token such as an SSM parameter's value).
   * @default 5432
   */
  readonly port?: number | string;
  /** The database name. */
  readonly name: string;
  /** ARN of the secret holding the master user's `{ "username", "password" }` (e.g. RDS's managed secret). */
  readonly masterSecretArn: string;
  /** KMS key that encrypts the master secret, when it is a customer-managed key. @default - the AWS-managed key */
  readonly masterSecretKmsKeyArn?: string;
  /** Subnets the function runs in (private, with a route to the database and to Secrets Manager). */
  readonly subnetIds: readonly string[];
  /** Security groups of the function; the database's group must admit them on the port. */
  readonly securityGroupIds: readonly string[];
  /**
   * PEM of the CA certificates that sign the database's TLS certificate (for RDS: the region's
   * RDS CA bundle). Bundled with the function, which then refuses a server they do not sign.
   * @default - none: then `verifyServerCertificate` must be `false`, explicitly
   */
  readonly caBundlePem?: string;
  /**
   * `false` to connect without verifying the server certificate (still encrypted, but anyone on the
   * network path can pose as the database). Must be said explicitly: without a CA bundle and without
   * this, the construct refuses to build.
   * @default true
   */
  readonly verifyServerCertificate?: boolean;
}

/** Props of {@link SinkMigrations}. */
export interface SinkMigrationsProps {
  /** The domain (its schema and roles). */
  readonly domain: string;
  /** The environment name, part of resource names. */
  readonly environment: string;
  /** The AWS region of the function (ARNs and the `kms:ViaService` condition are built from it). */
  readonly region: string;
  /** The AWS account of the function (ARNs and the trust policy's `aws:SourceAccount`). */
  readonly accountId: string;
  /** The domain's committed migrations, in apply order (`readCommittedMigrations(root, domain)`). */
  readonly migrations: readonly CommittedMigration[];
  /** The domain's sink login roles (`loginRolesOf(tables)`). */
  readonly loginRoles: readonly string[];
  readonly database: SinkDatabase;
  /**
   * Days CloudWatch keeps the function's logs.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Days a deleted login secret can be restored.
   * @default 30
   */
  readonly secretRecoveryWindowDays?: number;
  /**
   * Customer-managed KMS key that encrypts the login secrets (the platform key).
   * @default - Secrets Manager's AWS-managed key
   */
  readonly secretsKmsKeyArn?: string;
  /**
   * Customer-managed KMS key that encrypts the function's log group (the platform key, whose policy
   * lets CloudWatch Logs use it for the environment's log groups).
   * @default - CloudWatch Logs' own encryption
   */
  readonly logsKmsKeyArn?: string;
  /**
   * Keep the login secrets, the migration function and its invocation from being destroyed
   * (`prevent_destroy`, production): a consumer would lose its credentials, and the schema its migrator.
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/** A hash over what the migration function applies: ids and checksums, in order. */
export function migrationSetHash(migrations: readonly CommittedMigration[], loginRoles: readonly string[]): string {
  const h = createHash('sha256');
  for (const m of migrations) h.update(`${m.id}\u0000${checksumOf(m.sql)}\n`);
  h.update(`logins\u0000${[...loginRoles].sort().join(',')}`);
  return h.digest('hex');
}

/** What the migration function's policy is built from (see {@link migrationFunctionPolicy}). */
export interface MigrationFunctionPolicyInput {
  readonly region: string;
  readonly accountId: string;
  readonly masterSecretArn: string;
  readonly loginSecretArns: readonly string[];
  /** The keys of the master secret and of the login secrets (the same platform key, usually). */
  readonly kmsKeyArns: readonly string[];
  /** True when login secrets are written with a customer-managed key (a data key is needed). */
  readonly writesWithKey: boolean;
  readonly logGroupArn: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/**
 * The migration function's identity policy, least privilege (instead of AWSLambdaVPCAccessExecutionRole,
 * which allows logs on every log group and network interfaces anywhere):
 * - `ReadMasterSecret`, `ReadWriteLoginSecrets`: exactly those secrets;
 * - `UseKeysThroughSecretsManager`: the keys, only when Secrets Manager calls KMS for the function (`kms:ViaService`);
 * - `WriteOwnLogs`: its own log group's streams;
 * - `CreateNetworkInterfaces`: Lambda creates the function's ENIs with the function's role, in exactly its
 *   subnets and security groups; `ManageNetworkInterfaces`: delete and (un)assign IPs on network interfaces
 *   of this account and region (IAM offers no narrower resource: the ENI ids are Lambda's); `DescribeNetwork`:
 *   the two Describe actions, which IAM only allows on `*`.
 */
export function migrationFunctionPolicy(p: MigrationFunctionPolicyInput): { Version: string; Statement: Array<Record<string, unknown>> } {
  const ec2 = (kind: string, id: string) => `arn:aws:ec2:${p.region}:${p.accountId}:${kind}/${id}`;
  const keys = [...new Set(p.kmsKeyArns)];
  const statements: Array<Record<string, unknown>> = [
    { Sid: 'ReadMasterSecret', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [p.masterSecretArn] },
  ];
  if (p.loginSecretArns.length) {
    statements.push({ Sid: 'ReadWriteLoginSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], Resource: [...p.loginSecretArns] });
  }
  if (keys.length) {
    statements.push({
      Sid: 'UseKeysThroughSecretsManager',
      Effect: 'Allow',
      // Reading a secret decrypts its data key; writing one encrypted with a customer-managed key needs a new data key.
      Action: p.writesWithKey ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
      Resource: keys,
      Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${p.region}.amazonaws.com` } },
    });
  }
  statements.push(
    { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${p.logGroupArn}:log-stream:*`] },
    {
      Sid: 'CreateNetworkInterfaces',
      Effect: 'Allow',
      Action: ['ec2:CreateNetworkInterface'],
      Resource: [ec2('network-interface', '*'), ...p.subnetIds.map((id) => ec2('subnet', id)), ...p.securityGroupIds.map((id) => ec2('security-group', id))],
    },
    {
      Sid: 'ManageNetworkInterfaces',
      Effect: 'Allow',
      Action: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      Resource: [ec2('network-interface', '*')],
    },
    { Sid: 'DescribeNetwork', Effect: 'Allow', Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], Resource: ['*'] },
  );
  return { Version: '2012-10-17', Statement: statements };
}

export class SinkMigrations extends Construct {
  public readonly function: LambdaFunction;
  /** The function's role (trusted by Lambda for this account only). */
  public readonly role: IamRole;
  /** The role's inline policy document, as synthesized. */
  public readonly policy: ReturnType<typeof migrationFunctionPolicy>;
  public readonly invocation: LambdaInvocation;
  /** The login secrets, by role name. Consumers read their credentials here. */
  public readonly loginSecrets: ReadonlyMap<string, SecretsmanagerSecret>;
  /** Each login secret's ARN, by role name: one reference per secret, shared by every reader. */
  public readonly loginSecretArns: ReadonlyMap<string, string>;
  /** The hash that triggers a new run. */
  public readonly migrationSetHash: string;

  constructor(scope: Construct, id: string, props: SinkMigrationsProps) {
    super(scope, id);
    const logRetentionDays = props.logRetentionDays ?? 30;
    const recoveryWindow = props.secretRecoveryWindowDays ?? 30;
    const port = props.database.port ?? 5432;
    const verify = props.database.verifyServerCertificate ?? true;
    if (verify && !props.database.caBundlePem) {
      throw new Error(`SinkMigrations ${props.domain}-${props.environment}: the migration function verifies the database's TLS certificate, and no CA bundle was given (database.caBundlePem). Give the region's RDS CA bundle, or set database.verifyServerCertificate: false to connect unverified on purpose.`);
    }
    if (!verify && props.database.caBundlePem) {
      throw new Error(`SinkMigrations ${props.domain}-${props.environment}: database.caBundlePem is given and verifyServerCertificate is false; give one of them.`);
    }
    const name = `cm-${props.domain}-${props.environment}-pg-migrate`.slice(0, 64);

    const secrets = new Map<string, SecretsmanagerSecret>();
    for (const role of [...props.loginRoles].sort()) {
      secrets.set(
        role,
        new SecretsmanagerSecret(this, `Login-${role}`, {
          name: pgLoginSecretName(props.environment, role),
          description: `Postgres login of sink role ${role}; its value is set inside the VPC by ${name}, never by Terraform.`,
          recoveryWindowInDays: recoveryWindow,
          ...(props.secretsKmsKeyArn ? { kmsKeyId: props.secretsKmsKeyArn } : {}),
          ...(props.preventDestroy ? { lifecycle: { preventDestroy: true } } : {}),
        }),
      );
    }
    this.loginSecrets = secrets;
    const arns = new Map([...secrets].map(([r, s]) => [r, s.arn]));
    this.loginSecretArns = arns;

    // Its own log group under the environment's prefix (the platform key's policy admits exactly those), created
    // before the function so that Lambda never creates one without retention or key.
    const logs = new CloudwatchLogGroup(this, 'Logs', {
      name: migrationLogGroupName(props.environment, props.domain),
      retentionInDays: logRetentionDays,
      ...(props.logsKmsKeyArn ? { kmsKeyId: props.logsKmsKeyArn } : {}),
    });

    const role = new IamRole(this, 'Role', {
      name,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
          // Only Lambda acting for this account may assume it (the confused-deputy guard).
          Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
        }],
      }),
    });
    this.role = role;
    this.policy = migrationFunctionPolicy({
      region: props.region,
      accountId: props.accountId,
      masterSecretArn: props.database.masterSecretArn,
      loginSecretArns: [...arns.values()],
      kmsKeyArns: [
        ...(props.database.masterSecretKmsKeyArn ? [props.database.masterSecretKmsKeyArn] : []),
        ...(props.secretsKmsKeyArn && secrets.size ? [props.secretsKmsKeyArn] : []),
      ],
      writesWithKey: !!props.secretsKmsKeyArn && secrets.size > 0,
      logGroupArn: logs.arn,
      subnetIds: props.database.subnetIds,
      securityGroupIds: props.database.securityGroupIds,
    });
    new IamRolePolicy(this, 'Policy', { role: role.id, name: 'least-privilege', policy: JSON.stringify(this.policy) });

    const asset = new TerraformAsset(this, 'Bundle', { path: bundleMigrationFunction(props.migrations, verify ? props.database.caBundlePem : undefined), type: AssetType.ARCHIVE });
    this.function = new LambdaFunction(this, 'MigrationFunction', {
      functionName: name,
      description: `Applies the Postgres sink migrations of domain ${props.domain} (contract-mesh).`,
      role: role.arn,
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: asset.assetHash,
      timeout: 300,
      memorySize: 256,
      vpcConfig: { subnetIds: [...props.database.subnetIds], securityGroupIds: [...props.database.securityGroupIds] },
      loggingConfig: { logFormat: 'Text', logGroup: logs.name },
      environment: {
        variables: {
          DB_HOST: props.database.host,
          DB_PORT: typeof port === 'number' ? String(port) : port,
          DB_NAME: props.database.name,
          DB_SECRET_ARN: props.database.masterSecretArn,
          LOGIN_SECRETS: Fn.jsonencode([...arns].map(([r, arn]) => ({ role: r, secretId: arn }))),
          [TLS_VERIFY_ENV]: verify ? 'true' : 'false',
        },
      },
      dependsOn: [logs],
      ...(props.preventDestroy ? { lifecycle: { preventDestroy: true } } : {}),
    });

    this.migrationSetHash = migrationSetHash(props.migrations, props.loginRoles);
    this.invocation = new LambdaInvocation(this, 'ApplyMigrations', {
      functionName: this.function.functionName,
      input: JSON.stringify({ migrationSet: this.migrationSetHash }),
      triggers: { migrationSet: this.migrationSetHash, code: asset.assetHash },
      ...(props.preventDestroy ? { lifecycle: { preventDestroy: true } } : {}),
    });
  }
}
