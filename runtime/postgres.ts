/**
 * The sink's PostgreSQL connection: how it is configured, and what a failed
 * statement means — the record's fault (dead-letter it) or the database's
 * (pause, keep the offsets, retry).
 */
import { Client, type ClientConfig } from 'pg';

/** Where and as whom the sink connects. */
export interface PostgresConnection {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** The sink consumer's login role (`<domain>__<consumer>`). */
  readonly user: string;
  readonly password: string;
  /**
   * TLS: `false` for none, `'verify'` to verify the server's certificate against Node's trust store (set
   * `NODE_EXTRA_CA_CERTS` to the RDS CA bundle in the image), `'no-verify'` for encryption only.
   * @default - `false` on loopback, `'verify'` elsewhere
   */
  readonly tls?: false | 'verify' | 'no-verify';
}

/** True for a loopback host. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** A libpq `sslmode` (`PGSSLMODE`) as a {@link PostgresConnection.tls}. */
export function tlsOfSslMode(mode: string | undefined): PostgresConnection['tls'] | undefined {
  switch (mode) {
    case undefined:
    case '':
      return undefined;
    case 'disable':
      return false;
    case 'require':
    case 'prefer':
    case 'allow':
      return 'no-verify';
    case 'verify-ca':
    case 'verify-full':
      return 'verify';
    default:
      throw new Error(`PGSSLMODE=${mode} is not a libpq sslmode (disable, require, verify-ca, verify-full).`);
  }
}

/** The `pg` client configuration of a connection (timeouts bounded, so an outage is noticed). */
export function clientConfig(c: PostgresConnection, applicationName: string): ClientConfig {
  const tls = c.tls ?? (isLoopback(c.host) ? false : 'verify');
  return {
    host: c.host,
    port: c.port,
    database: c.database,
    user: c.user,
    password: c.password,
    ssl: tls === false ? false : { rejectUnauthorized: tls === 'verify' },
    application_name: applicationName.slice(0, 63),
    connectionTimeoutMillis: 10_000,
    query_timeout: 60_000,
    statement_timeout: 30_000,
    keepAlive: true,
  };
}

/** Opens a client; errors after connecting (the server went away) are kept, not thrown at the process. */
export async function openClient(c: PostgresConnection, applicationName: string): Promise<{ client: Client; broken: () => unknown }> {
  const client = new Client(clientConfig(c, applicationName));
  let error: unknown;
  client.on('error', (e) => (error = e));
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return { client, broken: () => error };
}

/** A PostgreSQL error's SQLSTATE, if it has one. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * True when the error is the record's fault — the database refused this one row's data and would refuse it
 * on every retry: data exceptions (22), integrity constraint violations (23), program limits such as an index
 * row too large (54). Anything else (no connection, no table, no permission, a serialization failure) is the
 * database's: the sink pauses and retries without committing.
 */
export function isRecordRefusal(err: unknown): boolean {
  const state = sqlState(err);
  return state !== undefined && /^(22|23|54)/.test(state) && state !== '23505' /* a unique violation cannot come from a record: the statements handle conflicts */;
}

/**
 * What to say about a refused row: the server's message for `public` and `internal` products; for `pii` and
 * `confidential` ones only the SQLSTATE, the column and the constraint (the message may quote the value).
 */
export function refusalMessage(err: unknown, withheld: boolean): string {
  const e = err as { message?: string; column?: string; constraint?: string };
  const state = sqlState(err) ?? '?';
  const where = [e.column ? `column ${e.column}` : '', e.constraint ? `constraint ${e.constraint}` : ''].filter(Boolean).join(', ');
  if (withheld) return `SQLSTATE ${state}${where ? ` (${where})` : ''}; the server's message is withheld, as it may quote the value`;
  return `${e.message ?? String(err)} (SQLSTATE ${state}${where ? `, ${where}` : ''})`;
}
