/**
 * `npm run mesh:up` / `npm run mesh:down`: the local mesh — one Kafka 3.7
 * broker (local-mesh/broker.ts) and one PostgreSQL 17 (postgres-daemon.mjs) —
 * for the `local` environment of stacks/environments.ts, with its state under
 * `.mesh/local/` (git-ignored): the broker's data, certificates and logs, the
 * database, and `connection.json`.
 *
 * Both commands are idempotent: `mesh:up` while the mesh runs says so and
 * succeeds; `mesh:down` when nothing runs says so and succeeds.
 */
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import type { EnvironmentConfig } from '../contracts/environment';
import { assertPortFree, brokerFiles, freePort, randomPassword, runningBrokerPid, startBroker, stopBroker } from './broker';
import { readConnection, writeConnection, type LocalConnection, type PrincipalLogin } from './connection';
import { LocalMeshError } from './errors';
import { ensureKafka } from './fetch';
import { findJava } from './java';
import { synthesizedPrincipals } from './synthesized';

/** The files of the local mesh under a project root. */
export function localMeshPaths(root: string) {
  const stateDir = join(root, '.mesh', 'local');
  return {
    stateDir,
    connectionFile: join(stateDir, 'connection.json'),
    caFile: join(stateDir, 'ca.pem'),
    kafkaDir: join(stateDir, 'kafka'),
    postgresDir: join(stateDir, 'postgres'),
  };
}

/** What the commands print. */
export interface MeshLog {
  info(line: string): void;
}

const consoleLog: MeshLog = { info: (l) => console.log(l) };

/** The local environment: the one named `local`, from stacks/environments.ts unless given. */
export function localEnvironmentOf(environments: readonly EnvironmentConfig[]): EnvironmentConfig {
  const env = environments.find((e) => e.name === 'local');
  if (!env) throw new LocalMeshError('stacks/environments.ts declares no `local` environment: restore it from git.');
  return env;
}

/** The broker port of an environment's first bootstrap address on loopback. */
export function loopbackPort(env: EnvironmentConfig): number {
  const m = /^(?:127\.0\.0\.1|localhost):(\d+)$/.exec(env.kafka.bootstrapServers[0] ?? '');
  if (!m) throw new LocalMeshError(`environment ${env.name}: the local mesh runs on loopback, but its bootstrap address is ${env.kafka.bootstrapServers[0]}; set it to 127.0.0.1:<port> in stacks/environments.ts.`);
  return Number(m[1]);
}

function usernameOf(principal: string): string {
  return principal.replace(/^User:/, '');
}

interface PostgresDaemon {
  readonly pid: number;
  readonly port: number;
}

function isPostgresDaemon(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres-daemon.mjs');
  } catch {
    return false;
  }
}

/** The running PostgreSQL daemon of the state folder, or undefined. */
export function runningPostgres(postgresDir: string): PostgresDaemon | undefined {
  try {
    const d = JSON.parse(readFileSync(join(postgresDir, 'daemon.json'), 'utf8')) as PostgresDaemon;
    return isPostgresDaemon(d.pid) ? d : undefined;
  } catch {
    return undefined;
  }
}

