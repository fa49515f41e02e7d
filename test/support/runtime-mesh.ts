/**
 * A small mesh on the run's real broker and a test file's own PostgreSQL 17,
 * for the runtime's broker tests: the fixture products, each file under names
 * of its own (the broker is shared by every broker test file of the run), with
 * exactly what the mesh synthesizes for them — topics and dead-letter topics
 * with the derived partitions and configs, the derived ACLs (deriveAcls, the
 * function the Terraform ACLs come from), one SCRAM login per principal, and
 * the sink tables created by the derived migrations through the migration
 * function's own handler (which also writes each login secret, PG_LOGIN's JSON).
 */
import { randomBytes } from 'node:crypto';
import * as protobuf from 'protobufjs';
import type { Client } from 'pg';
import { toCamel } from '../../contracts/schema/shape';
import type { Column } from '../../contracts/sql/columns';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { buildSinkBundle } from '../../scripts/sink-bundle';
import { prepareProduct } from '../../runtime/products';
import { normaliseForSink } from './arbitrary';
import { compileProduct, type CompiledProduct } from '../../contracts/compile';
import { deriveAcls } from '../../contracts/derive/acls';
import { deriveTopicPlans } from '../../contracts/derive/topic-config';
import { defineDataProduct, type DataProduct } from '../../contracts/dsl/data-product';
import { lockFileName, serializeLock, type ProductLock } from '../../contracts/lock/lock-file';
import { lockedPartitions } from '../../contracts/lock/partitions';
import { migrationsFor } from '../../contracts/sql/migrations';
import { loginRoleName } from '../../contracts/sql/sink-tables';
import { planSinks, type SinkPlan } from '../../contracts/sql/sink-plan';
import { randomPassword } from '../../local-mesh/broker';
import { upsertScramUsers } from '../../local-mesh/scram';
import { connectKafka, type ConsumedRecord, type KafkaClient, type KafkaConnectionOptions } from '../../runtime/kafka';
import type { PostgresConnection } from '../../runtime/postgres';
import { localEnvironment } from '../../stacks/environments';
import { exampleContracts } from '../helpers';
import type { TestBroker } from './broker';
import type { PgServer } from './postgres';
import { MemorySecretStore, migrationHandler, secretIdOf } from './sinks';

/** A product as a test runs it. */
export interface TestProduct {
  readonly product: DataProduct;
  readonly lock: ProductLock;
  readonly compiled: CompiledProduct;
  /** The fixture's own domain, for a renamed copy. @default - the product's domain */
  readonly fixtureDomain?: string;
}

/** The fixture products with their committed locks. */
export function fixtureProducts(): TestProduct[] {
  const { entries, lockOf } = exampleContracts();
  return entries.map(({ product }) => {
    const lock = lockOf(product);
    const compiled = compileProduct(product).product;
    if (!lock || !compiled) throw new Error(`fixture ${product.spec.domain}/${product.spec.name} has no lock or does not compile`);
    return { product, lock, compiled };
  });
}

/** A short tag for names of one test file's own. */
export function newTag(): string {
  return `t${randomBytes(2).toString('hex')}`;
}

/**
 * The same contract under names of a test file's own: domain `<domain>-<tag>`, every principal `<name>-<tag>`.
 * The lock is the fixture's (the shape and numbers are the same), renamed.
 */
export function renamed(p: TestProduct, tag: string, overrides: Record<string, unknown> = {}): TestProduct {
  const s = p.product.spec;
  const principal = (x: string | undefined) => (x ? `${x}-${tag}` : x);
  const spec = {
    ...s,
    domain: `${s.domain}-${tag}`,
    owner: { ...s.owner, ...(s.owner.principal ? { principal: principal(s.owner.principal) } : {}) },
    producer: { principal: principal(s.producer.principal) },
    consumers: (s.consumers ?? []).map((c) => ({ ...c, principal: principal(c.principal) })),
    ...overrides,
  } as typeof s;
  const product = defineDataProduct(spec);
  const r = compileProduct(product);
  if (!r.product) throw new Error(r.problems.map((x) => `${x.field}: ${x.message}`).join('\n'));
  return { product, lock: { ...p.lock, product: r.product.id }, compiled: r.product, fixtureDomain: p.fixtureDomain ?? s.domain };
}

