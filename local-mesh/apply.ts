/**
 * `npm run mesh:apply` and `npm run mesh:plan`: the synthesized `*-local`
 * stacks applied to the running local mesh without Terraform (the Mongey
 * provider cannot be downloaded here): topics, ACLs and SCRAM credentials
 * through the Kafka Admin API as the administrative identity, the committed
 * sink migrations through the migration function's own handler
 * (functions/migrate) against the local PostgreSQL.
 *
 * Every run reads the desired state (local-mesh/desired.ts), the broker's
 * state, and computes the changes (local-mesh/changes.ts); `plan` prints them,
 * `apply` makes them in order, recording each step, so that a run that stops
 * half-way (the broker died) says what it did and a second run finishes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Client } from 'pg';
import { writeAtomically } from '../contracts/build-cache';
import type { EnvironmentConfig } from '../contracts/environment';
import { createMigrationHandler, type LoginSecretValue } from '../functions/migrate/handler';
import { HISTORY_TABLE } from '../functions/migrate/runner';
import type { SecretStore } from '../functions/migrate/secret-store';
import { kafkaErrorType, type KafkaAdmin } from '../runtime/kafka';
import { randomPassword } from './broker';
import { describeChange, planChanges, type ActualState, type AppliedRecord, type Change } from './changes';
import { connectAs, readConnection, writeConnection, type LocalConnection } from './connection';
import { desiredState, type DesiredState } from './desired';
import { LocalMeshError } from './errors';
import { ensureKafka, type KafkaJars } from './fetch';
import { findJava, type JavaHome } from './java';
import { localMeshPaths, type MeshLog } from './local-mesh';
import { deleteScramUsers, scramUsers, upsertScramUsers, type ScramToolOptions } from './scram';
import type { StackJson } from './synthesized';

/** Options of {@link meshApply}. */
export interface MeshApplyOptions {
  /** The project root. */
  readonly root: string;
  /** The local environment (its name selects the `*-<name>` stacks). */
  readonly environment: EnvironmentConfig;
  /** Where `npm run synth` wrote. */
  readonly outdir: string;
  /** Only print what would change. @default false */
  readonly dryRun?: boolean;
  /**
   * The inputs of synth: a file under them newer than the synthesized output means the stacks are stale.
   * @default contracts/products, contracts/locks, contracts/migrations, contracts/retired.json and stacks/environments.ts under `root`
   */
  readonly sources?: readonly string[];
  /** The connection file. @default `.mesh/local/connection.json` */
  readonly connectionFile?: string;
  /** The record of what mesh:apply created. @default `applied.json` beside the connection file */
  readonly appliedFile?: string;
  /** Java and the broker's jars, for the SCRAM tool. @default - found and fetched */
  readonly tools?: { readonly java: JavaHome; readonly kafka: KafkaJars };
  readonly log?: MeshLog;
}

/** What a run did or would do. */
export interface MeshApplyResult {
  /** Every change, one line each (what `plan` prints). */
  readonly changes: string[];
  /** What mesh:apply refuses to do, each with its remedy. */
  readonly refused: string[];
  /** The changes made (apply only). */
  readonly applied: string[];
}

const consoleLog: MeshLog = { info: (l) => console.log(l) };

function newestFile(path: string): { file: string; mtimeMs: number } | undefined {
  if (!existsSync(path)) return undefined;
  const st = statSync(path);
  if (!st.isDirectory()) return { file: path, mtimeMs: st.mtimeMs };
  let best: { file: string; mtimeMs: number } | undefined;
  for (const name of readdirSync(path)) {
    const f = newestFile(join(path, name));
    if (f && (!best || f.mtimeMs > best.mtimeMs)) best = f;
  }
  return best;
}

