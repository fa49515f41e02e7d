/**
 * The sink container's configuration: the environment variables and secrets
 * that the ECS deployment sets (constructs/aws/consumer-service.ts), and
 * nothing else.
 *
 * | variable | from |
 * |---|---|
 * | `KAFKA_BOOTSTRAP_SERVERS` | the SCRAM brokers, comma-separated |
 * | `KAFKA_SECURITY_PROTOCOL` | `SASL_SSL` (the only one the mesh uses) |
 * | `KAFKA_SASL_MECHANISM` | `SCRAM-SHA-512` |
 * | `KAFKA_USERNAME`, `KAFKA_PASSWORD` | the consumer principal's login (the password from Secrets Manager) |
 * | `KAFKA_TOPIC`, `KAFKA_DEAD_LETTER_TOPIC`, `KAFKA_GROUP_ID` | the product's topic, dead-letter topic and the consumer's group |
 * | `PG_HOST`, `PG_PORT`, `PG_DATABASE`, `PG_SCHEMA`, `PG_TABLE` | the database and the sink table |
 * | `PG_LOGIN` | the login secret's JSON (`{ "username", "password", … }`, from Secrets Manager) |
 *
 * Optional, standard: `NODE_EXTRA_CA_CERTS` (a CA bundle Node trusts besides its own, e.g. the RDS CA in the
 * image), `PGSSLMODE` (libpq's; default: TLS verified, except on loopback).
 */
import type { KafkaConnectionOptions } from './kafka';
import { RuntimeError } from './errors';
import { tlsOfSslMode, type PostgresConnection } from './postgres';

/** What the sink container is told. */
export interface SinkEnvironment {
  readonly kafka: KafkaConnectionOptions;
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly groupId: string;
  readonly postgres: PostgresConnection & { readonly schema: string; readonly table: string };
}

const REQUIRED = [
  'KAFKA_BOOTSTRAP_SERVERS', 'KAFKA_SECURITY_PROTOCOL', 'KAFKA_SASL_MECHANISM', 'KAFKA_USERNAME', 'KAFKA_PASSWORD',
  'KAFKA_TOPIC', 'KAFKA_DEAD_LETTER_TOPIC', 'KAFKA_GROUP_ID',
  'PG_HOST', 'PG_PORT', 'PG_DATABASE', 'PG_SCHEMA', 'PG_TABLE', 'PG_LOGIN',
] as const;

/** Reads the sink's configuration; the error names every variable that is missing or wrong. */
export function readSinkEnvironment(env: NodeJS.ProcessEnv = process.env): SinkEnvironment {
  const missing = REQUIRED.filter((name) => !env[name]?.trim());
  if (missing.length) {
    throw new RuntimeError(`the sink's environment lacks ${missing.join(', ')}: the ECS task definition of a sink consumer sets all of them (constructs/aws/consumer-service.ts); to run a sink locally use \`npm run sink -- <domain>/<name>@v<n> <consumer>\`.`);
  }
  const v = (name: (typeof REQUIRED)[number]) => (env[name] as string).trim();
  const wrong: string[] = [];
  if (v('KAFKA_SECURITY_PROTOCOL') !== 'SASL_SSL') wrong.push(`KAFKA_SECURITY_PROTOCOL is ${v('KAFKA_SECURITY_PROTOCOL')}, but the mesh's brokers take SASL_SSL only`);
  if (v('KAFKA_SASL_MECHANISM').toUpperCase() !== 'SCRAM-SHA-512') wrong.push(`KAFKA_SASL_MECHANISM is ${v('KAFKA_SASL_MECHANISM')}, but the mesh's principals log in with SCRAM-SHA-512`);
  const port = Number(v('PG_PORT'));
  if (!Number.isInteger(port) || port < 1 || port > 65535) wrong.push(`PG_PORT is ${JSON.stringify(v('PG_PORT'))}, not a port number`);
  let login: { username?: unknown; password?: unknown } = {};
  try {
    login = JSON.parse(v('PG_LOGIN')) as typeof login;
  } catch {
    wrong.push('PG_LOGIN is not JSON: it must be the login secret as the migration function writes it ({ "username": …, "password": … }), injected by ECS from Secrets Manager');
  }
  if (login && typeof login === 'object' && (typeof login.username !== 'string' || typeof login.password !== 'string')) {
    if (!wrong.some((w) => w.startsWith('PG_LOGIN'))) wrong.push('PG_LOGIN has no "username" and "password": it must be the sink login secret\'s JSON');
  }
  let tls: PostgresConnection['tls'] | undefined;
  try {
    tls = tlsOfSslMode(env.PGSSLMODE?.trim());
  } catch (err) {
    wrong.push((err as Error).message.replace(/\.$/, ''));
  }
  const brokers = v('KAFKA_BOOTSTRAP_SERVERS').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.some((b) => !/^[^\s:]+:\d+$/.test(b))) wrong.push(`KAFKA_BOOTSTRAP_SERVERS must be host:port[,host:port…], got ${JSON.stringify(v('KAFKA_BOOTSTRAP_SERVERS'))}`);
  if (wrong.length) throw new RuntimeError(`the sink's environment is wrong: ${wrong.join('; ')}.`);
  return {
    kafka: { brokers, sasl: { mechanism: 'scram-sha-512', username: v('KAFKA_USERNAME'), password: v('KAFKA_PASSWORD') } },
    topic: v('KAFKA_TOPIC'),
    deadLetterTopic: v('KAFKA_DEAD_LETTER_TOPIC'),
    groupId: v('KAFKA_GROUP_ID'),
    postgres: {
      host: v('PG_HOST'),
      port,
      database: v('PG_DATABASE'),
      schema: v('PG_SCHEMA'),
      table: v('PG_TABLE'),
      user: login.username as string,
      password: login.password as string,
      ...(tls !== undefined ? { tls } : {}),
    },
  };
}
