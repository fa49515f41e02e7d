/**
 * The migration function verifies the database's TLS certificate, proven against a real PostgreSQL 17
 * with ssl=on and a certificate signed by a CA made here with openssl: the CA the function is bundled
 * with connects; another CA is refused; without a bundle it refuses unless explicitly told not to verify.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleMigrationFunction } from '../../../constructs/migration-function-bundle';
import { connectDatabase, tlsOptions } from '../../../functions/migrate/handler';
import { startPostgres, type PgServer } from '../../support/postgres';

const work = mkdtempSync(join(tmpdir(), 'cm-tls-'));
const file = (name: string) => join(work, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: work, stdio: 'pipe' });

/** A self-signed CA: `<name>.crt`, `<name>.key`. */
function makeCa(name: string): string {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=contract-mesh test ${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  return readFileSync(file(`${name}.crt`), 'utf8');
}

let pg: PgServer;
let rightCa: string;
let wrongCa: string;
let database: { host: string; port: number; dbname: string };
let credentials: { username: string; password: string };
const bundles = mkdtempSync(join(tmpdir(), 'cm-tls-bundles-'));

beforeAll(async () => {
  rightCa = makeCa('right-ca');
  wrongCa = makeCa('wrong-ca');
  // The server's certificate, signed by the right CA, for the address the client connects to.
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(file('server.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'right-ca.crt', '-CAkey', 'right-ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'server.ext');
  pg = await startPostgres({ tls: { certFile: file('server.crt'), keyFile: file('server.key') } });
  const url = new URL(pg.url('postgres'));
  database = { host: '127.0.0.1', port: Number(url.port), dbname: 'postgres' };
  credentials = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
});
afterAll(async () => {
  await pg?.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(bundles, { recursive: true, force: true });
});

/** The function folder as synth bundles it, with `ca` as its CA bundle (or none). */
const functionFolder = (ca?: string) => bundleMigrationFunction([], ca, bundles);

async function tlsInUse(ssl: ReturnType<typeof tlsOptions>): Promise<boolean> {
  const c = await connectDatabase(database, credentials, ssl);
  try {
    return (await c.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0].ssl as boolean;
  } finally {
    await c.end();
  }
}

describe('TLS to the database (PostgreSQL 17, ssl=on, a CA made with openssl)', () => {
  it('connects, encrypted and verified, with the CA bundle that signs the server certificate', async () => {
    const ssl = tlsOptions(functionFolder(rightCa), {});
    expect(ssl).toMatchObject({ rejectUnauthorized: true });
    expect(await tlsInUse(ssl)).toBe(true);
  });

  it('fails to connect with a CA bundle that does not sign the server certificate', async () => {
    await expect(connectDatabase(database, credentials, tlsOptions(functionFolder(wrongCa), {}))).rejects.toThrow(/self[- ]signed certificate|unable to verify|unable to get local issuer/i);
  });

  it('fails to connect when the certificate does not name the host it connects to', async () => {
    // The same server and CA, but the client asks for another name (as a spoofed endpoint would present it).
    await expect(connectDatabase(database, credentials, { ...tlsOptions(functionFolder(rightCa), {}) as object, servername: 'mesh-prod.xyz.eu-west-1.rds.amazonaws.com' } as never)).rejects.toThrow(/does not match|altnames|Hostname\/IP/i);
  });

  it('refuses to connect without a CA bundle, and connects unverified only when told so explicitly', async () => {
    expect(() => tlsOptions(functionFolder(undefined), {})).toThrow(/refusing to connect to the database: no CA bundle/);
    const unverified = tlsOptions(functionFolder(undefined), { DB_TLS_VERIFY: 'false' });
    expect(unverified).toEqual({ rejectUnauthorized: false });
    expect(await tlsInUse(unverified)).toBe(true);
  });
});