/** The test mesh: logins, and clients as any principal. */
export interface TestMesh {
  readonly products: readonly TestProduct[];
  /** Connection options to act as `principal` (a login the mesh created). */
  kafkaAs(principal: string, extra?: Partial<KafkaConnectionOptions>): KafkaConnectionOptions;
  /** The admin (super user) client. */
  readonly admin: KafkaClient;
  /** The sink login of a product's consumer. */
  postgresAs(product: TestProduct, consumer: string): PostgresConnection;
  /** PG_LOGIN's JSON for a login role, as the migration function wrote it. */
  loginSecret(role: string): string;
  readonly database: string;
  readonly sinks: readonly SinkPlan[];
  close(): Promise<void>;
}

/** Creates the products' topics, ACLs, logins and sink tables. */
export async function applyTestMesh(broker: TestBroker, pg: PgServer | undefined, products: readonly TestProduct[]): Promise<TestMesh> {
  const env = localEnvironment();
  const c = broker.connection;
  const caPem = readFileSync(c.caFile, 'utf8');
  const options = (username: string, password: string, extra: Partial<KafkaConnectionOptions> = {}): KafkaConnectionOptions => ({ brokers: c.bootstrapServers, caPem, sasl: { mechanism: 'scram-sha-512', username, password }, ...extra });
  const admin = connectKafka(options(c.admin.username, c.admin.password));

  const principals = new Set<string>();
  for (const p of products) {
    principals.add(p.compiled.producer.principal);
    for (const x of p.compiled.consumers) principals.add(x.principal);
    if (p.compiled.owner.principal) principals.add(p.compiled.owner.principal);
  }
  const logins = new Map([...principals].map((pr) => [pr, { username: pr.replace(/^User:/, ''), password: randomPassword() }]));
  await upsertScramUsers({ java: broker.java, kafka: broker.kafka, dir: broker.stateDir, bootstrap: c.bootstrapServers[0], caFile: c.caFile, admin: c.admin }, [...logins.values()]);

  await admin.withAdmin(async (a) => {
    const topics = products.flatMap((p) => {
      const entry = p.lock.partitions[env.lockedPartitionsFrom ?? env.name];
      const plans = deriveTopicPlans(p.compiled, env, entry ? lockedPartitions(p.compiled, env, entry) : undefined);
      return [plans.topic, plans.deadLetter].map((t) => ({
        name: t.name,
        partitions: t.partitions.value,
        replicationFactor: t.replicationFactor.value,
        config: Object.fromEntries(Object.entries(t.config).map(([k, v]) => [k, v.value])),
      }));
    });
    await a.createTopics(topics);
    const acls = products.flatMap((p) => deriveAcls(p.compiled)).map((x) => ({ principal: x.principal, host: '*', operation: x.operation, permissionType: 'Allow' as const, resourceType: x.resourceType, resourceName: x.resourceName, patternType: 'Literal' as const }));
    await a.createAcls(acls);
    // The broker's authorizer applies new ACLs from the metadata log a moment after they are created.
    const key = (x: { principal: string; resourceType: string; resourceName: string; operation: string }) => `${x.principal}|${x.resourceType}|${x.resourceName}|${x.operation}`;
    const wanted = new Set(acls.map(key));
    await eventually('the new ACLs in the authorizer', async () => {
      const have = new Set((await a.listAcls()).map(key));
      return [...wanted].every((k) => have.has(k));
    });
  });

  const sinks = products.flatMap((p) => planSinks(p.compiled, p.lock.history.map((v) => v.shape)).sinks);
  const secrets = new MemorySecretStore();
  let database = '';
  if (pg && sinks.length) {
    database = await pg.freshDatabase();
    const migrations = products.flatMap((p) => migrationsFor(p.compiled, p.lock.history.map((v) => v.shape)).tables.flatMap((t) => t.migrations.map((m) => ({ id: m.id, sql: m.sql }))));
    await migrationHandler(pg, database, migrations, secrets, sinks)();
  }
  const port = pg ? Number(new URL(pg.url(database || 'postgres')).port) : 0;
  return {
    products,
    admin,
    database,
    sinks,
    kafkaAs: (principal, extra) => {
      const l = logins.get(principal);
      if (!l) throw new Error(`no login for ${principal}`);
      return options(l.username, l.password, extra);
    },
    postgresAs: (p, consumer) => {
      const role = loginRoleName(p.compiled.domain, consumer);
      const secret = secrets.values.get(secretIdOf(role));
      if (!secret) throw new Error(`no login secret for ${role}`);
      const { username, password } = JSON.parse(secret) as { username: string; password: string };
      return { host: '127.0.0.1', port, database, user: username, password };
    },
    loginSecret: (role) => secrets.values.get(secretIdOf(role)) as string,
    close: () => admin.close(),
  };
}

