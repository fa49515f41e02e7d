/**
 * Wires a domain's Postgres sinks into its stack: the committed migrations of
 * the domain's sink tables, packaged into the migration function
 * ({@link SinkMigrations}) that runs inside the VPC; every sink consumer's ECS
 * service of the stack depends on the function's invocation. The database is the
 * platform's (`platform-<env>`), found through its Terraform outputs
 * (`database_address`, `database_port`, `database_master_secret_arn`,
 * `database_security_group_id`, `kms_key_arn`) like the consumer services do,
 * so no AWS data source is read and every stack plans offline.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataTerraformRemoteState, TerraformOutput, type TerraformStack } from 'cdktf';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { platformStackName } from '../contracts/derive/aws-names';
import { PLATFORM_DATABASE_NAME } from '../constructs/aws/platform-database';
import { remoteOutput, remoteStack } from '../constructs/aws/remote-stacks';
import type { StackPlan } from '../contracts/mesh';
import { ContractError, type Problem } from '../contracts/problems';
import { committedFilesOf, readCommittedMigrations } from '../contracts/sql/committed';
import { checksumOf } from '../contracts/sql/migrations';
import type { CompiledProduct } from '../contracts/compile';
import type { PostgresEndpoint } from '../contracts/environment';
import { planSinks } from '../contracts/sql/sink-plan';
import { loginRolesOf } from '../contracts/sql/sink-tables';
import { caBundleProblems, databaseTlsDecision } from '../contracts/platform/database-tls';
import type { EnvironmentConfig } from '../contracts/environment';
import { SinkMigrations } from '../constructs/sink-migrations';
import { ConsumerService, startAfter } from '../constructs/aws/consumer-service';

/** The project root: the environment's CA bundle file is relative to it. */
export const PROJECT_ROOT = resolve(__dirname, '..');
/** Where committed migrations live. */
export const MIGRATIONS_ROOT = resolve(PROJECT_ROOT, 'contracts', 'migrations');

/**
 * Adds the domain's sink migrations to its stack, or nothing when no product
 * of the domain has a sink. Throws a {@link ContractError} when a sink table
 * has no committed migration (run `npm run contracts:lock` and commit
 * `contracts/migrations/`).
 */
export interface PostgresSinksOptions {
  /** Where committed migrations live. @default MIGRATIONS_ROOT */
  readonly migrationsRoot?: string;
  /** Where the environment's CA bundle file (`aws.databaseTls.caBundleFile`) is found. @default PROJECT_ROOT */
  readonly projectRoot?: string;
}

/**
 * How the migration function treats the database's TLS certificate in `env`: the CA bundle's text
 * (read from the repository and checked), or an explicit opt-out. Throws a {@link ContractError}
 * naming the environment, the setting and the fix.
 */
export function databaseTlsOf(env: EnvironmentConfig, projectRoot: string = PROJECT_ROOT): { caBundlePem: string } | { verifyServerCertificate: false } {
  const { decision, problems } = databaseTlsDecision(env);
  let result: { caBundlePem: string } | { verifyServerCertificate: false } | undefined;
  if (decision && !decision.verify) result = { verifyServerCertificate: false };
  else if (decision?.verify) {
    const file = join(projectRoot, decision.caBundleFile);
    if (!existsSync(file)) {
      problems.push({ field: 'aws.databaseTls.caBundleFile', message: `${decision.caBundleFile} does not exist (looked in ${projectRoot}).`, fix: `download the RDS CA bundle of ${env.region} (see docs/aws-security.md), commit it there, or correct the path.` });
    } else {
      const pem = readFileSync(file, 'utf8');
      problems.push(...caBundleProblems(pem, decision.caBundleFile));
      result = { caBundlePem: pem };
    }
  }
  if (problems.length || !result) {
    throw new ContractError(problems.map((p) => ({ product: `environment ${env.name} (stacks/environments.ts)`, field: p.field, message: p.message, fix: p.fix })));
  }
  return result;
}

/** The output that lists what `npm run mesh:apply` applies to an environment's own PostgreSQL. */
export const LOCAL_MIGRATIONS_OUTPUT = 'postgres-migrations';

