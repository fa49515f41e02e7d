/**
 * What the synthesized `*-<env>` stacks ask for, read field by field as the
 * Mongey/kafka provider v0.13.1 maps them (see ../shared/facts/mongey-kafka):
 * `kafka_topic`, `kafka_acl`, `kafka_user_scram_credential`, and the
 * `postgres-migrations` output of a domain stack whose sinks live in the
 * environment's own PostgreSQL. Pure: JSON in, a desired state (or every
 * problem, as Terraform would report them at apply) out.
 */
import type { AclBinding, AclOperation, AclResourceType } from '../runtime/kafka';

/** A topic as `kafka_topic` declares it. */
export interface DesiredTopic {
  /** `<stack>/<resource id>`, for messages. */
  readonly address: string;
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** The whole topic-level config map (the provider sends it whole; keys left out revert to the default). */
  readonly config: Readonly<Record<string, string>>;
}

/** An ACL as `kafka_acl` declares it. */
export interface DesiredAcl extends AclBinding {
  readonly address: string;
}

/** A SCRAM credential as `kafka_user_scram_credential` declares it. */
export interface DesiredCredential {
  readonly address: string;
  readonly username: string;
  readonly mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  readonly iterations: number;
  /** The key of the password in the `scram_passwords` variable (write-only `password_wo`). */
  readonly passwordKey: string;
}

/** A domain's sink migrations for the environment's own PostgreSQL. */
export interface DesiredSinks {
  readonly stack: string;
  readonly database: { readonly host: string; readonly port: number; readonly name: string };
  readonly migrations: ReadonlyArray<{ readonly id: string; readonly checksum: string; readonly sql: string }>;
  readonly loginRoles: readonly string[];
}

/** Everything the environment's stacks declare. */
export interface DesiredState {
  /** The Kafka provider's `bootstrap_servers` (the same in every stack). */
  readonly bootstrapServers: readonly string[];
  readonly topics: readonly DesiredTopic[];
  readonly acls: readonly DesiredAcl[];
  readonly credentials: readonly DesiredCredential[];
  readonly sinks: readonly DesiredSinks[];
  /** The stacks read, sorted. */
  readonly stacks: readonly string[];
}

type Json = Record<string, unknown>;

/** The provider's enums, case-sensitive (checked at apply in v0.13.1). */
const RESOURCE_TYPES: readonly AclResourceType[] = ['Topic', 'Group', 'Cluster', 'TransactionalID', 'DelegationToken'];
const OPERATIONS: readonly AclOperation[] = ['All', 'Read', 'Write', 'Create', 'Delete', 'Alter', 'Describe', 'ClusterAction', 'DescribeConfigs', 'AlterConfigs', 'IdempotentWrite'];
const META = new Set(['//', 'provider', 'lifecycle', 'depends_on', 'count', 'for_each']);

const isExpression = (v: unknown) => typeof v === 'string' && v.includes('${');

/**
 * Reads the stacks (`name` → parsed `cdk.tf.json`). Every problem is collected; the caller prints them all.
 * `problems` are one line each: `<stack>/<resource>: <what> — <fix>`.
 */
