/**
 * The e2e benchmark's sink process: the Postgres sink exactly as the container
 * runs it (configured by the container's environment variables), plus one JSON
 * line on stdout per committed batch — when it committed and each record's
 * produce timestamp — so that the benchmark measures produce → row committed.
 */
import { runPostgresSink } from '../runtime/postgres-sink';
import { findConsumer, findProductByTopic, prepareProduct, type MeshProduct } from '../runtime/products';
import { readSinkEnvironment } from '../runtime/sink-environment';
import { silentLog } from '../runtime/log';
import { fixtureProducts, renamed } from '../test/support/runtime-mesh';

async function main(): Promise<void> {
  const cfg = readSinkEnvironment();
  const tags = (process.env.BENCH_TAGS ?? '').split(',').filter(Boolean);
  const mesh: MeshProduct[] = tags.flatMap((t) => fixtureProducts().map((p) => renamed(p, t))).map((p) => ({ product: p.product, lock: p.lock }));
  const entry = findProductByTopic(mesh, cfg.topic);
  const { compiled } = prepareProduct(entry.product, entry.lock);
  const consumer = findConsumer(compiled, cfg.groupId.slice(compiled.topic.length + 1), { sinkOnly: true });
  const sink = await runPostgresSink(entry.product, consumer.name, {
    connection: cfg.kafka,
    lock: entry.lock,
    postgres: cfg.postgres,
    log: { ...silentLog, error: (m) => process.stderr.write(`${m}\n`) },
    onCommitted: (b) => process.stdout.write(`${JSON.stringify({ at: b.committedAt, ts: b.records.map((r) => Number(r.timestamp)), written: b.written })}\n`),
  });
  process.stdout.write(`${JSON.stringify({ joined: Date.now() })}\n`);
  await sink.stopped;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
