/**
 * `.mesh/local/connection.json`: how to reach the local mesh, as every
 * principal. Written by `npm run mesh:up` (and by `mesh:apply`, which adds
 * a password for each new principal and sink login), read by `mesh:apply`,
 * `mesh:plan`, the tests and a domain team's own integration tests.
 * Git-ignored, mode 0600: it holds every password of the local mesh.
 *
 * ```json
 * { "bootstrapServers": ["127.0.0.1:19092"], "securityProtocol": "SASL_SSL", "saslMechanism": "SCRAM-SHA-512",
 *   "caFile": "/…/.mesh/local/ca.pem",
 *   "admin": { "principal": "User:mesh-admin-local", "username": "mesh-admin-local", "password": "…" },
 *   "principals": { "User:payments-api": { "username": "payments-api", "password": "…" } },
 *   "postgres": { "url": "postgres://postgres:…@127.0.0.1:15432/mesh", "logins": { "payments_ledger_login": "…" } } }
 * ```
 */
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { writeAtomically } from '../contracts/build-cache';
import { connectKafka, type KafkaClient, type KafkaConnectionOptions } from '../runtime/kafka';
import { LocalMeshError } from './errors';

/** One SCRAM login. */
export interface PrincipalLogin {
  readonly username: string;
  readonly password: string;
}

/** The connection file's shape (documented in docs/local-mesh.md). */
export interface LocalConnection {
  readonly bootstrapServers: readonly string[];
  readonly securityProtocol: 'SASL_SSL';
  readonly saslMechanism: 'SCRAM-SHA-512';
  /** Absolute path of the CA certificate (PEM) the broker's certificate is signed by. */
  readonly caFile: string;
  /** The administrative identity: the only super user. */
  readonly admin: PrincipalLogin & { readonly principal: string };
  /** Every principal of the mesh, by `User:<name>`. */
  readonly principals: Readonly<Record<string, PrincipalLogin>>;
  readonly postgres: {
    /** The superuser's URL of the mesh database. */
    readonly url: string;
    /** Each sink login role's password, by role. */
    readonly logins: Readonly<Record<string, string>>;
  };
}

/** Reads and checks the connection file; the error names the command that writes it. */
export function readConnection(file: string): LocalConnection {
  if (!existsSync(file)) throw new LocalMeshError(`${file} does not exist: the local mesh is not running. Start it with \`npm run mesh:up\`.`);
  let c: Partial<LocalConnection>;
  try {
    c = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalConnection>;
  } catch (err) {
    throw new LocalMeshError(`${file} is not JSON (${(err as Error).message}): stop the mesh and start it again (\`npm run mesh:down -- --reset && npm run mesh:up\`).`);
  }
  const missing = (['bootstrapServers', 'caFile', 'admin', 'principals', 'postgres'] as const).filter((k) => c[k] === undefined);
  if (missing.length) throw new LocalMeshError(`${file} lacks ${missing.join(', ')}: stop the mesh and start it again (\`npm run mesh:down -- --reset && npm run mesh:up\`).`);
  return c as LocalConnection;
}

/** Writes the connection file atomically, readable by its owner only. */
export function writeConnection(file: string, c: LocalConnection): void {
  writeAtomically(file, `${JSON.stringify(c, null, 2)}\n`);
  chmodSync(file, 0o600);
}

/** The login of `principal` (`User:<name>`): the admin's or a mesh principal's. */
export function loginOf(c: LocalConnection, principal: string): PrincipalLogin {
  if (principal === c.admin.principal) return c.admin;
  const p = c.principals[principal];
  if (!p) throw new LocalMeshError(`${principal} has no password in the connection file: run \`npm run synth && npm run mesh:apply\` to create it.`);
  return p;
}

/** Client options to act as `principal` (default: the admin). */
export function kafkaOptions(c: LocalConnection, principal: string = c.admin.principal, extra: Partial<KafkaConnectionOptions> = {}): KafkaConnectionOptions {
  const login = loginOf(c, principal);
  return {
    brokers: c.bootstrapServers,
    caPem: readFileSync(c.caFile, 'utf8'),
    sasl: { mechanism: 'scram-sha-512', username: login.username, password: login.password },
    ...extra,
  };
}

/** A Kafka client acting as `principal` (default: the admin). */
export function connectAs(c: LocalConnection, principal: string = c.admin.principal, extra: Partial<KafkaConnectionOptions> = {}): KafkaClient {
  return connectKafka(kafkaOptions(c, principal, extra));
}