/**
 * Sinks in an environment without AWS (the local mesh): its tables live in the environment's own PostgreSQL,
 * outside Terraform. The stack holds no resource for them, only outputs: `postgres-migrations` (the database,
 * the committed migrations in apply order with their SQL, the login roles), which `npm run mesh:apply` applies
 * with the migration function's own handler, and one `sink-<table>` per sink as on AWS, its credentials in the
 * local connection file instead of a secret.
 */
function addEnvironmentDatabaseSinks(stack: TerraformStack, db: PostgresEndpoint, committed: ReturnType<typeof readCommittedMigrations>, sinks: ReadonlyArray<{ product: CompiledProduct; sink: PlannedSink }>): void {
  new TerraformOutput(stack, LOCAL_MIGRATIONS_OUTPUT, {
    description: 'The sink migrations of this domain, applied to the environment\'s own PostgreSQL by `npm run mesh:apply`',
    value: {
      database: { host: db.host, port: db.port, name: db.database },
      migrations: committed.map((m) => ({ id: m.id, checksum: checksumOf(m.sql), sql: m.sql })),
      loginRoles: loginRolesOf(sinks.map((s) => s.sink.table)),
    },
  });
  for (const { product, sink } of sinks) {
    addSinkOutput(stack, product, sink, { credentials: `postgres.logins.${sink.table.roles.login} of the local connection file (.mesh/local/connection.json)` });
  }
}

type PlannedSink = ReturnType<typeof planSinks>['sinks'][number];

/** `sink-<table>`: what the sink consumer needs — its table, where its credentials are, the statements it runs. */
function addSinkOutput(stack: TerraformStack, product: CompiledProduct, sink: PlannedSink, credentials: Record<string, string>): void {
  new TerraformOutput(stack, `sink-${sink.table.table.value.replace(/_/g, '-')}`, {
    description: `Postgres sink of ${product.id} for consumer ${sink.table.consumer}`,
    value: {
      product: product.id,
      consumer: sink.table.consumer,
      mode: sink.table.mode,
      table: `${sink.table.schema.value}.${sink.table.table.value}`,
      loginRole: sink.table.roles.login,
      ...credentials,
      write: { sql: sink.statements.write.text, params: [...sink.statements.write.params] },
      ...(sink.statements.tombstone ? { tombstone: { sql: sink.statements.tombstone.text, params: [...sink.statements.tombstone.params] } } : {}),
    },
  });
}

