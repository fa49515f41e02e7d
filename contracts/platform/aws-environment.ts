/**
 * The AWS side of an environment: where the platform stack (`platform-<env>`),
 * the identities stack (`identities-<env>`) and the consumer deployments go.
 * Plain data, no framework.
 */

/** How a principal's SCRAM credential is made. */
export type IdentityMechanism =
  /**
   * Amazon MSK: a Secrets Manager secret `AmazonMSK_<env>_<user>`, encrypted with the
   * platform's customer-managed key and associated with the cluster
   * (`aws_msk_single_scram_secret_association`).
   */
  | 'msk-scram-secret'
  /**
   * Self-managed Kafka: the Kafka provider's `kafka_user_scram_credential`; the same
   * password is kept in a Secrets Manager secret of the same name for the services.
   */
  | 'kafka-scram-credential';

/** The MSK cluster of the platform stack. */
export interface MskSettings {
  /** Kafka version, 3.7.x (e.g. `3.7.x` for MSK's latest 3.7 patch). */
  readonly kafkaVersion: string;
  /** Broker instance type, e.g. `kafka.m7g.large`. */
  readonly brokerInstanceType: string;
  /** Number of brokers: a multiple of the number of private subnets (one per AZ). */
  readonly brokerCount: number;
  /** EBS volume per broker, GiB. */
  readonly volumeSizeGiB: number;
}

/** The PostgreSQL instance of the platform stack. */
export interface RdsSettings {
  /** PostgreSQL engine version, 17.x (e.g. `17.5`). */
  readonly engineVersion: string;
  /** Instance class, e.g. `db.t4g.medium`. */
  readonly instanceClass: string;
  /** Initial storage, GiB. */
  readonly allocatedStorageGiB: number;
  /** Standby in a second AZ. */
  readonly multiAz: boolean;
  /** Days of automated backups (0 turns them off; production must keep them). */
  readonly backupRetentionDays: number;
  /** Refuse `terraform destroy` of the database. */
  readonly deletionProtection: boolean;
}

/**
 * How the migration function (the one client of the platform database that contract-mesh runs)
 * checks the database's TLS certificate. Give exactly one of the two.
 */
export interface DatabaseTls {
  /**
   * The CA bundle that signs the database's certificate: a PEM file in this repository, relative to
   * the project root (e.g. `certs/rds/eu-west-1-bundle.pem`). The platform team downloads it once from
   * AWS — `https://truststore.pki.rds.amazonaws.com/<region>/<region>-bundle.pem` (or
   * `…/global/global-bundle.pem`), see docs/aws-security.md — and commits it; the function is bundled
   * with it and refuses a server whose certificate it does not sign.
   * @default - none: then `verifyServerCertificate` must be `false`
   */
  readonly caBundleFile?: string;
  /**
   * `false` to connect WITHOUT verifying the server certificate (the connection is still encrypted,
   * but anyone on the path can pose as the database). Must be said explicitly; the review shows it.
   * @default true
   */
  readonly verifyServerCertificate?: boolean;
}

/** Everything the AWS stacks need to know about one environment. */
export interface AwsEnvironment {
  /** The AWS account id: ARNs of name-addressed things (secrets, the ECS cluster) are built from it by rule. */
  readonly accountId: string;
  /** The existing network; contract-mesh never creates a VPC. */
  readonly network: {
    /** The VPC id. */
    readonly vpcId: string;
    /** Private subnets (one per AZ) for brokers, the database and the services. */
    readonly privateSubnetIds: readonly string[];
    /**
     * The security group of the VPC's interface endpoints (ECR, CloudWatch Logs, Secrets
     * Manager): the only HTTPS a service may reach, besides S3 below.
     */
    readonly endpointSecurityGroupId: string;
    /** The S3 gateway endpoint's prefix list (ECR image layers come from S3). */
    readonly s3PrefixListId: string;
  };
  readonly msk: MskSettings;
  readonly rds: RdsSettings;
  /** Retention of every log group, days (a value CloudWatch Logs accepts, e.g. 7, 30, 90, 365). */
  readonly logRetentionDays: number;
  /** How SCRAM identities are made. */
  readonly identityMechanism: IdentityMechanism;
  /**
   * TLS to the platform database: its CA bundle, or an explicit `verifyServerCertificate: false`.
   * @default - none: a domain with a Postgres sink fails synth until one is set
   */
  readonly databaseTls?: DatabaseTls;
}
