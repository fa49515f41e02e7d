/**
 * The broker dying in the middle of mesh:apply: the error lists what was applied, and running it again (once the
 * broker is back) finishes the job. This file starts a broker of its own (it kills it), from the run's jars.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { meshApply, type MeshApplyOptions } from '../../local-mesh/apply';
import { freePort, randomPassword, startBroker, type RunningBroker } from '../../local-mesh/broker';
import { writeConnection } from '../../local-mesh/connection';
import { synthesizeMesh } from '../../stacks/app';
import { dev, localEnvironment, prod } from '../../stacks/environments';
import { copyExampleContracts, FIXTURES } from '../helpers';
import { startPostgres, type PgServer } from '../support/postgres';
import { describeBroker } from '../support/broker';

const root = join(__dirname, '..', '..');

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
    port = await freePort();
    controllerPort = await freePort();
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

    await start();
    const second = await meshApply(options(() => undefined));
    expect(second.refused).toEqual([]);
    expect(second.applied.some((l) => /^\+ topic /.test(l))).toBe(true);
    expect(second.applied.filter((l) => /^\+ SCRAM credential/.test(l))).toEqual([]); // created by the first run, not again
    const plan = await meshApply({ ...options(() => undefined), dryRun: true });
    expect(plan.changes).toEqual([]);
  });
});