async function startPostgres(dir: string, port: number, password: string, portVariable: string | undefined): Promise<PostgresDaemon> {
  await assertPortFree(port, portVariable, 'PostgreSQL');
  mkdirSync(dir, { recursive: true, mode: 0o711 });
  rmSync(join(dir, 'daemon.json'), { force: true });
  rmSync(join(dir, 'daemon.error'), { force: true });
  const out = openSync(join(dir, 'postgres.log'), 'a');
  let exited = false;
  try {
    const child = spawn(process.execPath, [resolve(__dirname, 'postgres-daemon.mjs')], {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, MESH_PG_DIR: dir, MESH_PG_PORT: String(port), MESH_PG_PASSWORD: password },
    });
    child.on('exit', () => (exited = true));
    child.unref();
  } finally {
    closeSync(out);
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const running = runningPostgres(dir);
    if (running) return running;
    const error = join(dir, 'daemon.error');
    if (existsSync(error) || exited || Date.now() > deadline) {
      const why = existsSync(error) ? readFileSync(error, 'utf8').trim() : exited ? 'it exited' : 'no answer within 60 s';
      throw new LocalMeshError(`PostgreSQL did not start (${why}); see ${join(dir, 'postgres.log')}.`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Stops the PostgreSQL daemon of the state folder (SIGTERM: a clean shutdown); true when one ran. */
async function stopPostgres(postgresDir: string): Promise<boolean> {
  const pg = runningPostgres(postgresDir);
  if (!pg) return false;
  process.kill(pg.pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isPostgresDaemon(pg.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isPostgresDaemon(pg.pid)) process.kill(pg.pid, 'SIGKILL');
  return true;
}

async function ensureDatabase(url: string, database: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await c.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await c.end();
  }
}

/** Options of {@link meshUp}. */
export interface MeshUpOptions {
  /** The project root. */
  readonly root: string;
  /** The local environment. */
  readonly environment: EnvironmentConfig;
  /** Where `npm run synth` wrote (its `identities-local` stack names the principals). @default `<root>/cdktf.out` */
  readonly outdir?: string;
  readonly log?: MeshLog;
}

/** Starts what is not running, and (re)writes the connection file. */
export async function meshUp(o: MeshUpOptions): Promise<LocalConnection> {
  const log = o.log ?? consoleLog;
  const env = o.environment;
  const paths = localMeshPaths(o.root);
  const pg = env.postgres;
  if (!pg) throw new LocalMeshError(`environment ${env.name} has no postgres settings: restore the local environment in stacks/environments.ts.`);
  const port = loopbackPort(env);
  const previous = existsSync(paths.connectionFile) ? readConnection(paths.connectionFile) : undefined;
  const brokerPid = runningBrokerPid(paths.kafkaDir);
  const pgDaemon = runningPostgres(paths.postgresDir);
  if (brokerPid && pgDaemon && previous) {
    log.info(`contract-mesh: the local mesh is already running (Kafka ${previous.bootstrapServers.join(', ')}, PostgreSQL 127.0.0.1:${pgDaemon.port}); connection: ${paths.connectionFile}. \`npm run mesh:down\` stops it.`);
    return previous;
  }
  const hasKafkaData = existsSync(join(brokerFiles(paths.kafkaDir).dataDir, 'meta.properties'));
  const hasPgData = existsSync(paths.postgresDir);
  if (!previous && (hasKafkaData || hasPgData)) {
    throw new LocalMeshError(`${paths.stateDir} holds a mesh whose connection file (and so its admin password) is gone: run \`npm run mesh:down -- --reset\` to delete it, then \`npm run mesh:up\`.`);
  }
  const java = findJava();
  const kafka = await ensureKafka(o.root, java, (l) => log.info(l));
  // Traversable but not listable: the secrets inside are files of mode 0600 and folders of mode 0700, and the
  // database's folder must be reachable by the OS user PostgreSQL runs as (see postgres-daemon.mjs).
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o711 });
  chmodSync(join(o.root, '.mesh'), 0o711);
  chmodSync(paths.stateDir, 0o711);
  const adminPrincipal = env.kafka.adminPrincipal;
  const admin = previous?.admin ?? { principal: adminPrincipal, username: usernameOf(adminPrincipal), password: randomPassword() };
  if (admin.principal !== adminPrincipal) {
    throw new LocalMeshError(`the local mesh in ${paths.stateDir} was made for ${admin.principal}, but stacks/environments.ts now names ${adminPrincipal}: run \`npm run mesh:down -- --reset\`, then \`npm run mesh:up\`.`);
  }
  const pgPassword = previous ? decodeURIComponent(new URL(previous.postgres.url).password) : randomPassword();
  const started: string[] = [];
  let bootstrap = previous?.bootstrapServers[0];
  if (!brokerPid) {
    const t = Date.now();
    const broker = await startBroker({
      dir: paths.kafkaDir,
      port,
      controllerPort: await freePort(),
      portVariable: env.kafka.portVariable,
      admin,
      java,
      kafka,
      detached: true,
    });
    bootstrap = broker.bootstrap;
    copyFileSync(broker.caFile, paths.caFile);
    started.push(`Kafka ${kafka.version} on ${broker.bootstrap} (SASL_SSL, SCRAM-SHA-512; up in ${((Date.now() - t) / 1000).toFixed(1)} s; log ${broker.logFile})`);
  } else if (bootstrap !== `127.0.0.1:${port}`) {
    throw new LocalMeshError(`the running broker listens on ${bootstrap}, but the local environment says 127.0.0.1:${port}: run \`npm run mesh:down\`, then \`npm run mesh:up\` with the same MESH_KAFKA_PORT as \`npm run synth\`.`);
  }
  let pgPort = pgDaemon?.port;
  let url = '';
  try {
    if (!pgDaemon) {
      const d = await startPostgres(paths.postgresDir, pg.port, pgPassword, pg.portVariable);
      pgPort = d.port;
      started.push(`PostgreSQL 17 on 127.0.0.1:${d.port} (database ${pg.database}; log ${join(paths.postgresDir, 'postgres.log')})`);
    }
    url = `postgres://postgres:${encodeURIComponent(pgPassword)}@127.0.0.1:${pgPort}/${pg.database}`;
    await ensureDatabase(url, pg.database);
  } catch (err) {
    // Nothing half-started stays behind.
    if (!brokerPid) await stopBroker(paths.kafkaDir);
    if (!pgDaemon) await stopPostgres(paths.postgresDir);
    throw err instanceof LocalMeshError ? err : new LocalMeshError(`PostgreSQL did not accept the mesh's superuser login (${(err as Error).message}); see ${join(paths.postgresDir, 'postgres.log')}, or start afresh with \`npm run mesh:down -- --reset\`.`);
  }
  // A password for every principal the synthesized local stacks name (mesh:apply adds later ones).
  const principals: Record<string, PrincipalLogin> = { ...(previous?.principals ?? {}) };
  for (const principal of synthesizedPrincipals(o.outdir ?? join(o.root, 'cdktf.out'), env.name)) {
    principals[principal] ??= { username: usernameOf(principal), password: randomPassword() };
  }
  const connection: LocalConnection = {
    bootstrapServers: [bootstrap as string],
    securityProtocol: 'SASL_SSL',
    saslMechanism: 'SCRAM-SHA-512',
    caFile: paths.caFile,
    admin,
    principals,
    postgres: { url, logins: { ...(previous?.postgres.logins ?? {}) } },
  };
  writeConnection(paths.connectionFile, connection);
  for (const s of started) log.info(`contract-mesh: started ${s}`);
  log.info(`contract-mesh: the local mesh is up; connection: ${paths.connectionFile}. Next: \`npm run mesh:apply\`.`);
  return connection;
}

/** Options of {@link meshDown}. */
export interface MeshDownOptions {
  readonly root: string;
  /** Also delete the mesh's data (topics, database, passwords). @default false */
  readonly reset?: boolean;
  readonly log?: MeshLog;
}

/** Stops the broker and PostgreSQL (SIGTERM; each shuts down cleanly) and waits until both have exited. */
export async function meshDown(o: MeshDownOptions): Promise<void> {
  const log = o.log ?? consoleLog;
  const paths = localMeshPaths(o.root);
  const stopped: string[] = [];
  if (await stopBroker(paths.kafkaDir)) stopped.push('Kafka');
  if (await stopPostgres(paths.postgresDir)) stopped.push('PostgreSQL');
  log.info(stopped.length ? `contract-mesh: stopped ${stopped.join(' and ')}.` : 'contract-mesh: the local mesh is not running.');
  if (o.reset) {
    // The database may live in /tmp (see postgres-daemon.mjs); its folder is named in `home`.
    const homeFile = join(paths.postgresDir, 'home');
    const pgHome = existsSync(homeFile) ? readFileSync(homeFile, 'utf8').trim() : undefined;
    rmSync(paths.stateDir, { recursive: true, force: true });
    if (pgHome && /^\/tmp\/contract-mesh-pg-[0-9a-f]{12}$/.test(pgHome)) rmSync(pgHome, { recursive: true, force: true });
    log.info(`contract-mesh: deleted ${paths.stateDir} (topics, database, passwords).`);
  }
}