/** Waits until `check` returns true (polling), or fails with `what`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000, everyMs = 200): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Reads `count` records of `topic` from the beginning, as `client` (the admin reads anything), in a group of its own. */
export async function readTopic(client: KafkaClient, topic: string, count: number, timeoutMs = 30_000): Promise<ConsumedRecord[]> {
  const got: ConsumedRecord[] = [];
  const consumer = await client.consumer({ groupId: `test-reader-${randomBytes(4).toString('hex')}`, topics: [topic] });
  try {
    await consumer.run(async (r) => void got.push(r));
    await eventually(`${count} record(s) in ${topic}`, () => got.length >= count, timeoutMs).catch((err: Error) => {
      throw new Error(`${err.message} (got ${got.length})`);
    });
    return got;
  } finally {
    await consumer.stop();
  }
}

/** A sink row as the contract's record: camelCase fields, NULL columns left out, ingestion columns dropped. */
export function rowAsRecord(row: Record<string, unknown>, columns: readonly Column[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const col of columns) {
    const v = row[col.name];
    if (v === null || v === undefined) continue;
    out[toCamel(col.name)] = col.type === 'timestamptz' ? new Date(v as string).toISOString() : v;
  }
  return out;
}

/** Every row of a sink table, in (partition, offset) order, with its source partition and offset. */
export async function sinkRows(client: Client, sink: SinkPlan): Promise<Array<{ record: Record<string, unknown>; partition: number; offset: string }>> {
  const { rows } = await client.query(`SELECT row_to_json(t) AS r FROM "${sink.table.schema.value}"."${sink.table.table.value}" t ORDER BY _source_partition, _source_offset`);
  return rows.map((x) => ({ record: rowAsRecord(x.r, sink.columns), partition: x.r._source_partition, offset: String(x.r._source_offset) }));
}

/**
 * The sink bundle (scripts/sink-bundle.ts) of `products` (renamed fixtures): their contracts written as product
 * files that rename the fixture's, their locks beside them, bundled into `<dir>/bundle/sink.js`.
 */
export function bundleFor(dir: string, products: readonly TestProduct[]): string {
  const productsDir = join(dir, 'products');
  const locksDir = join(dir, 'locks');
  const root = resolve(__dirname, '..', '..');
  mkdirSync(productsDir, { recursive: true });
  products.forEach((p, i) => {
    const spec = { ...p.product.spec, schema: undefined };
    writeFileSync(join(productsDir, `p${i}.ts`), [
      `import { defineDataProduct } from ${JSON.stringify(join(root, 'contracts', 'index'))};`,
      `import * as fixtures from ${JSON.stringify(join(root, 'test', 'fixtures', 'contracts', 'products', p.fixtureDomain ?? p.product.spec.domain, p.product.spec.name))};`,
      `const original = Object.values(fixtures)[0] as any;`,
      `export const product = defineDataProduct({ ...original.spec, ...${JSON.stringify(spec)}, schema: original.spec.schema });`,
      '',
    ].join('\n'));
    const file = join(locksDir, lockFileName(p.compiled.domain, p.compiled.name, p.compiled.version));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, serializeLock(p.lock));
  });
  return buildSinkBundle({ outdir: join(dir, 'bundle'), productsDir, locksDir }).file;
}

