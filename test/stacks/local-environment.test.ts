/**
 * The `local` environment: dev's locked partitions and retention bounds, replication 1, no AWS at all,
 * identities-local with a write-only SCRAM credential per principal, sinks in the environment's own PostgreSQL.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { defineDataProduct } from '../../contracts/index';
import { updateLock } from '../../contracts/lock/update-lock';
import { planMesh } from '../../contracts/mesh';
import { synthesizeMesh } from '../../stacks/app';
import { DomainStack } from '../../stacks/domain-stack';
import { dev, localEnvironment, prod, ENVIRONMENTS } from '../../stacks/environments';
import { compiled, fixtureSynth, spec } from '../helpers';

const local = localEnvironment({});
const ENVS = [dev, prod, local];

function lockedPlan(overrides: Record<string, unknown> = {}, envs = ENVS) {
  const lock = updateLock(compiled(overrides), undefined, envs).lock!;
  return { lock, plan: planMesh([{ product: defineDataProduct(spec(overrides)) }], envs, { locks: new Map([[lock.product, lock]]) }) };
}

describe('the local environment', () => {
  it('is one of the environments: loopback with TLS, SCRAM admin, replication 1, dev\'s bounds, no AWS', () => {
    expect(ENVIRONMENTS.map((e) => e.name)).toEqual(['dev', 'prod', 'local']);
    expect(local.kafka).toMatchObject({ bootstrapServers: ['127.0.0.1:19092'], adminAuth: { mechanism: 'scram-sha512' }, replicationFactor: 1, minInsyncReplicas: 1, partitions: dev.kafka.partitions, tls: { enabled: true } });
    expect(local.retention).toEqual(dev.retention);
    expect(local.aws).toBeUndefined();
    expect(local.lockedPartitionsFrom).toBe('dev');
  });

  it('moves its ports with MESH_KAFKA_PORT and MESH_POSTGRES_PORT, and fails on a value that is not a port', () => {
    const moved = localEnvironment({ MESH_KAFKA_PORT: '29092', MESH_POSTGRES_PORT: '25432' });
    expect(moved.kafka.bootstrapServers).toEqual(['127.0.0.1:29092']);
    expect(moved.postgres?.port).toBe(25432);
    expect(() => localEnvironment({ MESH_KAFKA_PORT: 'kafka' })).toThrow(/MESH_KAFKA_PORT=kafka is not a TCP port: set it to a number from 1 to 65535, or unset it for 19092/);
  });

  it('takes dev\'s locked partitions and adds no entry to the lock, so no lock goes stale', () => {
    // 4000 msg/s derives 8 partitions in prod and more than the lock's dev count would be now.
    const { lock, plan } = lockedPlan({ throughput: { peakMessagesPerSecond: 4000, averageMessageBytes: 400 } });
    expect(Object.keys(lock.partitions).sort()).toEqual(['dev', 'prod']);
    const topic = (env: string) => plan.stacks.find((s) => s.name === `payments-${env}`)!.products[0].topics.topic;
    expect(topic('local').partitions.value).toBe(lock.partitions.dev.current);
    expect(topic('local').partitions.reason).toMatch(/^local takes dev's locked partitions: \d+ partitions: fixed by the lock/);
    expect(topic('local').replicationFactor.value).toBe(1);
    expect(topic('local').config['min.insync.replicas'].value).toBe('1');
    // A lock written before `local` existed is current with it.
    const before = updateLock(compiled(), undefined, [dev, prod]).lock!;
    expect(() => planMesh([{ product: defineDataProduct(spec()) }], ENVS, { locks: new Map([[before.product, before]]) })).not.toThrow();
  });

  it('fails if a contract grows partitions in local, naming dev', () => {
    expect(() => lockedPlan({ partitions: { grow: { local: 4 } } })).toThrow();
    const r = updateLock(compiled({ partitions: { grow: { local: 4 } } }), undefined, ENVS);
    expect(r.problems).toEqual([expect.objectContaining({ field: 'partitions.grow.local', message: "local has no partitions of its own: it uses dev's locked partition counts.", fix: 'remove partitions.grow.local; grow dev (partitions.grow.dev) and local follows.' })]);
  });

  it('fails if lockedPartitionsFrom names no environment', () => {
    const odd = { ...local, lockedPartitionsFrom: 'qa' };
    const lock = updateLock(compiled(), undefined, [dev, prod]).lock!;
    expect(() => planMesh([{ product: defineDataProduct(spec()) }], [dev, prod, odd], { locks: new Map([[lock.product, lock]]) })).toThrow(/lockedPartitionsFrom: takes the locked partitions of "qa", which is not an environment/);
  });

  it('sets the Kafka provider\'s TLS per environment', () => {
    const { plan } = lockedPlan();
    const tls = (env: typeof local) => {
      const stack = plan.stacks.find((s) => s.name === 'payments-local')!;
      return JSON.parse(Testing.synth(new DomainStack(Testing.app(), { ...stack, environment: env }), true)).provider.kafka[0].tls_enabled;
    };
    expect(tls(local)).toBe(true);
    expect(tls({ ...local, kafka: { ...local.kafka, tls: { enabled: false } } })).toBe(false);
  });

  it('fails if a sink has no database: neither aws settings nor postgres', () => {
    const sink = { consumers: [{ name: 'ledger', principal: 'User:ledger-sink', sink: { postgres: { mode: 'upsert' } } }] };
    const { plan } = lockedPlan(sink);
    const stack = plan.stacks.find((s) => s.name === 'payments-local')!;
    const bare = { ...local, postgres: undefined };
    expect(() => new DomainStack(Testing.app(), { ...stack, environment: bare }, { migrationsRoot: join(__dirname, '..', 'fixtures', 'contracts', 'migrations') })).toThrow(
      /environment local has neither aws settings nor a postgres database, so there is no database to sink into\..*add aws or postgres settings to local/s,
    );
  });
});

describe('the synthesized local stacks', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'contract-mesh-local-synth-'));
  const read = (stack: string) => JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  beforeAll(() => {
    expect(synthesizeMesh({ ...fixtureSynth(), root: join(__dirname, '..', '..'), outdir, log: { info: () => undefined, error: (m) => { throw new Error(m); } } })).toBe(0);
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('hold topics, dead-letter topics and ACLs through the Kafka provider only: no AWS provider or resource', () => {
    const locals = readdirSync(join(outdir, 'stacks')).filter((s) => s.endsWith('-local')).sort();
    expect(locals).toEqual(['customers-local', 'identities-local', 'orders-local', 'payments-local']);
    for (const s of locals) {
      const tf = read(s);
      expect({ s, providers: Object.keys(tf.provider) }).toEqual({ s, providers: ['kafka'] });
      expect(Object.keys(tf.resource ?? {}).filter((t) => !t.startsWith('kafka_'))).toEqual([]);
      expect(JSON.stringify(tf)).not.toMatch(/"aws_|terraform_remote_state/);
    }
    const payments = read('payments-local');
    expect(Object.keys(payments.resource).sort()).toEqual(['kafka_acl', 'kafka_topic']);
    expect(payments.provider.kafka[0]).toEqual({ bootstrap_servers: ['127.0.0.1:19092'], sasl_mechanism: 'scram-sha512', tls_enabled: true });
    for (const t of Object.values(payments.resource.kafka_topic) as Array<{ replication_factor: number; config: Record<string, string> }>) {
      expect(t.replication_factor).toBe(1);
      expect(t.config['min.insync.replicas']).toBe('1');
    }
  });

  it('give every principal one SCRAM-SHA-512 credential in identities-local, its password write-only from a sensitive variable', () => {
    const tf = read('identities-local');
    expect(tf.variable.scram_passwords).toMatchObject({ type: 'map(string)', sensitive: true, nullable: false });
    const creds = Object.values(tf.resource.kafka_user_scram_credential) as Array<Record<string, string>>;
    const manifest = JSON.parse(readFileSync(join(outdir, 'mesh-manifest.json'), 'utf8'));
    const principals = new Set<string>(manifest.products.flatMap((p: { principals: Array<{ principal: string }> }) => p.principals.map((x) => x.principal)));
    expect(creds.map((c) => `User:${c.username}`).sort()).toEqual([...principals].sort());
    for (const c of creds) {
      expect(c).toMatchObject({ scram_mechanism: 'SCRAM-SHA-512', password_wo: `\${var.scram_passwords["${c.username}"]}`, password_wo_version: '1' });
      expect(c.password).toBeUndefined();
    }
  });

  it('keep the sink tables in the environment\'s PostgreSQL: the committed migrations as an output, no migration function', () => {
    const tf = read('payments-local');
    const out = tf.output['postgres-migrations'].value;
    expect(out.database).toEqual({ host: '127.0.0.1', port: 15432, name: 'mesh' });
    // Every committed migration of the table, in order: the create and the privileges of revision 2 (mesh:apply runs both).
    expect(out.migrations.map((m: { id: string }) => m.id)).toEqual(['payments/payment-events.v1/ledger/0001_create.sql', 'payments/payment-events.v1/ledger/0002_privileges-v2.sql']);
    expect(out.migrations[0].sql).toMatch(/CREATE TABLE/);
    expect(out.migrations[1].sql).toMatch(/privilege revision 2/);
    expect(out.loginRoles).toEqual(['payments__ledger']);
    expect(tf.output['sink-payment-events-v1--ledger'].value).toMatchObject({ loginRole: 'payments__ledger', credentials: expect.stringMatching(/postgres\.logins\.payments__ledger/) });
  });
});