/** The synthesized stacks of the environment; a one-line error naming `npm run synth` when they are missing or stale. */
export function readLocalStacks(o: Pick<MeshApplyOptions, 'root' | 'outdir' | 'environment' | 'sources'>): Map<string, StackJson & Record<string, unknown>> {
  const env = o.environment.name;
  const stacksDir = join(o.outdir, 'stacks');
  const manifest = join(o.outdir, 'manifest.json');
  if (!existsSync(manifest) || !existsSync(stacksDir)) {
    throw new LocalMeshError(`there are no synthesized stacks in ${relative(o.root, o.outdir) || o.outdir}: run \`npm run synth\` first.`);
  }
  // A synth limited by MESH_DOMAINS wrote placeholders for the other domains' stacks and for identities-<env>: applied,
  // they would read as "no topics, no ACLs, no users" and mesh:apply would remove every principal's ACLs and credential.
  const meshManifest = join(o.outdir, 'mesh-manifest.json');
  const partial = existsSync(meshManifest) ? (JSON.parse(readFileSync(meshManifest, 'utf8')) as { partial?: { domains?: string[] } }).partial : undefined;
  if (partial) {
    throw new LocalMeshError(`${relative(o.root, o.outdir) || o.outdir} was synthesized with MESH_DOMAINS=${(partial.domains ?? []).join(',')}, and mesh:apply needs every ${env} stack (identities-${env} holds every principal): run \`npm run synth\` without MESH_DOMAINS (MESH_DOMAINS= npm run synth).`);
  }
  const names = readdirSync(stacksDir).filter((n) => n.endsWith(`-${env}`)).sort();
  if (!names.length) throw new LocalMeshError(`${relative(o.root, o.outdir) || o.outdir} has no ${env} stacks (it was synthesized without the ${env} environment): run \`npm run synth\`.`);
  const synthesizedAt = statSync(manifest).mtimeMs;
  const sources = o.sources ?? ['contracts/products', 'contracts/locks', 'contracts/migrations', 'contracts/retired.json', 'stacks/environments.ts'].map((p) => join(o.root, p));
  for (const s of sources) {
    const newest = newestFile(s);
    if (newest && newest.mtimeMs > synthesizedAt) {
      throw new LocalMeshError(`the synthesized stacks are older than ${relative(o.root, newest.file)}: run \`npm run synth\`, then this command again.`);
    }
  }
  const out = new Map<string, StackJson & Record<string, unknown>>();
  for (const n of names) out.set(n, JSON.parse(readFileSync(join(stacksDir, n, 'cdk.tf.json'), 'utf8')));
  return out;
}

function readApplied(file: string): AppliedRecord {
  if (!existsSync(file)) return { topics: [], users: [] };
  const r = JSON.parse(readFileSync(file, 'utf8')) as Partial<AppliedRecord>;
  return { topics: r.topics ?? [], users: r.users ?? [] };
}

function writeApplied(file: string, r: AppliedRecord): void {
  writeAtomically(file, `${JSON.stringify({ topics: [...new Set(r.topics)].sort(), users: [...new Set(r.users)].sort() }, null, 2)}\n`);
}

/** The error for a broker that does not answer, naming the command that starts it. */
function brokerDown(c: LocalConnection, err: unknown): LocalMeshError {
  return new LocalMeshError(`no Kafka broker answers at ${c.bootstrapServers.join(', ')} (${kafkaErrorType(err)}): start the local mesh with \`npm run mesh:up\`.`);
}

async function readActual(admin: KafkaAdmin, desired: DesiredState, applied: AppliedRecord, scram: ScramToolOptions): Promise<ActualState> {
  const existing = new Set(await admin.listTopics());
  const names = [...new Set([...desired.topics.map((t) => t.name), ...applied.topics])].filter((n) => existing.has(n));
  const topics = new Map((await admin.describeTopics(names)).map((t) => [t.name, t]));
  const configs = await admin.describeTopicConfigs(desired.topics.map((t) => t.name).filter((n) => existing.has(n)));
  const acls = await admin.listAcls();
  return { topics, configs, acls, scramUsers: await scramUsers(scram) };
}

/** A {@link SecretStore} over the connection file's `postgres.logins`: the migration handler keeps login passwords there. */
function connectionLoginStore(file: string, database: { host: string; port: number; dbname: string }): SecretStore {
  return {
    async get(role) {
      const c = readConnection(file);
      const password = c.postgres.logins[role];
      if (!password) return undefined;
      const value: LoginSecretValue = { engine: 'postgres', ...database, username: role, password };
      return JSON.stringify(value);
    },
    async put(role, value) {
      const c = readConnection(file);
      const { password } = JSON.parse(value) as LoginSecretValue;
      writeConnection(file, { ...c, postgres: { ...c.postgres, logins: { ...c.postgres.logins, [role]: password } } });
    },
  };
}

function databaseUrl(c: LocalConnection, name: string): string {
  const u = new URL(c.postgres.url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function pgConnect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    const u = new URL(url);
    throw new LocalMeshError(`PostgreSQL at ${u.host} does not answer (${(err as Error).message}): start the local mesh with \`npm run mesh:up\`.`);
  }
  return client;
}

