/**
 * A domain's Postgres sink migrations in one environment: the migration
 * function (a Lambda in the VPC, bundled as an asset with the committed
 * migrations), its role, an empty Secrets Manager secret per sink login role
 * (the function sets the value, so no password is in Terraform state), and an
 * `aws_lambda_invocation` that runs it during `cdktf deploy` whenever the
 * migration set or the login set changes. A failed run fails the deploy.
 *
 * Construct IDs are API (Terraform addresses): `Function`, `Role`, `Policy`,
 * `VpcAccess`, `Logs`, `Bundle`, `Apply`, and `Login-<role>` per login role
 * (the role name is derived from domain and consumer, so it is stable).
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { pgLoginSecretName } from '../contracts/derive/aws-names';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import type { CommittedMigration } from '../contracts/sql/committed';
import { checksumOf } from '../contracts/sql/migrations';
import { bundleMigrationFunction } from './migration-function-bundle';

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
   * RDS CA bundle). Bundled with the function, which then verifies the server.
   * @default - TLS without verifying the server certificate (the connection stays inside the VPC)
   */
  readonly caBundlePem?: string;
}

/** Props of {@link SinkMigrations}. */
export interface SinkMigrationsProps {
  /** The domain (its schema and roles). */
  readonly domain: string;
  /** The environment name, part of resource names. */
  readonly environment: string;
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

export class SinkMigrations extends Construct {
  public readonly function: LambdaFunction;
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

    const role = new IamRole(this, 'Role', {
      name,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    new IamRolePolicyAttachment(this, 'VpcAccess', {
      role: role.name,
      policyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
    });
    const statements: unknown[] = [
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [props.database.masterSecretArn] },
    ];
    if (secrets.size) {
      statements.push({
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        Resource: [...arns.values()],
      });
    }
    if (props.database.masterSecretKmsKeyArn) {
      statements.push({ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [props.database.masterSecretKmsKeyArn] });
    }
    if (props.secretsKmsKeyArn && secrets.size) {
      // Writing a login secret encrypted with a customer-managed key needs a data key from it.
      statements.push({ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: [props.secretsKmsKeyArn] });
    }
    new IamRolePolicy(this, 'Policy', { role: role.id, name: 'secrets', policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });

    const logs = new CloudwatchLogGroup(this, 'Logs', { name: `/aws/lambda/${name}`, retentionInDays: logRetentionDays });

    const asset = new TerraformAsset(this, 'Bundle', { path: bundleMigrationFunction(props.migrations, props.database.caBundlePem), type: AssetType.ARCHIVE });
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
      environment: {
        variables: {
          DB_HOST: props.database.host,
          DB_PORT: typeof port === 'number' ? String(port) : port,
          DB_NAME: props.database.name,
          DB_SECRET_ARN: props.database.masterSecretArn,
          LOGIN_SECRETS: Fn.jsonencode([...arns].map(([r, arn]) => ({ role: r, secretId: arn }))),
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
