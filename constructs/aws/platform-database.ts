import { Construct } from 'constructs';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import type { EnvironmentConfig } from '../../contracts/environment';
import { clusterName } from '../../contracts/derive/aws-names';

export const POSTGRES_PORT = 5432;

/**
 * Parameters pinned in the instance's parameter group. `rds.force_ssl = 1`: the server refuses a
 * connection without TLS (the default from PostgreSQL 15 on RDS; pinned so that nobody turns it off
 * in a default group). A new parameter group attached to an existing instance applies only after a
 * reboot (the instance shows `pending-reboot`): the review says so.
 */
export const POSTGRES_PARAMETERS: Readonly<Record<string, string>> = { 'rds.force_ssl': '1' };
/** The database every sink schema lives in. */
export const PLATFORM_DATABASE_NAME = 'mesh';

/** Props of {@link PlatformDatabase}. */
export interface PlatformDatabaseProps {
  /** The environment (must have `aws`). */
  readonly env: EnvironmentConfig;
  /** The customer-managed key for storage and the RDS-managed master secret. */
  readonly kmsKeyArn: string;
}

/**
 * The environment's PostgreSQL 17 instance `mesh-<env>`: private, encrypted
 * with the platform key, its master password generated and kept by RDS in
 * Secrets Manager (`manage_master_user_password`, never in Terraform), and in
 * production deletion protection, backups, a final snapshot and
 * `prevent_destroy`. Its parameter group `Parameters` pins {@link POSTGRES_PARAMETERS}.
 * Its security group `Database` admits nothing by itself: sink services are
 * admitted by ingress rules their own stacks add.
 */
export class PlatformDatabase extends Construct {
  readonly instance: DbInstance;
  readonly securityGroup: SecurityGroup;
  readonly parameterGroup: DbParameterGroup;

  constructor(scope: Construct, id: string, props: PlatformDatabaseProps) {
    super(scope, id);
    const { env } = props;
    const aws = env.aws!;
    const name = clusterName(env.name);
    this.securityGroup = new SecurityGroup(this, 'Database', {
      name: `${name}-postgres`,
      description: `PostgreSQL of ${name}; ingress only from the security groups of sink services`,
      vpcId: aws.network.vpcId,
      revokeRulesOnDelete: true,
    });
    const subnets = new DbSubnetGroup(this, 'Subnets', {
      name: `${name}-postgres`,
      description: `private subnets of ${name}`,
      subnetIds: [...aws.network.privateSubnetIds],
    });
    const major = aws.rds.engineVersion.split('.')[0];
    this.parameterGroup = new DbParameterGroup(this, 'Parameters', {
      // The family is in the name: a major upgrade creates the next group before the old one goes.
      name: `${name}-postgres${major}`,
      family: `postgres${major}`,
      description: `contract-mesh ${name}: TLS required (rds.force_ssl = 1)`,
      parameter: Object.entries(POSTGRES_PARAMETERS).map(([n, value]) => ({ name: n, value, applyMethod: 'pending-reboot' })),
      lifecycle: { createBeforeDestroy: true },
    });
    this.instance = new DbInstance(this, 'Instance', {
      identifier: `${name}-postgres`,
      engine: 'postgres',
      engineVersion: aws.rds.engineVersion,
      instanceClass: aws.rds.instanceClass,
      allocatedStorage: aws.rds.allocatedStorageGiB,
      storageType: 'gp3',
      storageEncrypted: true,
      kmsKeyId: props.kmsKeyArn,
      dbName: PLATFORM_DATABASE_NAME,
      username: 'mesh_admin',
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.kmsKeyArn,
      dbSubnetGroupName: subnets.name,
      parameterGroupName: this.parameterGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      publiclyAccessible: false,
      multiAz: aws.rds.multiAz,
      backupRetentionPeriod: aws.rds.backupRetentionDays,
      deletionProtection: aws.rds.deletionProtection,
      skipFinalSnapshot: !env.production,
      finalSnapshotIdentifier: env.production ? `${name}-postgres-final` : undefined,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: false,
      caCertIdentifier: 'rds-ca-rsa2048-g1',
      lifecycle: env.production ? { preventDestroy: true } : undefined,
    });
  }
}