export function desiredState(stacks: ReadonlyMap<string, Json>): { state?: DesiredState; problems: string[] } {
  const problems: string[] = [];
  const topics: DesiredTopic[] = [];
  const acls: DesiredAcl[] = [];
  const credentials: DesiredCredential[] = [];
  const sinks: DesiredSinks[] = [];
  let bootstrap: string[] | undefined;
  const names = [...stacks.keys()].sort();

  for (const stack of names) {
    const json = stacks.get(stack) as Json;
    const providers = ((json.provider as Json | undefined)?.kafka as Json[] | undefined) ?? [];
    for (const p of providers) {
      const servers = p.bootstrap_servers as string[] | undefined;
      if (!Array.isArray(servers) || !servers.length) problems.push(`${stack}: the kafka provider has no bootstrap_servers — synthesize again (npm run synth).`);
      else if (!bootstrap) bootstrap = servers;
      else if (servers.join(',') !== bootstrap.join(',')) problems.push(`${stack}: the kafka provider connects to ${servers.join(',')}, another stack to ${bootstrap.join(',')} — synthesize every stack with the same MESH_KAFKA_PORT.`);
      if (p.tls_enabled === false) problems.push(`${stack}: the kafka provider has tls_enabled = false, but the local broker only speaks SASL_SSL — set kafka.tls.enabled in stacks/environments.ts.`);
      if (p.sasl_mechanism !== undefined && p.sasl_mechanism !== 'scram-sha512') problems.push(`${stack}: the kafka provider authenticates with ${String(p.sasl_mechanism)}, the local broker with scram-sha512 — set adminAuth to scram-sha512 in stacks/environments.ts.`);
    }
    const resources = (json.resource as Record<string, Record<string, Json>> | undefined) ?? {};
    for (const [type, byId] of Object.entries(resources)) {
      for (const [id, r] of Object.entries(byId)) {
        const address = `${stack}/${type}.${id}`;
        const bad = (msg: string) => problems.push(`${address}: ${msg}`);
        const args = Object.fromEntries(Object.entries(r).filter(([k]) => !META.has(k)));
        for (const [k, v] of Object.entries(args)) {
          if (isExpression(v) && !(type === 'kafka_user_scram_credential' && (k === 'password_wo' || k === 'password'))) bad(`${k} is a Terraform expression (${String(v)}), which mesh:apply does not evaluate — the local stacks hold only literal values.`);
        }
        const known = (allowed: string[]) => {
          for (const k of Object.keys(args)) if (!allowed.includes(k)) bad(`"${k}" is not an argument of ${type} (Mongey/kafka 0.13.1: ${allowed.join(', ')}).`);
        };
        if (type === 'kafka_topic') {
          known(['name', 'partitions', 'replication_factor', 'config']);
          const { name, partitions, replication_factor: rf, config } = args as { name?: unknown; partitions?: unknown; replication_factor?: unknown; config?: unknown };
          if (typeof name !== 'string' || !name) bad('name is required.');
          if (!Number.isInteger(partitions) || (partitions as number) < 1) bad(`partitions must be a whole number ≥ 1 (got ${JSON.stringify(partitions)}).`);
          if (!Number.isInteger(rf) || (rf as number) < 1) bad(`replication_factor must be a whole number ≥ 1 (got ${JSON.stringify(rf)}).`);
          const cfg: Record<string, string> = {};
          if (config !== undefined) {
            if (!config || typeof config !== 'object' || Array.isArray(config)) bad('config must be a map of strings.');
            else for (const [k, v] of Object.entries(config as Json)) {
              if (typeof v !== 'string') bad(`config["${k}"] must be a string (got ${JSON.stringify(v)}).`);
              else cfg[k] = v;
            }
          }
          topics.push({ address, name: String(name), partitions: Number(partitions), replicationFactor: Number(rf), config: cfg });
        } else if (type === 'kafka_acl') {
          known(['resource_name', 'resource_type', 'resource_pattern_type_filter', 'acl_principal', 'acl_host', 'acl_operation', 'acl_permission_type']);
          const a = args as Record<string, unknown>;
          for (const k of ['resource_name', 'resource_type', 'acl_principal', 'acl_host', 'acl_operation', 'acl_permission_type']) if (typeof a[k] !== 'string' || !a[k]) bad(`${k} is required.`);
          const pattern = (a.resource_pattern_type_filter as string | undefined) ?? 'Literal';
          if (a.resource_type !== undefined && !RESOURCE_TYPES.includes(a.resource_type as AclResourceType)) bad(`unknown resource type "${String(a.resource_type)}" (valid, case-sensitive: ${RESOURCE_TYPES.join(', ')}).`);
          if (a.acl_operation !== undefined && !OPERATIONS.includes(a.acl_operation as AclOperation)) bad(`unknown operation "${String(a.acl_operation)}" (valid, case-sensitive: ${OPERATIONS.join(', ')}).`);
          if (a.acl_permission_type !== undefined && a.acl_permission_type !== 'Allow' && a.acl_permission_type !== 'Deny') bad(`acl_permission_type "${String(a.acl_permission_type)}" cannot be created (valid: Allow, Deny).`);
          if (pattern !== 'Literal' && pattern !== 'Prefixed') bad(`resource_pattern_type_filter "${pattern}" cannot be created (Kafka creates Literal or Prefixed only).`);
          acls.push({
            address,
            principal: String(a.acl_principal),
            host: String(a.acl_host),
            operation: a.acl_operation as AclOperation,
            permissionType: a.acl_permission_type as 'Allow' | 'Deny',
            resourceType: a.resource_type as AclResourceType,
            resourceName: String(a.resource_name),
            patternType: pattern as 'Literal' | 'Prefixed',
          });
        } else if (type === 'kafka_user_scram_credential') {
          known(['username', 'scram_mechanism', 'scram_iterations', 'password', 'password_wo', 'password_wo_version']);
          const a = args as Record<string, unknown>;
          if (typeof a.username !== 'string' || !a.username) bad('username is required.');
          if (a.scram_mechanism !== 'SCRAM-SHA-256' && a.scram_mechanism !== 'SCRAM-SHA-512') bad(`scram_mechanism must be SCRAM-SHA-256 or SCRAM-SHA-512 (got ${JSON.stringify(a.scram_mechanism)}).`);
          const iterations = a.scram_iterations === undefined ? 4096 : Number(a.scram_iterations);
          if (!Number.isInteger(iterations) || iterations < 4096) bad(`scram_iterations must be at least 4096 (got ${JSON.stringify(a.scram_iterations)}).`);
          if (a.password !== undefined) bad('sets password, which Terraform stores in state: the mesh uses the write-only password_wo.');
          const key = typeof a.password_wo === 'string' ? /^\$\{var\.scram_passwords\["([^"]+)"\]\}$/.exec(a.password_wo)?.[1] : undefined;
          if (!key) bad(`password_wo must be \${var.scram_passwords["<user>"]} (got ${JSON.stringify(a.password_wo)}).`);
          credentials.push({ address, username: String(a.username), mechanism: a.scram_mechanism as 'SCRAM-SHA-512', iterations, passwordKey: key ?? '' });
        } else {
          bad(`mesh:apply applies only the Kafka provider's kafka_topic, kafka_acl and kafka_user_scram_credential; a ${type} in a local stack means the environment has AWS or other settings it should not have.`);
        }
      }
    }
    const out = (json.output as Record<string, { value?: unknown }> | undefined)?.['postgres-migrations']?.value as Omit<DesiredSinks, 'stack'> | undefined;
    if (out) sinks.push({ stack, database: out.database, migrations: out.migrations, loginRoles: out.loginRoles });
  }

  const dupes = (what: string, keys: string[]) => {
    const seen = new Set<string>();
    for (const k of keys) {
      if (seen.has(k)) problems.push(`two resources declare the same ${what} ${k} — synthesize again (npm run synth); the stacks are inconsistent.`);
      seen.add(k);
    }
  };
  dupes('topic', topics.map((t) => t.name));
  dupes('SCRAM user', credentials.map((c) => c.username));
  if (problems.length) return { problems };
  return {
    state: { bootstrapServers: bootstrap ?? [], topics, acls, credentials, sinks, stacks: names },
    problems,
  };
}

/** An ACL binding's identity (its 7 fields, as the provider's id). */
export function aclId(a: AclBinding): string {
  return [a.principal, a.host, a.operation, a.permissionType, a.resourceType, a.resourceName, a.patternType].join('|');
}
