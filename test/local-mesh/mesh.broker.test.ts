/**
 * The proof against a real Kafka 3.7 broker (the run's one, see
 * test/support/broker-global.ts) and a real PostgreSQL 17: the fixture
 * products are synthesized with a `local` environment pointing at the test
 * broker, applied with `mesh:apply`, then checked
 *   1. topic by topic (partitions, replication, every config value and its source),
 *   2. principal by principal with real clients (what each may and may not do),
 *   3. plan/apply round trips (no change; drift reset; partitions grown; ACLs restored),
 *   4. sink tables, roles and logins in PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { EnvironmentConfig } from '../../contracts/environment';
import { meshApply, type MeshApplyOptions, type MeshApplyResult } from '../../local-mesh/apply';
import { connectAs, readConnection, writeConnection, type LocalConnection } from '../../local-mesh/connection';
import { desiredState, type DesiredState } from '../../local-mesh/desired';
import { readLocalStacks } from '../../local-mesh/apply';
import type { KafkaClient, KafkaClientError } from '../../runtime/kafka';
import { synthesizeMesh } from '../../stacks/app';
import { dev, localEnvironment, prod } from '../../stacks/environments';
import { copyExampleContracts, FIXTURES } from '../helpers';
import { startPostgres, type PgServer } from '../support/postgres';
import { describeBroker } from '../support/broker';

const root = join(__dirname, '..', '..');
const quiet = { info: () => undefined, error: (m: string) => { throw new Error(m); } };

interface ManifestProduct {
  id: string;
  topic: string;
  deadLetterTopic: string;
  replayGroup: string;
  producer: { principal: string };
  owner: { principal?: string };
  consumers: Array<{ name: string; principal: string; group: string }>;
}

describeBroker('the local mesh on a real broker', (broker) => {
  let work: string;
  let products: string;
  let outdir: string;
  let env: EnvironmentConfig;
  let connectionFile: string;
  let pg: PgServer;
  let manifest: ManifestProduct[];
  let desired: DesiredState;
  const logs: string[] = [];
  const clients: KafkaClient[] = [];

  const synth = () => {
    expect(synthesizeMesh({ productsDir: products, outdir, root, retiredFile: join(FIXTURES, 'retired.json'), environments: [dev, prod, env], log: quiet })).toBe(0);
    manifest = JSON.parse(readFileSync(join(outdir, 'mesh-manifest.json'), 'utf8')).products;
    const read = desiredState(readLocalStacks({ root: work, outdir, environment: env, sources: [] }));
    desired = read.state as DesiredState;
  };
  const options = (over: Partial<MeshApplyOptions> = {}): MeshApplyOptions => ({
    root: work,
    environment: env,
    outdir,
    connectionFile,
    sources: [products, join(work, 'locks'), join(work, 'migrations')],
    tools: { java: broker().java, kafka: broker().kafka },
    log: { info: (l) => logs.push(l) },
    ...over,
  });
  const apply = (over: Partial<MeshApplyOptions> = {}): Promise<MeshApplyResult> => meshApply(options(over));
  const plan = (over: Partial<MeshApplyOptions> = {}): Promise<MeshApplyResult> => meshApply(options({ dryRun: true, ...over }));
  const conn = (): LocalConnection => readConnection(connectionFile);
  /** A client acting as `principal` (refusals are never retried; a coordinator still being elected is). */
  const as = (principal: string): KafkaClient => {
    const c = connectAs(conn(), principal, { retries: 3, clientId: `proof-${principal.replace(/\W/g, '-')}` });
    clients.push(c);
    return c;
  };
  const admin = () => as(conn().admin.principal);
  const typeOf = (e: unknown) => (e as KafkaClientError).type;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'contract-mesh-local-'));
    products = copyExampleContracts(work);
    outdir = join(work, 'cdktf.out');
    const port = broker().connection.bootstrapServers[0].split(':')[1];
    env = localEnvironment({ MESH_KAFKA_PORT: port });
    pg = await startPostgres();
    const c = await pg.admin();
    await c.query('CREATE DATABASE mesh');
    await c.end();
    connectionFile = join(work, '.mesh', 'local', 'connection.json');
    mkdirSync(join(work, '.mesh', 'local'), { recursive: true });
    writeConnection(connectionFile, { ...broker().connection, postgres: { url: pg.url('mesh'), logins: {} } });
    synth();
    const r = await apply();
    expect(r.refused).toEqual([]);
    // One record in every topic and dead-letter topic, written by the admin, so each read below has something to read.
    const seed = await admin().producer();
    for (const t of desired.topics) await seed.send(t.name, [{ key: 'seed', value: 'seed' }]);
    await seed.disconnect();
  });
  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    await pg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('1. creates every topic and dead-letter topic with exactly its synthesized partitions, replication and config (values and sources read back)', async () => {
    expect(desired.topics.length).toBe(2 * manifest.length);
    await admin().withAdmin(async (a) => {
      const described = new Map((await a.describeTopics(desired.topics.map((t) => t.name))).map((t) => [t.name, t]));
      const configs = await a.describeTopicConfigs(desired.topics.map((t) => t.name));
      for (const t of desired.topics) {
        expect({ name: t.name, partitions: described.get(t.name)?.partitions, replicas: [...new Set(described.get(t.name)?.replicasPerPartition)] }).toEqual({ name: t.name, partitions: t.partitions, replicas: [t.replicationFactor] });
        const entries = configs.get(t.name) ?? [];
        const setOnTopic = Object.fromEntries(entries.filter((e) => e.source === 'DYNAMIC_TOPIC_CONFIG').map((e) => [e.name, e.value]));
        expect({ topic: t.name, config: setOnTopic }).toEqual({ topic: t.name, config: t.config });
      }
      // The broker agrees with the contract-derived plan (not only with the stacks): replication 1, min ISR 1, dev's partitions.
      const lock = JSON.parse(readFileSync(join(work, 'locks', 'payments', 'payment-events.v1.lock.json'), 'utf8'));
      expect(described.get('payments.payment-events.v1')?.partitions).toBe(lock.partitions.dev.current);
      expect(configs.get('payments.payment-events.v1')?.find((e) => e.name === 'min.insync.replicas')).toMatchObject({ value: '1', source: 'DYNAMIC_TOPIC_CONFIG' });
    });
  });

  /** Consumes one record of `topic` in `group` as `client`, commits past it, and returns it. */
  async function consumeAndCommit(client: KafkaClient, group: string, topic: string) {
    const consumer = await client.consumer({ groupId: group, topics: [topic] });
    let got!: (r: { partition: number; offset: string; key: Buffer | null }) => void;
    const first = new Promise<{ partition: number; offset: string; key: Buffer | null }>((r) => (got = r));
    try {
      await consumer.run(async (rec) => got(rec));
      const rec = await Promise.race([first, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`no record of ${topic} within 30 s`)), 30_000))]);
      await consumer.commit([{ topic, partition: rec.partition, offset: String(Number(rec.offset) + 1) }]);
      return rec;
    } finally {
      await consumer.stop();
    }
  }

  /** The error type of consuming `topic` in `group` as `client` (undefined when it worked). */
  async function consumeError(client: KafkaClient, group: string, topic: string): Promise<string | undefined> {
    const consumer = await client.consumer({ groupId: group, topics: [topic] }).catch((e: unknown) => e as Error);
    if (consumer instanceof Error) return typeOf(consumer);
    try {
      await consumer.run(async () => undefined);
      // Joined: a topic the principal may not read is refused by the first metadata or fetch request after the join.
      return await Promise.race([consumer.stopped.then(() => undefined), new Promise<undefined>((r) => setTimeout(() => r(undefined), 3_000))]);
    } catch (e) {
      return typeOf(e);
    } finally {
      await consumer.stop();
    }
  }

  /** The error type of producing to `topic` as `client` (undefined when it worked). */
  async function produceError(client: KafkaClient, topic: string): Promise<string | undefined> {
    try {
      const p = await client.producer();
      try {
        await p.send(topic, [{ key: 'probe', value: 'probe' }]);
        return undefined;
      } finally {
        await p.disconnect();
      }
    } catch (e) {
      return typeOf(e);
    }
  }

  /** Grants `principal` Read on a throw-away group, so that a topic read is refused by the topic's ACL alone. */
  async function probeGroup(principal: string): Promise<string> {
    const group = `probe.${randomBytes(4).toString('hex')}`;
    await admin().withAdmin((a) => a.createAcls([{ principal, host: '*', operation: 'Read', permissionType: 'Allow', resourceType: 'Group', resourceName: group, patternType: 'Literal' }]));
    return group;
  }

  const AUTH_REFUSED = /^(TOPIC|GROUP|CLUSTER)_AUTHORIZATION_FAILED$/;

  describe('2. real clients, authenticated as each principal', () => {
    it('the producer writes its topic and dead-letter topic (acks=all, idempotent) and reads the topic only if it is also a consumer', async () => {
      for (const p of manifest) {
        const producer = as(p.producer.principal);
        const sender = await producer.producer();
        await sender.send(p.topic, [{ key: `${p.id}-key`, value: 'proof', headers: { 'contract-mesh-product': p.id } }]);
        await sender.send(p.deadLetterTopic, [{ key: `${p.id}-key`, value: 'dead letter', headers: { 'contract-mesh-error': 'proof' } }]);
        await sender.disconnect();
        const alsoConsumer = p.consumers.some((c) => c.principal === p.producer.principal);
        const read = await consumeError(producer, await probeGroup(p.producer.principal), p.topic);
        expect({ product: p.id, read }).toEqual({ product: p.id, read: alsoConsumer ? undefined : 'TOPIC_AUTHORIZATION_FAILED' });
      }
    });

    it('each consumer joins its own group, consumes, commits and writes the dead-letter topic; it may not produce to the topic, join another consumer\'s group or read a product that does not name it', async () => {
      for (const p of manifest) {
        for (const c of p.consumers) {
          const client = as(c.principal);
          const rec = await consumeAndCommit(client, c.group, p.topic);
          const committed = await admin().withAdmin((a) => a.committedOffsets(c.group, p.topic));
          expect(committed.find((o) => o.partition === rec.partition)?.offset).toBe(String(Number(rec.offset) + 1));
          expect({ consumer: c.group, dlq: await produceError(client, p.deadLetterTopic) }).toEqual({ consumer: c.group, dlq: undefined });
          const producesTopic = manifest.some((q) => q.topic === p.topic && q.producer.principal === c.principal);
          expect({ consumer: c.group, produce: await produceError(client, p.topic) }).toEqual({ consumer: c.group, produce: producesTopic ? undefined : 'TOPIC_AUTHORIZATION_FAILED' });
          // Another consumer's group, of this product or any other, unless the same principal holds it.
          const others = manifest.flatMap((q) => q.consumers).filter((o) => o.principal !== c.principal);
          for (const o of others.slice(0, 2)) {
            expect({ consumer: c.group, joins: o.group, error: await consumeError(client, o.group, p.topic) }).toEqual({ consumer: c.group, joins: o.group, error: 'GROUP_AUTHORIZATION_FAILED' });
          }
          // The topic of every product that does not name this principal as a consumer.
          const probe = await probeGroup(c.principal);
          for (const q of manifest.filter((x) => !x.consumers.some((y) => y.principal === c.principal) && x.producer.principal !== c.principal)) {
            expect({ consumer: c.group, reads: q.topic, error: await consumeError(client, probe, q.topic) }).toEqual({ consumer: c.group, reads: q.topic, error: 'TOPIC_AUTHORIZATION_FAILED' });
          }
        }
      }
    });

    it('the owner reads the dead-letter topic in the replay group, and nothing else of the product', async () => {
      for (const p of manifest.filter((x) => x.owner.principal)) {
        const owner = as(p.owner.principal as string);
        await consumeAndCommit(owner, p.replayGroup, p.deadLetterTopic);
        const isConsumer = p.consumers.some((c) => c.principal === p.owner.principal);
        if (!isConsumer) expect({ owner: p.id, topic: await consumeError(owner, p.replayGroup, p.topic) }).toEqual({ owner: p.id, topic: 'TOPIC_AUTHORIZATION_FAILED' });
        if (p.producer.principal !== p.owner.principal) {
          expect(await produceError(owner, p.deadLetterTopic)).toMatch(AUTH_REFUSED);
          expect(await produceError(owner, p.topic)).toMatch(AUTH_REFUSED);
        }
      }
    });

    it('no mesh principal can create, delete or alter a topic', async () => {
      const principals = Object.keys(conn().principals);
      expect(principals.length).toBe(desired.credentials.length);
      for (const principal of principals) {
        const own = manifest.find((p) => p.producer.principal === principal)?.topic ?? manifest[0].topic;
        const errors = await as(principal).withAdmin(async (a) => ({
          create: await a.createTopics([{ name: `forbidden.${randomBytes(3).toString('hex')}`, partitions: 1, replicationFactor: 1, config: {} }]).then(() => 'created', typeOf),
          delete: await a.deleteTopics([own]).then(() => 'deleted', typeOf),
          alter: await a.replaceTopicConfig(own, { 'retention.ms': '1' }).then(() => 'altered', typeOf),
          grow: await a.createPartitions(own, 64).then(() => 'grown', typeOf),
        }));
        expect({ principal, create: errors.create, delete: errors.delete, alter: errors.alter, grow: errors.grow }).toEqual({
          principal,
          create: expect.stringMatching(AUTH_REFUSED),
          delete: 'TOPIC_AUTHORIZATION_FAILED',
          alter: expect.stringMatching(AUTH_REFUSED),
          grow: expect.stringMatching(AUTH_REFUSED),
        });
      }
      // And nothing changed: the plan is still empty.
      expect((await plan()).changes).toEqual([]);
    });
  });

  describe('3. plan and apply', () => {
    it('plans no change right after apply, and says so', async () => {
      logs.length = 0;
      const r = await plan();
      expect(r.changes).toEqual([]);
      expect(logs.join('\n')).toMatch(/no changes/);
    });

    it('shows a topic config changed behind the mesh\'s back, and apply resets it', async () => {
      const t = desired.topics.find((x) => x.config['retention.ms']) as DesiredState['topics'][number];
      await admin().withAdmin((a) => a.replaceTopicConfig(t.name, { ...t.config, 'retention.ms': '1000', 'segment.ms': '60000' }));
      const drift = await plan();
      expect(drift.changes).toEqual([`~ topic ${t.name} config: retention.ms 1000 → ${t.config['retention.ms']}, segment.ms 60000 → (default)`]);
      await apply();
      const entries = (await admin().withAdmin((a) => a.describeTopicConfigs([t.name]))).get(t.name) ?? [];
      expect(entries.find((e) => e.name === 'retention.ms')).toMatchObject({ value: t.config['retention.ms'], source: 'DYNAMIC_TOPIC_CONFIG' });
      expect(entries.find((e) => e.name === 'segment.ms')?.source).toBe('DEFAULT_CONFIG');
      expect((await plan()).changes).toEqual([]);
    });

    it('brings back a deleted ACL and removes one granted behind the mesh\'s back', async () => {
      const acl = desired.acls[0];
      const { address: _a, ...binding } = acl;
      const extra = { ...binding, operation: 'Write' as const, resourceName: desired.topics[0].name, resourceType: 'Topic' as const, principal: 'User:intruder' };
      await admin().withAdmin(async (a) => {
        await a.deleteAcls([binding]);
        await a.createAcls([extra]);
      });
      const r = await plan();
      expect(r.changes).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^\\+ ACL Allow ${acl.principal} ${acl.operation} on ${acl.resourceType} "${acl.resourceName.replace(/\./g, '\\.')}"`)), expect.stringMatching(/^- ACL Allow User:intruder Write/)]));
      expect(r.changes).toHaveLength(2);
      await apply();
      const after = await admin().withAdmin((a) => a.listAcls());
      expect(after).toContainEqual(binding);
      expect(after).not.toContainEqual(extra);
    });

    it('grows a product\'s partitions in place when its lock grows, and refuses to shrink them', async () => {
      const lockFile = join(work, 'locks', 'payments', 'payment-events.v1.lock.json');
      const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
      const before = lock.partitions.dev.current as number;
      const writer = await admin().producer();
      await writer.send('payments.payment-events.v1', [{ key: 'kept', value: 'kept across growth' }]);
      await writer.disconnect();
      lock.partitions.dev.current = before + 2;
      writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
      // The stacks are now older than the lock: apply says so until synth runs again.
      await expect(apply()).rejects.toThrow(/older than .*payment-events\.v1\.lock\.json: run `npm run synth`/);
      synth();
      const r = await apply();
      expect(r.applied).toContain(`~ topic payments.payment-events.v1: partitions ${before} → ${before + 2} (grown in place; keys move to other partitions)`);
      const after = await admin().withAdmin((a) => a.describeTopics(['payments.payment-events.v1']));
      expect(after[0].partitions).toBe(before + 2);
      // Grown in place, not re-created: the record written before the growth is still there.
      const reader = await admin().consumer({ groupId: `verify.${randomBytes(4).toString('hex')}`, topics: ['payments.payment-events.v1'] });
      let kept!: () => void;
      const found = new Promise<void>((r) => (kept = r));
      await reader.run(async (rec) => {
        if (rec.key?.toString() === 'kept') kept();
      });
      await Promise.race([found, new Promise((_, rej) => setTimeout(() => rej(new Error('the record written before the growth is gone')), 30_000))]);
      await reader.stop();
      expect((await plan()).changes).toEqual([]);

      lock.partitions.dev.current = before;
      writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
      synth();
      logs.length = 0;
      const shrink = await apply();
      // The main topic and its dead-letter topic (⌈partitions ÷ 4⌉) would both shrink: both refused, both left as they are.
      expect(shrink.refused).toEqual([
        expect.stringMatching(/^topic payments\.payment-events\.v1\.dlq has 2 partitions and the stacks ask for 1: Kafka cannot remove partitions/),
        expect.stringMatching(new RegExp(`^topic payments\\.payment-events\\.v1 has ${before + 2} partitions and the stacks ask for ${before}: Kafka cannot remove partitions.*Remedy: keep the lock's partitions at ${before + 2} or more`)),
      ]);
      expect(shrink.applied).toEqual([]);
      expect(logs.join('\n')).toMatch(/REFUSED: topic payments\.payment-events\.v1/);
      expect((await admin().withAdmin((a) => a.describeTopics(['payments.payment-events.v1'])))[0].partitions).toBe(before + 2);
      lock.partitions.dev.current = before + 2;
      writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
      synth();
      expect((await plan()).changes).toEqual([]);
    });
  });

  describe('4. PostgreSQL', () => {
    it('has every sink table and role after apply, and each sink login connects with its password from the connection file', async () => {
      const sinks = desired.sinks.flatMap((s) => s.loginRoles);
      expect(sinks.length).toBeGreaterThan(0);
      const admin = new Client({ connectionString: pg.url('mesh') });
      await admin.connect();
      try {
        const outputs = [...readLocalStacks({ root: work, outdir, environment: env, sources: [] }).values()].flatMap((s) => Object.entries(s.output ?? {}).filter(([k]) => k.startsWith('sink-')).map(([, v]) => v.value as { table: string; loginRole: string }));
        expect(outputs.length).toBe(sinks.length);
        for (const o of outputs) {
          const [schema, table] = o.table.split('.');
          const { rowCount } = await admin.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [schema, table]);
          expect({ table: o.table, exists: rowCount }).toEqual({ table: o.table, exists: 1 });
          const password = conn().postgres.logins[o.loginRole];
          expect(password).toMatch(/\S{20,}/);
          const login = await pg.connectAs('mesh', o.loginRole, password);
          const { rows } = await login.query('SELECT current_user');
          expect(rows[0].current_user).toBe(o.loginRole);
          await login.end();
          await expect(pg.connectAs('mesh', o.loginRole, 'wrong-password')).rejects.toThrow(/password authentication failed/);
        }
      } finally {
        await admin.end();
      }
    });
  });

  describe('bad input', () => {
    it('fails with a one-line error naming mesh:up when no broker answers', async () => {
      const c = conn();
      const file = join(work, 'down', 'connection.json');
      mkdirSync(join(work, 'down'), { recursive: true });
      writeConnection(file, { ...c, bootstrapServers: ['127.0.0.1:1'] });
      await expect(apply({ connectionFile: file })).rejects.toThrow(/^the synthesized stacks connect to 127\.0\.0\.1:\d+, but the running mesh listens on 127\.0\.0\.1:1/);
      const closed = localEnvironment({ MESH_KAFKA_PORT: '1' });
      const stacksOut = join(work, 'out-closed');
      expect(synthesizeMesh({ productsDir: products, outdir: stacksOut, root, retiredFile: join(FIXTURES, 'retired.json'), environments: [dev, prod, closed], log: quiet })).toBe(0);
      await expect(apply({ connectionFile: file, outdir: stacksOut, environment: closed })).rejects.toThrow(/^no Kafka broker answers at 127\.0\.0\.1:1 \(CONNECTION\): start the local mesh with `npm run mesh:up`\.$/);
    });
  });
});
