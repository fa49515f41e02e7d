/**
 * `npm run bench:codec`: for each example product, the codec's encode
 * throughput (validate + normalise + protobuf) against `schema.parse` +
 * `JSON.stringify`, measured in the same run on the same values, and the
 * protobuf payload size as a fraction of the JSON size. Prints a Markdown
 * table (for BENCHMARKS.md). Figures vary by machine; nothing asserts them.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCodec } from '../contracts/codec';
import { discoverProducts } from '../contracts/discover';
import { readLocks } from '../contracts/lock/lock-store';
import { valueArb } from '../test/support/arbitrary';

const ROOT = join(__dirname, '..');
const VALUES = 500;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);

function opsPerSecond(values: readonly unknown[], fn: (v: unknown) => unknown): number {
  for (const v of values) fn(v); // warm-up
  const start = performance.now();
  for (let r = 0; r < ROUNDS; r++) for (const v of values) fn(v);
  return (values.length * ROUNDS) / ((performance.now() - start) / 1000);
}

const { entries } = discoverProducts(join(ROOT, 'contracts', 'products'), ROOT);
const { locks } = readLocks(join(ROOT, 'contracts', 'locks'), ROOT);
const rows: string[] = [];
for (const { product } of entries) {
  const id = `${product.spec.domain}/${product.spec.name}@v${product.spec.version}`;
  const codec = createCodec(product, { lock: locks.get(id) });
  const schema = product.spec.schema;
  const values = fc.sample(valueArb(codec.product.shape).filter((v) => schema.safeParse(v).success), { numRuns: VALUES, seed: 42 });
  let protoBytes = 0;
  let jsonBytes = 0;
  for (const v of values) {
    const e = codec.encode(v);
    if (!e.ok || !e.bytes) throw new Error(`${id}: ${JSON.stringify(e)}`);
    protoBytes += e.bytes.length;
    jsonBytes += Buffer.byteLength(JSON.stringify(schema.parse(v)));
  }
  // Alternate the two (best of three each), so that neither profits from running second.
  let codecOps = 0;
  let jsonOps = 0;
  for (let i = 0; i < 3; i++) {
    jsonOps = Math.max(jsonOps, opsPerSecond(values, (v) => JSON.stringify(schema.parse(v))));
    codecOps = Math.max(codecOps, opsPerSecond(values, (v) => codec.encode(v)));
  }
  rows.push(`| ${id} | ${Math.round(codecOps).toLocaleString('en-US')} | ${Math.round(jsonOps).toLocaleString('en-US')} | ${(codecOps / jsonOps).toFixed(2)} | ${Math.round(protoBytes / values.length)} B | ${Math.round(jsonBytes / values.length)} B | ${(protoBytes / jsonBytes).toFixed(2)} |`);
}
console.log(`Codec encode, ${VALUES} generated values × ${ROUNDS} rounds, best of 3, Node ${process.version}:\n`);
console.log('| product | codec encode/s | parse + JSON.stringify/s | ratio | proto avg | JSON avg | proto/JSON size |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
