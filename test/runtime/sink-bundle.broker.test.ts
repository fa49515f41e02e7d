/**
 * The sink container's program as ECS runs it: the bundle (`npm run
 * sink:bundle`) run with `node` alone, configured only by the environment the
 * task definition sets, in a read-only folder and with Node's permission
 * model refusing every write — against the real broker and PostgreSQL 17.
 * SIGTERM stops it cleanly; SIGKILL mid-stream loses and duplicates nothing;
 * bad configuration and a missing broker end it with a clear message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Client } from 'pg';
import { freePort } from '../../local-mesh/broker';
import { loginRoleName } from '../../contracts/sql/sink-tables';
import { createProducer } from '../../runtime/producer';
import { STORABLE, valueArb } from '../support/arbitrary';
import { describeBroker } from '../support/broker';
import { startPostgres, type PgServer } from '../support/postgres';
import { SINK_NODE_FLAGS } from '../../scripts/sink-bundle';
import { applyTestMesh, asSinkRow, bundleFor, canonicalJson, eventually, fixtureProducts, newTag, renamed, sinkRows, type TestMesh, type TestProduct } from '../support/runtime-mesh';

interface Run {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exit: Promise<number | null>;
}

describeBroker('the sink container program (the bundle)', (broker) => {
  const tag = newTag();
  const fixtures = fixtureProducts();
  const byId = (id: string) => fixtures.find((p) => p.compiled.id === id) as TestProduct;
  const append = renamed(byId('customers/consent-events@v1'), tag);
  const upsert = renamed(byId('payments/payment-events@v1'), tag);
  let pg: PgServer;
  let mesh: TestMesh;
  let db: Client;
  let work: string;
  let app: string;

  beforeAll(async () => {
    pg = await startPostgres();
    mesh = await applyTestMesh(broker(), pg, [append, upsert]);
    db = await pg.admin(mesh.database);
    work = mkdtempSync(join(tmpdir(), 'contract-mesh-sink-bundle-test-'));
    const bundle = bundleFor(join(work, 'build'), [append, upsert]);
    // The task's filesystem: the program alone, read-only.
    app = join(work, 'app');
    mkdirSync(app);
    copyFileSync(bundle, join(app, 'sink.js'));
    chmodSync(join(app, 'sink.js'), 0o444);
    chmodSync(app, 0o555);
  });
  afterAll(async () => {
    await db?.end();
    await mesh?.close();
    await pg?.stop();
    if (work) {
      chmodSync(app, 0o755);
      rmSync(work, { recursive: true, force: true });
    }
  });

  /** The environment ECS gives a sink task (constructs/aws/consumer-service.ts), pointed at the test mesh. */
  const taskEnv = (p: TestProduct, overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
    const c = p.compiled;
    const consumer = c.consumers.find((x) => x.sink)!;
    const kafka = mesh.kafkaAs(consumer.principal);
    const pgc = mesh.postgresAs(p, consumer.name);
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      NODE_EXTRA_CA_CERTS: broker().connection.caFile, // the image's extra CA (the broker's test CA here)
      KAFKA_BOOTSTRAP_SERVERS: kafka.brokers.join(','),
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_USERNAME: kafka.sasl.username,
      KAFKA_PASSWORD: kafka.sasl.password,
      KAFKA_TOPIC: c.topic,
      KAFKA_DEAD_LETTER_TOPIC: c.deadLetterTopic,
      KAFKA_GROUP_ID: consumer.group,
      PG_HOST: pgc.host,
      PG_PORT: String(pgc.port),
      PG_DATABASE: pgc.database,
      PG_SCHEMA: mesh.sinks.find((s) => s.table.product === c.id)!.table.schema.value,
      PG_TABLE: mesh.sinks.find((s) => s.table.product === c.id)!.table.table.value,
      PG_LOGIN: mesh.loginSecret(loginRoleName(c.domain, consumer.name)),
      ...overrides,
    };
    return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
  };

  /** `node sink.js` as the container runs it, with writes refused by Node's permission model. */
  const run = (env: NodeJS.ProcessEnv, args: string[] = []): Run => {
    const child = spawn(process.execPath, [...SINK_NODE_FLAGS, '--experimental-permission', '--allow-fs-read=*', '--no-warnings', 'sink.js', ...args], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output: () => out, exit };
  };

  const valid = (p: TestProduct, n: number, seed: number) =>
    fc.sample(valueArb(p.compiled.shape, STORABLE), { numRuns: n * 2, seed }).filter((v) => p.product.spec.schema.safeParse(v).success).slice(0, n);
  const produce = async (p: TestProduct, values: unknown[]) => {
    const producer = await createProducer(p.product, { connection: mesh.kafkaAs(p.compiled.producer.principal), lock: p.lock });
    try {
      for (let i = 0; i < values.length; i += 500) await producer.sendBatch(values.slice(i, i + 500));
    } finally {
      await producer.close();
    }
  };
  const sinkOf = (p: TestProduct) => mesh.sinks.find((s) => s.table.product === p.compiled.id)!;
  const committed = async (p: TestProduct) => {
    const group = p.compiled.consumers.find((c) => c.sink)!.group;
    return (await mesh.admin.withAdmin((a) => a.committedOffsets(group, p.compiled.topic))).reduce((n, o) => n + Math.max(0, Number(o.offset)), 0);
  };

  it('runs from the bundle alone, in a read-only folder with every write refused, and stops on SIGTERM after committing', async () => {
    const before = readdirSync(app);
    await produce(append, valid(append, 50, 1));
    const r = run(taskEnv(append));
    try {
      await eventually('50 rows', async () => (await sinkRows(db, sinkOf(append))).length === 50, 60_000);
      await eventually('50 offsets committed', async () => (await committed(append)) === 50);
    } finally {
      // Twice, as a terminal's Ctrl-C reaches a process through every wrapper (npm, tsx): it stops once, says so once.
      r.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 20)); // two signals sent at once arrive as one
      r.child.kill('SIGTERM');
    }
    const t0 = Date.now();
    expect(await r.exit).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.output().match(/SIGTERM: finishing the in-flight work, committing and leaving group/g)).toHaveLength(1);
    expect(r.output()).toMatch(/stopped: committed and left group/);
    expect(r.output()).not.toMatch(/ERR_ACCESS_DENIED|EROFS|EACCES/);
    expect(readdirSync(app)).toEqual(before);
  });

  it('loses and duplicates nothing when killed (SIGKILL) mid-stream and restarted: append keeps every record once, upsert the latest of each key', async () => {
    // Append: 4,000 records. Upsert: 200 keys, 8 versions each, produced in order.
    const records = valid(append, 4000, 2);
    const keys = valid(upsert, 200, 3);
    const versions = Array.from({ length: 8 }, (_, i) => valid(upsert, 200, 10 + i).map((v, k) => ({ ...v, [upsert.compiled.key]: keys[k][upsert.compiled.key] })));
    const appendBefore = (await sinkRows(db, sinkOf(append))).length;
    const upsertBefore = await committed(upsert);
    const tableOf = (p: TestProduct) => `"${sinkOf(p).table.schema.value}"."${sinkOf(p).table.table.value}"`;
    // The first half is written and committed by the first sinks.
    await produce(append, records.slice(0, 2000));
    await produce(upsert, versions.slice(0, 4).flat());
    const first = [run(taskEnv(append)), run(taskEnv(upsert))];
    await eventually('the first half committed', async () => (await committed(append)) === appendBefore + 2000 && (await committed(upsert)) === upsertBefore + 800, 60_000);
    // Then the tables are locked against writes and the second half produced: each sink's next batch transaction
    // waits on the lock (PostgreSQL shows it in pg_stat_activity), and the sink is killed there, mid-transaction.
    const waiting = async (p: TestProduct) => {
      const consumer = p.compiled.consumers.find((c) => c.sink)!.name;
      const { rows } = await db.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND xact_start IS NOT NULL AND wait_event_type = 'Lock'`, [`contract-mesh sink ${consumer}`]);
      return Number(rows[0].n) > 0;
    };
    const locker = await pg.admin(mesh.database);
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${tableOf(append)}, ${tableOf(upsert)} IN EXCLUSIVE MODE`);
      await produce(append, records.slice(2000));
      await produce(upsert, versions.slice(4).flat());
      await Promise.all([append, upsert].map(async (p, i) => {
        await eventually(`a batch transaction of ${p.compiled.id} waiting on the lock`, () => waiting(p), 60_000);
        first[i].child.kill('SIGKILL');
      }));
      expect(await Promise.all(first.map((r) => r.exit))).toEqual([null, null]);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    const partial = (await sinkRows(db, sinkOf(append))).length - appendBefore;
    const second = [run(taskEnv(append)), run(taskEnv(upsert))];
    try {
      await eventually('both sinks joined their groups again', () => second.every((r) => /joined group/.test(r.output())), 60_000);
      await eventually('every append record', async () => (await committed(append)) === appendBefore + 4000, 90_000);
      await eventually('every upsert record', async () => (await committed(upsert)) === upsertBefore + 1600, 90_000);
    } finally {
      for (const r of second) r.child.kill('SIGTERM');
    }
    expect(await Promise.all(second.map((r) => r.exit))).toEqual([0, 0]);
    expect(partial).toBe(2000); // killed mid-stream: the first half written, the second half's transaction lost

    const rows = (await sinkRows(db, sinkOf(append))).slice(appendBefore);
    expect(rows).toHaveLength(4000);
    expect(rows.map((r) => canonicalJson(r.record)).sort()).toEqual(records.map((v) => canonicalJson(asSinkRow(append, v))).sort());

    const upserted = await sinkRows(db, sinkOf(upsert));
    expect(upserted).toHaveLength(200);
    const last = new Map(versions[7].map((v) => [String(v[upsert.compiled.key]).toLowerCase(), v]));
    for (const row of upserted) {
      const v = last.get(String(row.record[upsert.compiled.key]));
      expect(row.record.occurredAt).toBe(new Date(v?.occurredAt as string).toISOString());
      expect(row.record.amountMinor).toBe(Number(v?.amountMinor));
    }
  });

  it('names every missing variable, and what exists when the topic or group is not the mesh\'s', async () => {
    const missing = run(taskEnv(append, { KAFKA_PASSWORD: undefined, PG_LOGIN: undefined, PG_TABLE: '' }));
    expect(await missing.exit).toBe(1);
    expect(missing.output()).toMatch(/the sink's environment lacks KAFKA_PASSWORD, PG_TABLE, PG_LOGIN/);
    expect(missing.output()).not.toMatch(/\n\s+at /); // no stack trace

    const topic = run(taskEnv(append, { KAFKA_TOPIC: 'customers.consent-event.v1' }));
    expect(await topic.exit).toBe(1);
    expect(topic.output()).toContain(`no product of this build has the topic "customers.consent-event.v1". The topics are: ${[append, upsert].map((p) => p.compiled.topic).sort().join(', ')}.`);

    const group = run(taskEnv(upsert, { KAFKA_GROUP_ID: `${upsert.compiled.topic}.fraud-scoring` }));
    expect(await group.exit).toBe(1);
    expect(group.output()).toMatch(/consumer fraud-scoring declares no sink, so there is nothing to write\. Its sink consumers are: ledger/);

    const login = run(taskEnv(append, { PG_LOGIN: 'hunter2' }));
    expect(await login.exit).toBe(1);
    expect(login.output()).toMatch(/PG_LOGIN is not JSON/);
    expect(login.output()).not.toContain('hunter2');
  });

  it('retries with backoff when no broker answers, then exits non-zero saying so', async () => {
    const port = await freePort();
    // One attempt is KafkaJS's own connect with its retries (about 6–7 s against a closed port, longer on a busy
    // machine): 20 s leave room for the sink's own retry after it.
    const r = run(taskEnv(append, { KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${port}` }), ['--startup-timeout-seconds', '20']);
    const t0 = Date.now();
    expect(await r.exit).toBe(1);
    expect(Date.now() - t0).toBeGreaterThan(3000);
    expect(r.output()).toMatch(/Kafka is not reachable yet .*retrying in/);
    expect(r.output()).toMatch(/no Kafka broker answered for \d+ s .*KAFKA_BOOTSTRAP_SERVERS/);
  });
});
