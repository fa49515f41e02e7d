import type { Classification } from './dsl/data-product';
import type { AwsEnvironment } from './platform/aws-environment';

/** How the Kafka provider (and so Terraform) authenticates as the administrative identity. */
export type KafkaAdminAuth =
  /** AWS IAM (MSK): authorised by IAM policy, not by Kafka ACLs. Credentials: the AWS default chain at deploy time. */
  | { readonly mechanism: 'aws-iam'; readonly region: string }
  /** SASL/SCRAM: user name and password from `KAFKA_SASL_USERNAME` / `KAFKA_SASL_PASSWORD` at deploy time. */
  | { readonly mechanism: 'scram-sha512' };

/** TLS to the brokers. */
export interface KafkaTls {
  /** Whether clients and the Kafka provider use TLS. */
  readonly enabled: boolean;
  /**
   * The PEM file of the CA that signs the brokers' certificates, relative to the project root. Written into
   * no stack (where Terraform runs decides the path): the Kafka provider reads it from `KAFKA_CA_CERT`.
   * @default - the system's trust store
   */
  readonly caFile?: string;
}

/** A PostgreSQL server the environment owns outside Terraform. */
export interface PostgresEndpoint {
  /** Host name or address. */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
  /** The database that holds the sink schemas. */
  readonly database: string;
  /** The environment variable that moves `port` (named in the message when the port is taken). @default - none */
  readonly portVariable?: string;
}

/** Where Terraform keeps a stack's state. */
export type BackendConfig =
  | { readonly type: 'local' }
  | {
      readonly type: 's3';
      /** The state bucket. */
      readonly bucket: string;
      /** The bucket's region. */
      readonly region: string;
      /** Prefix of the per-stack key: `<keyPrefix>/<stack>.tfstate`. */
      readonly keyPrefix: string;
      /** KMS key that encrypts the state (state can hold secrets). */
      readonly kmsKeyId: string;
    };

/** Bounds on how long data of one classification may be kept in this environment. */
export interface RetentionBound {
  /** The longest retention (main topic, dead letters, tombstones) in ms. */
  readonly maxMs: number;
}

/** Everything the derivations need to know about one environment; plain data, no framework. */
export interface EnvironmentConfig {
  /** Short name, part of every stack name: `<domain>-<name>`. */
  readonly name: string;
  /** True for production: data-loss guardrails are errors, not warnings. */
  readonly production: boolean;
  /**
   * True for a developer's own mesh on one machine (the `local` environment: `npm run mesh:up`, applied by
   * `npm run mesh:apply`), which no pipeline deploys. The review leaves its stacks out, with one line saying so: a
   * reviewer of a change to the shared mesh is not asked to read a loopback broker's copy of dev. Never production.
   * @default false
   */
  readonly loopback?: boolean;
  /** The AWS region of the environment's resources. */
  readonly region: string;
  readonly kafka: {
    /** The brokers the Kafka provider connects to. */
    readonly bootstrapServers: readonly string[];
    /**
     * The environment variable that moves the brokers' port (the local mesh), named in messages.
     * @default - none: the addresses are fixed
     */
    readonly portVariable?: string;
    /** How Terraform authenticates; never a secret value. */
    readonly adminAuth: KafkaAdminAuth;
    /** The administrative identity's principal, exempt by name from the ACL rules. */
    readonly adminPrincipal: string;
    /** Replication factor of every topic. */
    readonly replicationFactor: number;
    /** `min.insync.replicas` of every topic. */
    readonly minInsyncReplicas: number;
    /** Bounds on derived partition counts. */
    readonly partitions: { readonly min: number; readonly max: number };
    /** The brokers' `message.max.bytes`: what a topic without its own `max.message.bytes` accepts. */
    readonly brokerMaxMessageBytes: number;
    /**
     * TLS on the connection to the brokers (the Kafka provider's `tls_enabled`).
     * @default - TLS on, verified against the system's trust store (MSK's certificates are publicly trusted)
     */
    readonly tls?: KafkaTls;
  };
  /**
   * The environment whose locked partition counts this one uses (`contracts/locks/` records none for this one,
   * so adding this environment makes no lock stale). Its partition bounds should be that environment's too.
   * @default - its own entry in each lock
   */
  readonly lockedPartitionsFrom?: string;
  /**
   * The environment's own PostgreSQL, which holds the sink tables when the environment has no `aws`
   * settings (the local mesh: `npm run mesh:apply` applies the committed migrations to it).
   * @default - the platform stack's RDS instance (`aws`), or no database (a sink is then an error)
   */
  readonly postgres?: PostgresEndpoint;
  /** Retention bounds per classification. */
  readonly retention: Readonly<Record<Classification, RetentionBound>>;
  /**
   * What happens when a contract asks for more retention than its classification allows:
   * `error` fails synth (production), `clamp` lowers it and says so in the reason.
   */
  readonly retentionOverflow: 'error' | 'clamp';
  /** Terraform state backend. */
  readonly backend: BackendConfig;
  /**
   * The AWS platform of this environment (MSK, RDS, ECS, identities, deployments).
   * @default - no platform, identities or deployment stacks for this environment
   */
  readonly aws?: AwsEnvironment;
  /**
   * Price inputs of the review's cost estimate.
   * @default - the review shows bytes and partitions, no money
   */
  readonly pricing?: PricingConfig;
}

/** What storage and partitions cost in this environment (the review quotes them as its inputs). */
export interface PricingConfig {
  /** Price of one GB (10⁹ bytes) stored for a month, e.g. 0.10 (MSK provisioned storage, USD). */
  readonly storagePerGbMonth: number;
  /** Price of one partition for an hour, e.g. 0.0015 (MSK Serverless, USD). */
  readonly partitionPerHour: number;
  /**
   * The currency the prices are in.
   * @default 'USD'
   */
  readonly currency?: string;
}
