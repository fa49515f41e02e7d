/**
 * Wires a domain's Postgres sinks into its stack: the committed migrations of
 * the domain's sink tables, packaged into the migration function
 * ({@link SinkMigrations}), with the database reached through facts the
 * platform stack publishes in SSM Parameter Store under
 * `/contract-mesh/<env>/postgres/`:
 *
 * | parameter | value |
 * |---|---|
 * | `host`, `port`, `database` | the RDS endpoint, port and database name |
 * | `master-secret-arn` | the secret with the master user's `{username, password}` |
 * | `subnet-ids` | StringList: private subnets for the function |
 * | `migration-security-group-ids` | StringList: security groups the database admits |
 */
import { resolve } from 'node:path';
import { Fn, TerraformOutput, type TerraformStack } from 'cdktf';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { CompiledProduct } from '../contracts/compile';
import type { StackPlan } from '../contracts/mesh';
import type { Shape } from '../contracts/schema/shape';
import { ContractError, type Problem } from '../contracts/problems';
import { readCommittedMigrations } from '../contracts/sql/committed';
import { planSinks } from '../contracts/sql/sink-plan';
import { loginRolesOf } from '../contracts/sql/sink-tables';
import { SinkMigrations } from '../constructs/sink-migrations';

/** Where committed migrations live. */
export const MIGRATIONS_ROOT = resolve(__dirname, '..', 'contracts', 'migrations');

/** The SSM parameter prefix of an environment's sink database facts. */
export function sinkDatabaseParameterPrefix(env: string): string {
  return `/contract-mesh/${env}/postgres`;
}

/**
 * Adds the domain's sink migrations to its stack, or nothing when no product
 * of the domain has a sink. Throws a {@link ContractError} when a sink table
 * has no committed migration (run `npm run contracts:migrations`, later
 * `npm run contracts:lock`, and commit the files).
 */
export interface PostgresSinksOptions {
  /** Where committed migrations live. @default MIGRATIONS_ROOT */
  readonly migrationsRoot?: string;
  /**
   * A product's lock history (every accepted shape, oldest first).
   * @default - the current shape alone (until the lock of issue 4 provides the history)
   */
  readonly historyOf?: (product: CompiledProduct) => readonly Shape[];
  /** PEM of the database's CA certificates, so the function verifies TLS. @default - not verified */
  readonly caBundlePem?: string;
}

export function addPostgresSinks(stack: TerraformStack, plan: StackPlan, options: PostgresSinksOptions = {}): SinkMigrations | undefined {
  const migrationsRoot = options.migrationsRoot ?? MIGRATIONS_ROOT;
  const problems: Problem[] = [];
  const sinks = plan.products.flatMap((p) => {
    const r = planSinks(p.product, options.historyOf?.(p.product) ?? [p.product.shape]);
    problems.push(...r.problems);
    return r.sinks.map((s) => ({ product: p.product, sink: s }));
  });
  if (problems.length) throw new ContractError(problems);
  if (!sinks.length) return undefined;
  const committed = readCommittedMigrations(migrationsRoot, plan.domain);
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
        fix: 'run npm run contracts:migrations and commit contracts/migrations/.',
      });
    }
  }
  if (problems.length) throw new ContractError(problems);

  new AwsProvider(stack, 'aws', { region: plan.environment.region });
  const prefix = sinkDatabaseParameterPrefix(plan.environment.name);
  const param = (id: string, name: string) => new DataAwsSsmParameter(stack, id, { name: `${prefix}/${name}` }).value;
  const migrations = new SinkMigrations(stack, 'PostgresSinks', {
    domain: plan.domain,
    environment: plan.environment.name,
    migrations: committed,
    loginRoles: loginRolesOf(sinks.map((s) => s.sink.table)),
    database: {
      host: param('PgHost', 'host'),
      port: param('PgPort', 'port'),
      name: param('PgDatabase', 'database'),
      masterSecretArn: param('PgMasterSecretArn', 'master-secret-arn'),
      subnetIds: Fn.split(',', param('PgSubnetIds', 'subnet-ids')),
      securityGroupIds: Fn.split(',', param('PgMigrationSecurityGroupIds', 'migration-security-group-ids')),
      ...(options.caBundlePem ? { caBundlePem: options.caBundlePem } : {}),
    },
  });
  // What each sink consumer's deployment needs: its table, its credentials' secret and the statements it runs.
  for (const { product, sink } of sinks) {
    new TerraformOutput(stack, `sink-${sink.table.table.value.replace(/_/g, '-')}`, {
      description: `Postgres sink of ${product.id} for consumer ${sink.table.consumer}`,
      value: {
        product: product.id,
        consumer: sink.table.consumer,
        mode: sink.table.mode,
        table: `${sink.table.schema.value}.${sink.table.table.value}`,
        loginRole: sink.table.roles.login,
        credentialsSecretArn: migrations.loginSecrets.get(sink.table.roles.login)!.arn,
        write: { sql: sink.statements.write.text, params: [...sink.statements.write.params] },
        ...(sink.statements.tombstone ? { tombstone: { sql: sink.statements.tombstone.text, params: [...sink.statements.tombstone.params] } } : {}),
      },
    });
  }
  return migrations;
}