/** Protobuf varint bytes. */
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** The fields of protobuf bytes: number, wire type, and where each occurrence starts and ends. */
function wireFields(bytes: Uint8Array): Array<{ number: number; wireType: number; start: number; valueStart: number; end: number }> {
  const r = protobuf.Reader.create(bytes);
  const out: Array<{ number: number; wireType: number; start: number; valueStart: number; end: number }> = [];
  while (r.pos < r.len) {
    const start = r.pos;
    const tag = r.uint32();
    const wireType = tag & 7;
    let valueStart = r.pos;
    if (wireType === 2) {
      const len = r.uint32();
      valueStart = r.pos;
      r.skip(len);
    } else r.skipType(wireType);
    out.push({ number: tag >>> 3, wireType, start, valueStart, end: r.pos });
  }
  return out;
}

/**
 * Bytes no producer of the contract would write, built from a valid record's bytes and the product's lock (its
 * field numbers), for any product: protobuf cut inside a length-delimited value, a required field sent only with the
 * varint wire type, an enum number the contract does not have, random bytes, and a wire type that does not exist.
 */
export function hostileValues(p: TestProduct, validBytes: Uint8Array): Array<[what: string, bytes: Buffer]> {
  const fields = p.compiled.shape.fields;
  const numbers = p.lock.numbering.fields;
  const wire = wireFields(validBytes);
  const out: Array<[string, Buffer]> = [];
  const long = wire.find((f) => f.wireType === 2 && f.end - f.valueStart >= 2);
  if (long) out.push(['protobuf cut inside a length-delimited value', Buffer.from(validBytes.subarray(0, long.valueStart + Math.floor((long.end - long.valueStart) / 2)))]);
  const str = fields.find((f) => f.required && ['string', 'uuid', 'datetime', 'date', 'object'].includes(f.type.kind));
  if (str) {
    const n = numbers[str.name].number;
    const rest = wire.filter((f) => f.number !== n).map((f) => validBytes.subarray(f.start, f.end));
    out.push([`required field ${str.name} sent only with the varint wire type`, Buffer.concat([...rest, Buffer.from([...varint((n << 3) | 0), 1])])]);
  }
  const en = fields.find((f) => f.type.kind === 'enum');
  if (en) {
    const max = Math.max(...Object.values(numbers[en.name].values ?? {}).map((v) => v.number));
    out.push([`enum ${en.name} number ${max + 99}`, Buffer.concat([Buffer.from(validBytes), Buffer.from([...varint((numbers[en.name].number << 3) | 0), ...varint(max + 99)])])]);
  }
  out.push(['random bytes', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x81, 0x80, 0x80])]);
  out.push(['wire type 7 (none exists)', Buffer.from([(1 << 3) | 7, 0x01, 0x02])]);
  return out;
}

/** A valid record as every consumer reads it (what the codec decodes from what the producer encodes), as a sink row holds it. */
export function asSinkRow(p: TestProduct, value: unknown): Record<string, unknown> {
  const { codec } = prepareProduct(p.product, p.lock);
  const e = codec.encode(value);
  const d = e.ok && e.bytes ? codec.decode(e.bytes) : undefined;
  if (!d?.ok || !d.value) throw new Error(`a valid record does not round-trip: ${JSON.stringify(value)}`);
  return normaliseForSink(p.compiled.shape, d.value);
}

/** A record as a comparable string (keys sorted). */
export function canonicalJson(v: Record<string, unknown>): string {
  return JSON.stringify(Object.keys(v).sort().map((k) => [k, v[k]]));
}
