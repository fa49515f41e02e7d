/**
 * `npm run bench -- --only e2e`: the data path end to end on a real Kafka 3.7
 * broker and PostgreSQL 17 started here (the example product payments/payment-events@v1,
 * under names of the benchmark's own):
 *
 * 1. producer throughput — the edge-validating producer (validate + encode with the
 *    contract, then send) against the SAME Kafka client sending `JSON.stringify` of the same
 *    records without validation; `--repeats` alternating runs of each, medians and the
 *    ratio of each back-to-back pair (goal ≥ 0.8×);
 * 2. bytes per record, protobuf against JSON: value bytes, and bytes in the broker's log
 *    segments with `compression.type` none and zstd (goal: stored protobuf ≤ 0.6× stored JSON uncompressed);
 * 3. the sink: rows/s and the sink process's peak RSS (the bundled program, run as the Dockerfile runs it:
 *    `node --max-semi-space-size=4 sink.js`, scripts/sink-bundle.ts SINK_NODE_FLAGS; goal ≤ 150 MB),
 *    `--repeats` runs, medians;
 * 4. end-to-end latency, produce → row committed, at 1,000 records/s for 60 s (`--latency-seconds`): p50, p99
 *    (goal p99 ≤ 50 ms).
 *
 * The broker, PostgreSQL, the producer and the sink share the machine's cores: compare ratios within one run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { freePort, randomPassword, startBroker, stopBroker } from '../local-mesh/broker';
import { ensureKafka } from '../local-mesh/fetch';
import { findJava } from '../local-mesh/java';
import { loginRoleName } from '../contracts/sql/sink-tables';
import type { KafkaClient } from '../runtime/kafka';
import { createProducer } from '../runtime/producer';
import { prepareProduct } from '../runtime/products';
import { STORABLE, valueArb } from '../test/support/arbitrary';
import { startPostgres } from '../test/support/postgres';
import { SINK_NODE_FLAGS } from '../scripts/sink-bundle';
import { applyTestMesh, bundleFor, fixtureProducts, renamed, type TestMesh, type TestProduct } from '../test/support/runtime-mesh';

const ROOT = resolve(__dirname, '..');
const WORK = join(__dirname, '.work', 'e2e');

interface Options {
  repeats: number;
  records: number;
  latencySeconds: number;
  rate: number;
}

function parse(argv: string[]): Options {
  const o: Options = { repeats: 7, records: 20_000, latencySeconds: 60, rate: 1000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const n = Number(argv[i + 1]);
    if (a === '--repeats') o.repeats = n;
    else if (a === '--records') o.records = n;
    else if (a === '--latency-seconds') o.latencySeconds = n;
    else if (a === '--rate') o.rate = n;
    else throw new Error(`unknown option ${a}; options: --repeats 7 --records 20000 --latency-seconds 60 --rate 1000`);
    i++;
  }
  return o;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function logBytes(dataDir: string, topic: string): number {
  let total = 0;
  for (const d of readdirSync(dataDir)) {
    if (!d.startsWith(`${topic}-`) || !/-\d+$/.test(d) || d.slice(0, d.lastIndexOf('-')) !== topic) continue;
    for (const f of readdirSync(join(dataDir, d))) if (f.endsWith('.log')) total += statSync(join(dataDir, d, f)).size;
  }
  return total;
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, node ${process.version}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${new Date().toISOString()}`);
  const java = findJava();
  const kafka = await ensureKafka(ROOT, java, (l) => console.log(l));
  const admin = { username: 'mesh-admin-bench', password: randomPassword() };
  const kafkaDir = join(WORK, 'kafka');
  const b = await startBroker({ dir: kafkaDir, port: await freePort(), controllerPort: await freePort(), admin, java, kafka });
  const pg = await startPostgres();
  const broker = { connection: { bootstrapServers: [b.bootstrap], securityProtocol: 'SASL_SSL' as const, saslMechanism: 'SCRAM-SHA-512' as const, caFile: b.caFile, admin: { principal: `User:${admin.username}`, ...admin }, principals: {}, postgres: { url: '', logins: {} } }, stateDir: kafkaDir, java, kafka };
  const base = fixtureProducts().find((p) => p.compiled.id === 'payments/payment-events@v1') as TestProduct;
  // One copy of the product per measurement that needs a fresh topic, group or table.
  const tags = ['tput', ...Array.from({ length: o.repeats }, (_, i) => `sink${i}`), 'lat'].map((t) => `b${t}`);
  const products = tags.map((t) => renamed(base, t));
  const byTag = new Map(tags.map((t, i) => [t, products[i]]));
  let mesh: TestMesh | undefined;
  const children: ChildProcess[] = [];
  try {
    mesh = await applyTestMesh(broker, pg, products);
    const adminClient = mesh.admin;
    const values = fc.sample(valueArb(base.compiled.shape, STORABLE), { numRuns: o.records * 2, seed: 16 }).filter((v) => base.product.spec.schema.safeParse(v).success).slice(0, o.records);
    const { codec } = prepareProduct(base.product, base.lock);

    // 1. Producer throughput: edge validation against JSON.stringify, the same client, alternating.
    const tput = byTag.get('btput') as TestProduct;
    const plain = `${tput.compiled.topic}.json-baseline`;
    const storage = ['proto-none', 'proto-zstd', 'json-none', 'json-zstd'].map((s) => `${tput.compiled.topic}.${s}`);
    await adminClient.withAdmin(async (a) => {
      const [main] = await a.describeTopics([tput.compiled.topic]);
      await a.createTopics([plain, ...storage].map((name) => ({ name, partitions: main.partitions, replicationFactor: 1, config: { 'compression.type': name.endsWith('zstd') ? 'zstd' : 'producer' } })));
    });
    // Both producers on one client (the admin's: the baseline's topics are outside the contract's ACLs).
    const client: KafkaClient = adminClient;
    const edge = await createProducer(tput.product, { connection: client, lock: tput.lock });
    const raw = await client.producer();
    const BATCH = 500;
    const runEdge = async () => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < values.length; i += BATCH) await edge.sendBatch(values.slice(i, i + BATCH));
      return values.length / (Number(process.hrtime.bigint() - t0) / 1e9);
    };
    const key = tput.compiled.key;
    const runJson = async () => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < values.length; i += BATCH) await raw.send(plain, values.slice(i, i + BATCH).map((v) => ({ key: String(v[key]), value: JSON.stringify(v) })));
      return values.length / (Number(process.hrtime.bigint() - t0) / 1e9);
    };
    await runEdge(); // warm-up, untimed
    await runJson();
    const pairs: Array<[number, number]> = [];
    for (let r = 0; r < o.repeats; r++) pairs.push([await runEdge(), await runJson()]);
    const edgeMedian = median(pairs.map((p) => p[0]));
    const jsonMedian = median(pairs.map((p) => p[1]));
    console.log(`\n1. producer throughput (${fmt(o.records)} records in batches of ${BATCH}, ${o.repeats} alternating runs each):`);
    console.log(`   edge-validating producer: median ${fmt(edgeMedian)} records/s (runs: ${pairs.map((p) => fmt(p[0])).join(', ')})`);
    console.log(`   same client, JSON.stringify, no validation: median ${fmt(jsonMedian)} records/s (runs: ${pairs.map((p) => fmt(p[1])).join(', ')})`);
    console.log(`   ratio edge/JSON: medians ${(edgeMedian / jsonMedian).toFixed(2)}×; back-to-back pairs ${pairs.map((p) => (p[0] / p[1]).toFixed(2)).join(', ')} (median ${median(pairs.map((p) => p[0] / p[1])).toFixed(2)}×; goal ≥ 0.8×)`);

    // 2. Bytes per record: values, and what the broker stores with compression none and zstd.
    const protoBytes = values.map((v) => (codec.encode(v) as { bytes: Uint8Array }).bytes.length);
    const jsonBytes = values.map((v) => Buffer.byteLength(JSON.stringify(v)));
    for (const t of storage) {
      for (let i = 0; i < values.length; i += BATCH) {
        const slice = values.slice(i, i + BATCH);
        await raw.send(t, slice.map((v) => ({ key: String(v[key]), value: t.includes('.proto-') ? Buffer.from((codec.encode(v) as { bytes: Uint8Array }).bytes) : JSON.stringify(v) })));
      }
    }
    await new Promise((r) => setTimeout(r, 2000)); // the log segments are flushed to the page cache; sizes are on disk
    const stored = Object.fromEntries(storage.map((t) => [t.slice(t.lastIndexOf('.') + 1), logBytes(join(kafkaDir, 'data'), t) / values.length]));
    const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
    console.log(`\n2. bytes per record (${fmt(o.records)} generated payment events; stored = the topic's .log segment bytes / records, record-batch framing and keys included):`);
    console.log(`   value: protobuf ${fmt(sum(protoBytes) / values.length, 1)} B, JSON ${fmt(sum(jsonBytes) / values.length, 1)} B → ${(sum(protoBytes) / sum(jsonBytes)).toFixed(2)}×`);
    console.log(`   stored, compression none: protobuf ${fmt(stored['proto-none'], 1)} B, JSON ${fmt(stored['json-none'], 1)} B → ${(stored['proto-none'] / stored['json-none']).toFixed(2)}× (goal ≤ 0.6×)`);
    console.log(`   stored, compression zstd: protobuf ${fmt(stored['proto-zstd'], 1)} B, JSON ${fmt(stored['json-zstd'], 1)} B → ${(stored['proto-zstd'] / stored['json-zstd']).toFixed(2)}×; zstd protobuf against JSON uncompressed ${(stored['proto-zstd'] / stored['json-none']).toFixed(2)}×`);
    await edge.close();
    await raw.disconnect();

    // 3. The sink: the bundled program, rows/s and peak RSS.
    const bundle = bundleFor(join(WORK, 'bundle'), products);
    const envOf = (p: TestProduct): NodeJS.ProcessEnv => {
      const c = p.compiled;
      const consumer = c.consumers.find((x) => x.sink)!;
      const k = mesh!.kafkaAs(consumer.principal);
      const db = mesh!.postgresAs(p, consumer.name);
      const sink = mesh!.sinks.find((s) => s.table.product === c.id)!;
      return {
        PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: b.caFile,
        KAFKA_BOOTSTRAP_SERVERS: k.brokers.join(','), KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_USERNAME: k.sasl.username, KAFKA_PASSWORD: k.sasl.password,
        KAFKA_TOPIC: c.topic, KAFKA_DEAD_LETTER_TOPIC: c.deadLetterTopic, KAFKA_GROUP_ID: consumer.group,
        PG_HOST: db.host, PG_PORT: String(db.port), PG_DATABASE: db.database, PG_SCHEMA: sink.table.schema.value, PG_TABLE: sink.table.table.value,
        PG_LOGIN: mesh!.loginSecret(loginRoleName(c.domain, consumer.name)),
      };
    };
    const fill = async (p: TestProduct) => {
      const producer = await createProducer(p.product, { connection: mesh!.kafkaAs(p.compiled.producer.principal), lock: p.lock });
      for (let i = 0; i < values.length; i += BATCH) await producer.sendBatch(values.slice(i, i + BATCH));
      await producer.close();
    };
    const db = await pg.admin(mesh.database);
    const sinkRuns: Array<{ rowsPerSecond: number; peakRssMb: number }> = [];
    for (let r = 0; r < o.repeats; r++) {
      const p = byTag.get(`bsink${r}`) as TestProduct;
      await fill(p);
      const sink = mesh.sinks.find((s) => s.table.product === p.compiled.id)!;
      const table = `"${sink.table.schema.value}"."${sink.table.table.value}"`;
      const child = spawn(process.execPath, [...SINK_NODE_FLAGS, bundle], { env: envOf(p), stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let out = '';
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
      let peak = 0;
      const sample = setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) peak = Math.max(peak, Number(m[1]) / 1024);
        } catch {
          // exited
        }
      }, 100);
      while (!/joined group/.test(out)) await new Promise((res) => setTimeout(res, 20));
      const t0 = Date.now();
      // Distinct keys: every record is a row. Count until all are in.
      for (;;) {
        const n = Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
        if (n >= values.length) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      const seconds = (Date.now() - t0) / 1000;
      clearInterval(sample);
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      child.kill('SIGTERM');
      await new Promise((res) => child.once('exit', res));
      sinkRuns.push({ rowsPerSecond: values.length / seconds, peakRssMb: peak });
    }
    await db.end();
    console.log(`\n3. the sink (the bundle, node ${SINK_NODE_FLAGS.join(" ")} sink.js; ${fmt(o.records)} records already in the topic, from joining the group to the last row; ${o.repeats} runs):`);
    console.log(`   rows/s: median ${fmt(median(sinkRuns.map((s) => s.rowsPerSecond)))} (runs: ${sinkRuns.map((s) => fmt(s.rowsPerSecond)).join(', ')})`);
    console.log(`   peak RSS (VmHWM): median ${fmt(median(sinkRuns.map((s) => s.peakRssMb)), 1)} MB, max ${fmt(Math.max(...sinkRuns.map((s) => s.peakRssMb)), 1)} MB (goal ≤ 150 MB)`);

    // 4. End-to-end latency at a steady rate: produce → row committed (the sink process reports each batch's commit).
    const lat = byTag.get('blat') as TestProduct;
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'e2e-sink-child.ts')], { cwd: ROOT, env: { ...envOf(lat), BENCH_TAGS: tags.join(',') }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const latencies: Array<{ at: number; ms: number }> = [];
    let buffer = '';
    let joined = false;
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        const m = JSON.parse(line) as { at?: number; ts?: number[]; joined?: number };
        if (m.joined) joined = true;
        if (m.at && m.ts) for (const t of m.ts) latencies.push({ at: m.at, ms: m.at - t });
      }
    });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const until = Date.now() + 120_000;
    while (!joined) {
      if (Date.now() > until) throw new Error(`the latency sink did not start: ${err}`);
      await new Promise((res) => setTimeout(res, 20));
    }
    const producer = await createProducer(lat.product, { connection: mesh.kafkaAs(lat.compiled.producer.principal), lock: lat.lock });
    const total = o.rate * o.latencySeconds;
    const perTick = Math.max(1, Math.round(o.rate / 100)); // every 10 ms
    const start = Date.now();
    let sent = 0;
    for (let tick = 0; sent < total; tick++) {
      const due = start + tick * 10;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      const batch = values.slice(sent % values.length, (sent % values.length) + perTick);
      await producer.sendBatch(batch);
      sent += batch.length;
    }
    const sendSeconds = (Date.now() - start) / 1000;
    await producer.close();
    const doneBy = Date.now() + 30_000;
    while (latencies.length < sent && Date.now() < doneBy) await new Promise((res) => setTimeout(res, 50));
    child.kill('SIGTERM');
    await new Promise((res) => child.once('exit', res));
    const all = latencies.map((l) => l.ms);
    const steady = latencies.filter((l) => l.at - start > 5_000).map((l) => l.ms);
    console.log(`\n4. end-to-end latency, produce → row committed (${fmt(sent)} records at ${fmt(sent / sendSeconds)} records/s for ${fmt(sendSeconds, 1)} s; batches of ${perTick} every 10 ms):`);
    console.log(`   all: p50 ${fmt(pct(all, 50), 1)} ms, p99 ${fmt(pct(all, 99), 1)} ms, max ${fmt(Math.max(...all), 1)} ms (${fmt(all.length)} rows)`);
    console.log(`   after the first 5 s: p50 ${fmt(pct(steady, 50), 1)} ms, p99 ${fmt(pct(steady, 99), 1)} ms (goal p99 ≤ 50 ms)`);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await mesh?.close();
    await pg.stop();
    await stopBroker(kafkaDir);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : String(err));
  process.exitCode = 1;
});
