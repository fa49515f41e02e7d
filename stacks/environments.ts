/**
 * The environments every domain stack is synthesized for. One typed file:
 * add an environment here and every domain gets a `<domain>-<env>` stack.
 *
 * Nothing secret lives here: Terraform authenticates to Kafka as the
 * administrative identity with credentials from its own environment at
 * deploy time (AWS credentials for `aws-iam`).
 */
import type { EnvironmentConfig } from '../contracts/environment';

const DAY = 86_400_000;
/** Kafka's default `message.max.bytes` (1 MiB + 12 bytes of batch overhead). */
const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

export const dev: EnvironmentConfig = {
  name: 'dev',
  production: false,
  region: 'eu-west-1',
  kafka: {
    bootstrapServers: [
      'b-1.mesh-dev.kafka.eu-west-1.amazonaws.com:9098',
      'b-2.mesh-dev.kafka.eu-west-1.amazonaws.com:9098',
    ],
    adminAuth: { mechanism: 'aws-iam', region: 'eu-west-1' },
    adminPrincipal: 'User:mesh-admin-dev',
    replicationFactor: 2,
    minInsyncReplicas: 1,
    partitions: { min: 1, max: 12 },
    brokerMaxMessageBytes: KAFKA_DEFAULT_MAX_MESSAGE_BYTES,
  },
  retention: {
    public: { maxMs: 7 * DAY },
    internal: { maxMs: 7 * DAY },
    confidential: { maxMs: 7 * DAY },
    pii: { maxMs: 3 * DAY },
  },
  retentionOverflow: 'clamp',
  backend: { type: 'local' },
  pricing: { storagePerGbMonth: 0.1, partitionPerHour: 0.0015, currency: 'USD' },
  aws: {
    accountId: '111111111111',
    network: {
      vpcId: 'vpc-0de0000000000d001',
      privateSubnetIds: ['subnet-0de000000000000a1', 'subnet-0de000000000000b1'],
      endpointSecurityGroupId: 'sg-0de0000000000e001',
      s3PrefixListId: 'pl-6da54004',
    },
    msk: { kafkaVersion: '3.7.x', brokerInstanceType: 'kafka.t3.small', brokerCount: 2, volumeSizeGiB: 100 },
    rds: { engineVersion: '17.5', instanceClass: 'db.t4g.small', allocatedStorageGiB: 20, multiAz: false, backupRetentionDays: 1, deletionProtection: false },
    logRetentionDays: 7,
    identityMechanism: 'msk-scram-secret',
    databaseTls: { caBundleFile: 'certs/rds/eu-west-1-bundle.pem' },
  },
};

export const prod: EnvironmentConfig = {
  name: 'prod',
  production: true,
  region: 'eu-west-1',
  kafka: {
    bootstrapServers: [
      'b-1.mesh-prod.kafka.eu-west-1.amazonaws.com:9098',
      'b-2.mesh-prod.kafka.eu-west-1.amazonaws.com:9098',
      'b-3.mesh-prod.kafka.eu-west-1.amazonaws.com:9098',
    ],
    adminAuth: { mechanism: 'aws-iam', region: 'eu-west-1' },
    adminPrincipal: 'User:mesh-admin-prod',
    replicationFactor: 3,
    minInsyncReplicas: 2,
    partitions: { min: 3, max: 96 },
    brokerMaxMessageBytes: KAFKA_DEFAULT_MAX_MESSAGE_BYTES,
  },
  retention: {
    public: { maxMs: 365 * DAY },
    internal: { maxMs: 90 * DAY },
    confidential: { maxMs: 90 * DAY },
    pii: { maxMs: 30 * DAY },
  },
  retentionOverflow: 'error',
  backend: {
    type: 's3',
    bucket: 'contract-mesh-terraform-state-prod',
    region: 'eu-west-1',
    keyPrefix: 'contract-mesh',
    kmsKeyId: 'alias/contract-mesh-terraform-state',
  },
  pricing: { storagePerGbMonth: 0.1, partitionPerHour: 0.0015, currency: 'USD' },
  aws: {
    accountId: '111111111111',
    network: {
      vpcId: 'vpc-0f0d000000000f001',
      privateSubnetIds: ['subnet-0f0d00000000000a1', 'subnet-0f0d00000000000b1', 'subnet-0f0d00000000000c1'],
      endpointSecurityGroupId: 'sg-0f0d000000000e001',
      s3PrefixListId: 'pl-6da54004',
    },
    msk: { kafkaVersion: '3.7.x', brokerInstanceType: 'kafka.m7g.large', brokerCount: 3, volumeSizeGiB: 1000 },
    rds: { engineVersion: '17.5', instanceClass: 'db.r7g.large', allocatedStorageGiB: 200, multiAz: true, backupRetentionDays: 14, deletionProtection: true },
    logRetentionDays: 90,
    identityMechanism: 'msk-scram-secret',
    databaseTls: { caBundleFile: 'certs/rds/eu-west-1-bundle.pem' },
  },
};

/** The local mesh's Kafka port when `MESH_KAFKA_PORT` is not set. */
export const LOCAL_KAFKA_PORT = 19092;
/** The local mesh's PostgreSQL port when `MESH_POSTGRES_PORT` is not set. */
export const LOCAL_POSTGRES_PORT = 15432;

function portFrom(variable: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${variable}=${raw} is not a TCP port: set it to a number from 1 to 65535, or unset it for ${fallback}.`);
  }
  return port;
}

/**
 * `local`: the mesh on one machine (`npm run mesh:up`, see docs/local-mesh.md) — a single Kafka 3.7 broker on
 * loopback with SASL_SSL and SCRAM-SHA-512 like MSK, and a PostgreSQL 17 for the sink tables. Replication 1,
 * dev's retention bounds and dev's locked partition counts; no AWS settings, so no AWS resources.
 * Ports from `MESH_KAFKA_PORT` and `MESH_POSTGRES_PORT` (read at synth: synthesize and start the mesh with the same values).
 */
export function localEnvironment(env: NodeJS.ProcessEnv = process.env): EnvironmentConfig {
  const kafkaPort = portFrom('MESH_KAFKA_PORT', LOCAL_KAFKA_PORT, env);
  return {
    name: 'local',
    production: false,
    loopback: true,
    region: dev.region,
    kafka: {
      bootstrapServers: [`127.0.0.1:${kafkaPort}`],
      portVariable: 'MESH_KAFKA_PORT',
      adminAuth: { mechanism: 'scram-sha512' },
      adminPrincipal: 'User:mesh-admin-local',
      replicationFactor: 1,
      minInsyncReplicas: 1,
      partitions: dev.kafka.partitions,
      brokerMaxMessageBytes: KAFKA_DEFAULT_MAX_MESSAGE_BYTES,
      tls: { enabled: true, caFile: '.mesh/local/ca.pem' },
    },
    lockedPartitionsFrom: dev.name,
    postgres: { host: '127.0.0.1', port: portFrom('MESH_POSTGRES_PORT', LOCAL_POSTGRES_PORT, env), database: 'mesh', portVariable: 'MESH_POSTGRES_PORT' },
    retention: dev.retention,
    retentionOverflow: dev.retentionOverflow,
    backend: { type: 'local' },
  };
}

export const local: EnvironmentConfig = localEnvironment();

/** Every environment, in deployment order. */
export const ENVIRONMENTS: readonly EnvironmentConfig[] = [dev, prod, local];
