/**
 * The broker dying in the middle of mesh:apply: the error lists what was applied, and running it again (once the
 * broker is back) finishes the job. This file starts a broker of its own (it kills it), from the run's jars.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { meshApply, type MeshApplyOptions } from '../../local-mesh/apply';
import { createServer } from 'node:net';
import { randomPassword, startBroker, type RunningBroker } from '../../local-mesh/broker';
import { writeConnection } from '../../local-mesh/connection';
import { synthesizeMesh } from '../../stacks/app';
import { dev, localEnvironment, prod } from '../../stacks/environments';
import { copyExampleContracts, FIXTURES } from '../helpers';
import { startPostgres, type PgServer } from '../support/postgres';
import { describeBroker } from '../support/broker';

const root = join(__dirname, '..', '..');

/**
 * A free port below Linux's ephemeral range (32768-60999): the broker restarts on the same port, which an outgoing
 * connection's local port from that range could otherwise take in between.
 */
async function stablePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise<boolean>((r) => {
      const s = createServer();
      s.once('error', () => r(false));
      s.listen(port, '127.0.0.1', () => s.close(() => r(true)));
    });
    if (free) return port;
  }
}

/** Waits until `pid` has exited. */
async function gone(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeBroker('mesh:apply when the broker dies half-way', (shared) => {
  let work: string;
  let broker: RunningBroker | undefined;
  let pg: PgServer;
  const admin = { username: 'mesh-admin-local', password: randomPassword() };
  let port: number;
  let controllerPort: number;
  const start = async () => {
    broker = await startBroker({ dir: join(work, 'kafka'), port, controllerPort, admin, java: shared().java, kafka: shared().kafka, heapMb: 384 });
    return broker;
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'contract-mesh-interrupted-'));
    port = await stablePort();
    controllerPort = await stablePort();
    await start();
    pg = await startPostgres();
    const c = await pg.admin();
    await c.query('CREATE DATABASE mesh');
    await c.end();
  });
  afterAll(async () => {
    await broker?.stop();
    await pg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('says what it applied before the broker went, and a second run finishes', async () => {
    const products = copyExampleContracts(work);
    const env = localEnvironment({ MESH_KAFKA_PORT: String(port) });
    const outdir = join(work, 'cdktf.out');
    expect(synthesizeMesh({ productsDir: products, outdir, root, retiredFile: join(FIXTURES, 'retired.json'), environments: [dev, prod, env], log: { info: () => undefined, error: (m) => { throw new Error(m); } } })).toBe(0);
    mkdirSync(join(work, '.mesh'), { recursive: true });
    const connectionFile = join(work, '.mesh', 'connection.json');
    writeConnection(connectionFile, {
      bootstrapServers: [`127.0.0.1:${port}`], securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', caFile: (broker as RunningBroker).caFile,
      admin: { principal: `User:${admin.username}`, ...admin }, principals: {}, postgres: { url: pg.url('mesh'), logins: {} },
    });
    const lines: string[] = [];
    const options = (log: (l: string) => void): MeshApplyOptions => ({
      root: work, environment: env, outdir, connectionFile, sources: [], tools: { java: shared().java, kafka: shared().kafka }, log: { info: log },
    });
    let stepsSeen = 0;
    const first = await meshApply(options((l) => {
      lines.push(l);
      // After a few topics exist, the broker dies (SIGKILL: no clean shutdown).
      if (/^\s+\+ topic /.test(l) && ++stepsSeen === 3) process.kill((broker as RunningBroker).pid, 'SIGKILL');
    })).then(() => undefined, (e: Error) => e);
    expect(first).toBeInstanceOf(Error);
    const message = (first as Error).message;
    expect(message).toMatch(/^mesh:apply stopped: /);
    expect(message).toMatch(/Applied before it stopped \(\d+\):\n(\s+\+ SCRAM credential .*\n)+(\s+\+ topic .*\n){3}/);
    expect(message).toMatch(/Running `npm run mesh:apply` again is safe: it applies only what is still missing \(start the mesh first if it is down: `npm run mesh:up`\)\.$/);

    await gone((broker as RunningBroker).pid);
    await start();
    const second = await meshApply(options(() => undefined));
    expect(second.refused).toEqual([]);
    expect(second.applied.some((l) => /^\+ topic /.test(l))).toBe(true);
    expect(second.applied.filter((l) => /^\+ SCRAM credential/.test(l))).toEqual([]); // created by the first run, not again
    const plan = await meshApply({ ...options(() => undefined), dryRun: true });
    expect(plan.changes).toEqual([]);
  });
});