/** The sink migrations not yet applied, and the sink logins without a password (what the migration handler would do). */
async function pendingSinks(c: LocalConnection, desired: DesiredState): Promise<string[]> {
  if (!desired.sinks.length) return [];
  const database = desired.sinks[0].database.name;
  const client = await pgConnect(databaseUrl(c, database));
  try {
    const { rows } = await client.query<{ exists: boolean }>(`SELECT to_regclass('${HISTORY_TABLE}') IS NOT NULL AS exists`);
    const done = new Set<string>();
    if (rows[0].exists) for (const r of (await client.query<{ name: string }>(`SELECT name FROM ${HISTORY_TABLE}`)).rows) done.add(r.name);
    const lines: string[] = [];
    for (const s of desired.sinks) for (const m of s.migrations) if (!done.has(m.id)) lines.push(`+ migration ${m.id} (${s.stack})`);
    for (const role of [...new Set(desired.sinks.flatMap((s) => s.loginRoles))].sort()) {
      const exists = (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount;
      if (!c.postgres.logins[role] || !exists) lines.push(`+ login password for sink role ${role} (kept in the connection file)`);
    }
    return lines;
  } finally {
    await client.end();
  }
}

async function applySinks(file: string, desired: DesiredState, log: (m: string) => void): Promise<string[]> {
  if (!desired.sinks.length) return [];
  const c = readConnection(file);
  const name = desired.sinks[0].database.name;
  const url = new URL(databaseUrl(c, name));
  const database = { host: url.hostname, port: Number(url.port || 5432), dbname: name };
  const run = createMigrationHandler({
    connect: () => pgConnect(url.toString()),
    // Every domain's migrations in one run: the handler refuses a recorded migration that is not in its set.
    migrations: desired.sinks.flatMap((s) => s.migrations.map((m) => ({ id: m.id, sql: m.sql }))),
    logins: [...new Set(desired.sinks.flatMap((s) => s.loginRoles))].sort().map((role) => ({ role, secretId: role })),
    secrets: connectionLoginStore(file, database),
    database,
    log,
  });
  const r = await run();
  return [...r.applied.map((id) => `+ migration ${id}`), ...r.passwordsCreated.map((role) => `+ login password for sink role ${role}`)];
}

/** Plans or applies the local stacks. Throws a {@link LocalMeshError} for bad input; returns what it did. */
export async function meshApply(o: MeshApplyOptions): Promise<MeshApplyResult> {
  const log = o.log ?? consoleLog;
  const paths = localMeshPaths(o.root);
  const connectionFile = o.connectionFile ?? paths.connectionFile;
  const appliedFile = o.appliedFile ?? join(dirname(connectionFile), 'applied.json');
  let connection = readConnection(connectionFile);
  const stacks = readLocalStacks(o);
  const read = desiredState(stacks);
  if (!read.state) throw new LocalMeshError(`the synthesized ${o.environment.name} stacks cannot be applied:\n${read.problems.map((p) => `  - ${p}`).join('\n')}`);
  const desired = read.state;
  if (desired.bootstrapServers.join(',') !== connection.bootstrapServers.join(',')) {
    throw new LocalMeshError(`the synthesized stacks connect to ${desired.bootstrapServers.join(', ')}, but the running mesh listens on ${connection.bootstrapServers.join(', ')}: synthesize and start the mesh with the same ${o.environment.kafka.portVariable ?? 'port'} (\`npm run synth\`, or \`npm run mesh:down && npm run mesh:up\`).`);
  }
  const java = o.tools?.java ?? findJava();
  const kafka = o.tools?.kafka ?? (await ensureKafka(o.root, java, (l) => log.info(l)));
  const scram: ScramToolOptions = { java, kafka, dir: dirname(connectionFile), bootstrap: connection.bootstrapServers[0], caFile: connection.caFile, admin: connection.admin };
  const applied = readApplied(appliedFile);
  const client = connectAs(connection, connection.admin.principal, { retries: 5 });
  const done: string[] = [];
  try {
    let plan: { changes: Change[]; refused: string[] };
    try {
      plan = await client.withAdmin(async (admin) => planChanges(desired, await readActual(admin, desired, applied, scram), applied));
    } catch (err) {
      throw brokerDown(connection, err);
    }
    const sinkLines = await pendingSinks(connection, desired);
    const lines = [...plan.changes.map(describeChange), ...sinkLines];
    if (o.dryRun) {
      if (!lines.length && !plan.refused.length) {
        log.info(`contract-mesh: no changes. The local mesh matches the synthesized ${o.environment.name} stacks (${desired.topics.length} topics, ${desired.acls.length} ACLs, ${desired.credentials.length} SCRAM credentials, ${desired.sinks.reduce((n, s) => n + s.migrations.length, 0)} sink migrations).`);
      } else {
        if (lines.length) log.info(`contract-mesh: mesh:apply would make ${lines.length} change(s):\n${lines.map((l) => `  ${l}`).join('\n')}`);
        for (const r of plan.refused) log.info(`contract-mesh: REFUSED: ${r}`);
      }
      return { changes: lines, refused: plan.refused, applied: [] };
    }

    // Every principal gets a password of its own, kept in the connection file (the passwords' only home).
    const missing = desired.credentials.filter((c) => !connection.principals[`User:${c.passwordKey}`]);
    if (missing.length) {
      const principals = { ...connection.principals };
      for (const c of missing) principals[`User:${c.passwordKey}`] = { username: c.username, password: randomPassword() };
      connection = { ...connection, principals };
      writeConnection(connectionFile, connection);
    }
    const record = { topics: [...applied.topics], users: [...applied.users] };
    const step = async (line: string, fn: () => Promise<void>) => {
      await fn();
      done.push(line);
      log.info(`  ${line}`);
    };
    try {
      const creates = plan.changes.filter((c): c is Extract<Change, { kind: 'create-user' }> => c.kind === 'create-user');
      if (creates.length) {
        await upsertScramUsers(scram, creates.map((c) => ({ username: c.credential.username, password: connection.principals[`User:${c.credential.passwordKey}`].password })));
        record.users.push(...creates.map((c) => c.credential.username));
        writeApplied(appliedFile, record);
        for (const c of creates) {
          done.push(describeChange(c));
          log.info(`  ${describeChange(c)}`);
        }
      }
      await client.withAdmin(async (admin) => {
        for (const c of plan.changes) {
          const line = describeChange(c);
          switch (c.kind) {
            case 'create-topic':
              await step(line, async () => {
                await admin.createTopics([{ name: c.topic.name, partitions: c.topic.partitions, replicationFactor: c.topic.replicationFactor, config: c.topic.config }]);
                record.topics.push(c.topic.name);
                writeApplied(appliedFile, record);
              });
              break;
            case 'grow-partitions':
              await step(line, () => admin.createPartitions(c.topic.name, c.topic.partitions));
              break;
            case 'set-config':
              await step(line, () => admin.replaceTopicConfig(c.topic.name, c.topic.config));
              break;
            default:
              break;
          }
        }
        // ACLs in one request each way (creating or deleting one twice is harmless, so a rerun is safe).
        const creates = plan.changes.filter((c): c is Extract<Change, { kind: 'create-acl' }> => c.kind === 'create-acl');
        const deletes = plan.changes.filter((c): c is Extract<Change, { kind: 'delete-acl' }> => c.kind === 'delete-acl');
        if (creates.length) {
          await admin.createAcls(creates.map((c) => c.acl));
          for (const c of creates) {
            done.push(describeChange(c));
            log.info(`  ${describeChange(c)}`);
          }
        }
        if (deletes.length) {
          await admin.deleteAcls(deletes.map((c) => c.acl));
          for (const c of deletes) {
            done.push(describeChange(c));
            log.info(`  ${describeChange(c)}`);
          }
        }
      });
      const deletes = plan.changes.filter((c): c is Extract<Change, { kind: 'delete-user' }> => c.kind === 'delete-user');
      if (deletes.length) {
        await deleteScramUsers(scram, deletes.map((d) => d.username));
        record.users = record.users.filter((u) => !deletes.some((d) => d.username === u));
        writeApplied(appliedFile, record);
        for (const d of deletes) done.push(describeChange(d));
      }
      const sinkDone = await applySinks(connectionFile, desired, () => undefined);
      for (const l of sinkDone) log.info(`  ${l}`);
      done.push(...sinkDone);
    } catch (err) {
      const why = err instanceof LocalMeshError ? err.message : `${kafkaErrorType(err)}: ${(err as Error).message}`;
      throw new LocalMeshError(
        `mesh:apply stopped: ${why}\n${done.length ? `Applied before it stopped (${done.length}):\n${done.map((l) => `  ${l}`).join('\n')}` : 'Nothing was applied.'}\nRunning \`npm run mesh:apply\` again is safe: it applies only what is still missing (start the mesh first if it is down: \`npm run mesh:up\`).`,
      );
    }
    for (const r of plan.refused) log.info(`contract-mesh: REFUSED: ${r}`);
    log.info(done.length ? `contract-mesh: applied ${done.length} change(s) to the local mesh.` : 'contract-mesh: no changes to apply.');
    return { changes: lines, refused: plan.refused, applied: done };
  } finally {
    await client.close();
  }
}