export function addPostgresSinks(stack: TerraformStack, plan: StackPlan, options: PostgresSinksOptions = {}): SinkMigrations | undefined {
  const migrationsRoot = options.migrationsRoot ?? MIGRATIONS_ROOT;
  // Nothing to read or add for a domain without sinks.
  if (!plan.products.some((p) => p.product.consumers.some((c) => c.sink))) return undefined;
  const problems: Problem[] = [];
  const committed = readCommittedMigrations(migrationsRoot, plan.domain);
  const committedFiles = committedFilesOf(committed);
  const sinks = plan.products.flatMap((p) => {
    const r = planSinks(p.product, p.history, committedFiles);
    problems.push(...r.problems);
    return r.sinks.map((s) => ({ product: p.product, sink: s }));
  });
  if (problems.length) throw new ContractError(problems);
  if (!sinks.length) return undefined;
  const ids = new Set(committed.map((m) => m.id));
  const byId = new Map(committed.map((m) => [m.id, m.sql]));
  for (const { product, sink } of sinks) {
    const first = sink.migrations[0];
    const sql = byId.get(first.id);
    const committedMode = sql && /^-- contract-mesh migration for .* \((upsert|append)\): creates its sink table\./.exec(sql)?.[1];
    if (committedMode && committedMode !== sink.table.mode) {
      problems.push({
        product: product.id,
        field: `consumers.${sink.table.consumer}.sink.postgres.mode`,
        message: `the sink table ${sink.table.schema.value}.${sink.table.table.value} was created in ${committedMode} mode and the contract now says ${sink.table.mode}; a table's primary key cannot change.`,
        fix: `keep mode '${committedMode}', or sink under a new consumer name (a new table) or in the next major version.`,
      });
    }
    const missing = sink.migrations.filter((m) => !ids.has(m.id)).map((m) => `contracts/migrations/${m.id}`);
    if (missing.length) {
      problems.push({
        product: product.id,
        field: `consumers.${sink.table.consumer}.sink`,
        message: `the sink table ${sink.table.schema.value}.${sink.table.table.value} lacks committed migrations (${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing).`,
        fix: 'run `npm run contracts:lock` (it writes the migrations of every accepted change) and commit contracts/migrations/ with the lock.',
      });
    }
  }
  if (problems.length) throw new ContractError(problems);

  const env = plan.environment;
  if (!env.aws) {
    if (env.postgres) {
      addEnvironmentDatabaseSinks(stack, env.postgres, committed, sinks);
      return undefined;
    }
    throw new ContractError(sinks.map(({ product, sink }) => ({
      product: product.id,
      field: `consumers.${sink.table.consumer}.sink`,
      message: `environment ${env.name} has neither aws settings nor a postgres database, so there is no database to sink into.`,
      fix: `add aws or postgres settings to ${env.name} in stacks/environments.ts, or remove the sink.`,
    })));
  }
  const tls = databaseTlsOf(env, options.projectRoot);
  const platform = (stack.node.tryFindChild('Platform') as DataTerraformRemoteState | undefined) ?? remoteStack(stack, 'Platform', env, platformStackName(env.name));
  const network = new Construct(stack, 'PostgresSinksNetwork');
  const databaseSecurityGroupId = remoteOutput(platform, 'database_security_group_id');
  const name = `mesh-${env.name}-${plan.domain}-pg-migrate`;
  const sg = new SecurityGroup(network, 'SecurityGroup', {
    name,
    description: `${name}: no inbound; out to the database and the VPC endpoints (Secrets Manager, CloudWatch Logs)`,
    vpcId: env.aws.network.vpcId,
    revokeRulesOnDelete: true,
  });
  new VpcSecurityGroupEgressRule(network, 'ToDatabase', { securityGroupId: sg.id, ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, referencedSecurityGroupId: databaseSecurityGroupId, description: 'PostgreSQL' });
  new VpcSecurityGroupEgressRule(network, 'ToEndpoints', { securityGroupId: sg.id, ipProtocol: 'tcp', fromPort: 443, toPort: 443, referencedSecurityGroupId: env.aws.network.endpointSecurityGroupId, description: 'VPC endpoints: Secrets Manager, CloudWatch Logs' });
  new VpcSecurityGroupIngressRule(network, 'DatabaseIngress', { securityGroupId: databaseSecurityGroupId, ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, referencedSecurityGroupId: sg.id, description: `${name} (sink migrations)` });
  const kmsKeyArn = remoteOutput(platform, 'kms_key_arn');
  const migrations = new SinkMigrations(stack, 'PostgresSinks', {
    domain: plan.domain,
    environment: env.name,
    region: env.region,
    accountId: env.aws.accountId,
    migrations: committed,
    loginRoles: loginRolesOf(sinks.map((s) => s.sink.table)),
    logRetentionDays: env.aws.logRetentionDays,
    secretsKmsKeyArn: kmsKeyArn,
    logsKmsKeyArn: kmsKeyArn,
    preventDestroy: env.production,
    database: {
      host: remoteOutput(platform, 'database_address'),
      port: remoteOutput(platform, 'database_port'),
      name: PLATFORM_DATABASE_NAME,
      masterSecretArn: remoteOutput(platform, 'database_master_secret_arn'),
      masterSecretKmsKeyArn: kmsKeyArn,
      subnetIds: [...env.aws.network.privateSubnetIds],
      securityGroupIds: [sg.id],
      ...tls,
    },
  });
  // A sink consumer's service starts after the migrations ran: its table exists and its login secret holds a value.
  for (const c of stack.node.findAll()) if (c instanceof ConsumerService && c.sink) startAfter(c, migrations.invocation);
  // What each sink consumer's deployment needs: its table, its credentials' secret and the statements it runs.
  for (const { product, sink } of sinks) {
    addSinkOutput(stack, product, sink, { credentialsSecretArn: migrations.loginSecretArns.get(sink.table.roles.login)! });
  }
  return migrations;
}
