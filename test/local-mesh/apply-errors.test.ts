/** mesh:apply / mesh:plan on bad input, before any broker is contacted: one line naming the command to run. */
import { createServer, type Server } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { meshApply, type MeshApplyOptions } from '../../local-mesh/apply';
import { assertPortFree } from '../../local-mesh/broker';
import { writeConnection } from '../../local-mesh/connection';
import { synthesizeMesh } from '../../stacks/app';
import { dev, localEnvironment, prod } from '../../stacks/environments';
import { copyExampleContracts, FIXTURES } from '../helpers';

const root = join(__dirname, '..', '..');
const quiet = { info: () => undefined, error: (m: string) => { throw new Error(m); } };
const local = localEnvironment({});

describe('mesh:apply on bad input', () => {
  let work: string;
  let products: string;
  let connectionFile: string;
  const options = (over: Partial<MeshApplyOptions> = {}): MeshApplyOptions => ({
    root: work,
    environment: local,
    outdir: join(work, 'cdktf.out'),
    connectionFile,
    sources: [products, join(work, 'locks')],
    log: { info: () => undefined },
    ...over,
  });

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'contract-mesh-apply-errors-'));
    products = copyExampleContracts(work);
    connectionFile = join(work, '.mesh', 'local', 'connection.json');
    expect(synthesizeMesh({ productsDir: products, outdir: join(work, 'cdktf.out'), root, retiredFile: join(FIXTURES, 'retired.json'), environments: [dev, prod, local], log: quiet })).toBe(0);
    expect(synthesizeMesh({ productsDir: products, outdir: join(work, 'no-local'), root, retiredFile: join(FIXTURES, 'retired.json'), environments: [dev, prod], log: quiet })).toBe(0);
    expect(synthesizeMesh({ productsDir: products, outdir: join(work, 'partial'), root, retiredFile: join(FIXTURES, 'retired.json'), environments: [dev, prod, local], domains: ['payments'], log: quiet })).toBe(0);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('fails without a connection file (no mesh running), naming mesh:up', async () => {
    await expect(meshApply(options())).rejects.toThrow(/^.*connection\.json does not exist: the local mesh is not running\. Start it with `npm run mesh:up`\.$/);
  });

  describe('with a connection file', () => {
    beforeAll(() => {
      mkdirSync(join(work, '.mesh', 'local'), { recursive: true });
      writeConnection(connectionFile, {
        bootstrapServers: ['127.0.0.1:19092'], securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', caFile: join(work, 'ca.pem'),
        admin: { principal: 'User:mesh-admin-local', username: 'mesh-admin-local', password: 'x' }, principals: {}, postgres: { url: 'postgres://postgres:x@127.0.0.1:1/mesh', logins: {} },
      });
    });

    it('fails without cdktf.out, naming synth', async () => {
      await expect(meshApply(options({ outdir: join(work, 'nothing') }))).rejects.toThrow(/^there are no synthesized stacks in nothing: run `npm run synth` first\.$/);
    });

    it('fails when cdktf.out has no local stacks, naming synth', async () => {
      await expect(meshApply(options({ outdir: join(work, 'no-local') }))).rejects.toThrow(/^no-local has no local stacks \(it was synthesized without the local environment\): run `npm run synth`\.$/);
    });

    it('fails when synth was limited by MESH_DOMAINS (the other stacks are placeholders), naming the variable', async () => {
      await expect(meshApply(options({ outdir: join(work, 'partial') }))).rejects.toThrow(/^partial was synthesized with MESH_DOMAINS=payments, and mesh:apply needs every local stack \(identities-local holds every principal\): run `npm run synth` without MESH_DOMAINS/);
      await expect(meshApply(options({ outdir: join(work, 'partial'), dryRun: true }))).rejects.toThrow(/MESH_DOMAINS=payments/);
    });

    it('fails when the stacks are older than the contracts or locks, naming synth', async () => {
      const lock = join(work, 'locks', 'orders', 'order-state.v1.lock.json');
      const later = new Date(Date.now() + 60_000);
      utimesSync(lock, later, later);
      try {
        await expect(meshApply(options())).rejects.toThrow(/^the synthesized stacks are older than locks\/orders\/order-state\.v1\.lock\.json: run `npm run synth`, then this command again\.$/);
        writeFileSync(join(products, 'orders', 'new-product.ts'), '// a product being written\n');
        utimesSync(join(products, 'orders', 'new-product.ts'), later, later);
        await expect(meshApply(options({ sources: [products] }))).rejects.toThrow(/older than products\/orders\/new-product\.ts: run `npm run synth`/);
      } finally {
        rmSync(join(products, 'orders', 'new-product.ts'), { force: true });
        utimesSync(lock, new Date(0), new Date(0));
      }
    });

    it('fails when the stacks and the running mesh disagree on the port, naming the variable', async () => {
      await expect(meshApply(options({ connectionFile: (() => {
        const f = join(work, 'other', 'connection.json');
        mkdirSync(join(work, 'other'), { recursive: true });
        writeConnection(f, { ...require(connectionFile), bootstrapServers: ['127.0.0.1:29092'] });
        return f;
      })() }))).rejects.toThrow(/^the synthesized stacks connect to 127\.0\.0\.1:19092, but the running mesh listens on 127\.0\.0\.1:29092: synthesize and start the mesh with the same MESH_KAFKA_PORT/);
    });
  });
});

describe('a port in use', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('fails with an error naming the variable that moves it', async () => {
    await expect(assertPortFree(port, 'MESH_KAFKA_PORT')).rejects.toThrow(new RegExp(`^port ${port} on 127\\.0\\.0\\.1 is in use, so the Kafka broker cannot listen there: set MESH_KAFKA_PORT to a free port`));
    await expect(assertPortFree(port, 'MESH_POSTGRES_PORT', 'PostgreSQL')).rejects.toThrow(/so PostgreSQL cannot listen there: set MESH_POSTGRES_PORT/);
  });
});
