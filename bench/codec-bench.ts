/**
 * `npm run bench -- --only codec` (or `npm run bench:codec`): the edge codec per example product, in one run, on
 * the same 500 generated valid values:
 *
 * - encode (validate + normalise + serialize) against `schema.parse` + `JSON.stringify` (the JSON path, the goal:
 *   ≥ 1.0×), against the frozen pre-compilation codec (`bench/frozen-codec/`, the floor of the goal: ≥ 4×) and
 *   against `schema.safeParse` + protobufjs's `encode` of a ready message (what any codec that calls both pays);
 * - decode (parse + check) against `JSON.parse` + `schema.parse`, the frozen codec and protobufjs's `decode` +
 *   `schema.safeParse`;
 * - ns per record (the best of 15 short windows taken in turn), bytes allocated per record (V8 heap + array buffers, measured
 *   between forced GCs with a young generation large enough that none runs in between), and the protobuf/JSON
 *   size ratio.
 *
 * Prints Markdown tables for BENCHMARKS.md. Figures vary by machine; nothing asserts them.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import fc from 'fast-check';
import { createCodec } from '../contracts/codec';
import { discoverProducts } from '../contracts/discover';
import { readLocks } from '../contracts/lock/lock-store';
import { valueArb } from '../test/support/arbitrary';
import { createCodec as createFrozenCodec } from './frozen-codec/codec';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  // Re-run with a collector we can call and a young generation that holds a measurement's garbage.
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=64', '--import', 'tsx', __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const ROOT = join(__dirname, '..');
const VALUES = 500;
/** Passes over the values per timed window (a window is ~1,000–5,000 calls: short, so that a quiet one exists). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
/** Timed windows per contender, taken in turn; the fastest counts (the machine is shared: the minimum is the cost without interference). */
const WINDOWS = Number(process.env.BENCH_WINDOWS ?? 15);

function nsPerRecord(inputs: readonly unknown[], fn: (v: unknown) => unknown): number {
  const start = process.hrtime.bigint();
  for (let r = 0; r < ROUNDS; r++) for (const v of inputs) fn(v);
  return Number(process.hrtime.bigint() - start) / (ROUNDS * inputs.length);
}

let gcs = 0;
new PerformanceObserver((list) => (gcs += list.getEntries().length)).observe({ entryTypes: ['gc'] });

/** Bytes allocated per call: heap and array buffers grown over a run with no GC in it (retried smaller if one ran). */
function bytesPerRecord(inputs: readonly unknown[], fn: (v: unknown) => unknown): number {
  const sink: unknown[] = new Array(inputs.length);
  for (let n = inputs.length; n >= 16; n = Math.floor(n / 2)) {
    (gc as () => void)();
    const before = process.memoryUsage();
    const g = gcs;
    for (let i = 0; i < n; i++) sink[i] = fn(inputs[i]);
    const after = process.memoryUsage();
    if (gcs === g) return (after.heapUsed - before.heapUsed + after.arrayBuffers - before.arrayBuffers) / n;
  }
  return NaN;
}

interface Contender {
  readonly name: string;
  readonly inputs: readonly unknown[];
  readonly fn: (v: unknown) => unknown;
}

/** ns per record of each contender: warmed up, then the best of WINDOWS windows taken in turn so that none profits from its place. */
function race(contenders: readonly Contender[]): Map<string, number> {
  for (const c of contenders) for (let i = 0; i < 5; i++) for (const v of c.inputs) c.fn(v);
  const best = new Map<string, number>();
  for (let round = 0; round < WINDOWS; round++) {
    for (const c of round % 2 ? [...contenders].reverse() : contenders) {
      const ns = nsPerRecord(c.inputs, c.fn);
      best.set(c.name, Math.min(best.get(c.name) ?? Infinity, ns));
    }
  }
  return best;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

const { entries } = discoverProducts(join(ROOT, 'contracts', 'products'), ROOT);
const { locks } = readLocks(join(ROOT, 'contracts', 'locks'), ROOT);
const encodeRows: string[] = [];
const decodeRows: string[] = [];
const sizeRows: string[] = [];
/** BENCH_PRODUCTS=payment-events,refund: only the products whose id contains one of these. */
const only = process.env.BENCH_PRODUCTS?.split(',').filter(Boolean);
for (const { product } of entries) {
  const id = `${product.spec.domain}/${product.spec.name}@v${product.spec.version}`;
  if (only && !only.some((o) => id.includes(o))) continue;
  const lock = locks.get(id);
  const codec = createCodec(product, { lock });
  const frozen = createFrozenCodec(product, { lock });
  const schema = product.spec.schema;
  const type = codec.type;
  const values = fc.sample(valueArb(codec.product.shape).filter((v) => codec.encode(v).ok), { numRuns: VALUES, seed: 42 });
  const bytes = values.map((v) => {
    const e = codec.encode(v);
    if (!e.ok || !e.bytes) throw new Error(`${id}: ${JSON.stringify(e)}`);
    const f = frozen.encode(v);
    if (!f.ok || !f.bytes || !Buffer.from(f.bytes).equals(Buffer.from(e.bytes))) throw new Error(`${id}: the frozen codec writes other bytes`);
    return e.bytes;
  });
  const messages = bytes.map((b) => type.decode(b));
  const jsons = values.map((v) => JSON.stringify(schema.parse(v)));
  const protoBytes = bytes.reduce((t, b) => t + b.length, 0);
  const jsonBytes = jsons.reduce((t, j) => t + Buffer.byteLength(j), 0);

  const enc: Contender[] = [
    { name: 'codec', inputs: values, fn: (v) => codec.encode(v) },
    { name: 'json', inputs: values, fn: (v) => JSON.stringify(schema.parse(v)) },
    { name: 'frozen', inputs: values, fn: (v) => frozen.encode(v) },
    { name: 'floor', inputs: values.map((v, i) => [v, messages[i]]), fn: (p) => { const [v, m] = p as [unknown, ReturnType<typeof type.decode>]; schema.safeParse(v); return type.encode(m).finish(); } },
  ];
  const dec: Contender[] = [
    { name: 'codec', inputs: bytes, fn: (b) => codec.decode(b as Uint8Array) },
    { name: 'json', inputs: jsons, fn: (j) => schema.parse(JSON.parse(j as string)) },
    { name: 'frozen', inputs: bytes, fn: (b) => frozen.decode(b as Uint8Array) },
    { name: 'floor', inputs: bytes.map((b, i) => [b, values[i]]), fn: (p) => { const [b, v] = p as [Uint8Array, unknown]; type.decode(b); return schema.safeParse(v); } },
  ];
  const e = race(enc);
  const d = race(dec);
  const eb = new Map(enc.map((c) => [c.name, bytesPerRecord(c.inputs, c.fn)]));
  const db = new Map(dec.map((c) => [c.name, bytesPerRecord(c.inputs, c.fn)]));
  const row = (m: Map<string, number>, b: Map<string, number>) =>
    `| ${id} | ${fmt(m.get('codec')!)} | ${fmt(m.get('json')!)} | ${fmt(m.get('frozen')!)} | ${fmt(m.get('floor')!)} | **${x(m.get('json')!, m.get('codec')!)}** | ${x(m.get('frozen')!, m.get('codec')!)} | ${x(m.get('floor')!, m.get('codec')!)} | ${fmt(b.get('codec')!)} | ${fmt(b.get('json')!)} | ${fmt(b.get('frozen')!)} |`;
  encodeRows.push(row(e, eb));
  decodeRows.push(row(d, db));
  sizeRows.push(`| ${id} | ${Math.round(protoBytes / values.length)} B | ${Math.round(jsonBytes / values.length)} B | ${(protoBytes / jsonBytes).toFixed(2)} |`);
}

const head = (json: string, floor: string) => [
  `| product | codec ns | ${json} ns | frozen ns | floor ns | × ${json} | × frozen | × floor | codec B | ${json} B | frozen B |`,
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  `<!-- floor: ${floor}; × = the other's ns ÷ the codec's (above 1 = the codec is faster); B = bytes allocated per record -->`,
];
console.log(`Codec, ${VALUES} generated valid values per product, ${ROUNDS} passes per timed window, best of ${WINDOWS} windows taken in turn, Node ${process.version}.\n`);
console.log('Encode (validate + normalise + serialize) against schema.parse + JSON.stringify:\n');
console.log([...head('JSON', 'schema.safeParse + protobufjs encode of a ready message'), ...encodeRows].join('\n'));
console.log('\nDecode (parse + check) against JSON.parse + schema.parse:\n');
console.log([...head('JSON', 'protobufjs decode + schema.safeParse'), ...decodeRows].join('\n'));
console.log('\nPayload sizes:\n');
console.log(['| product | protobuf avg | JSON avg | protobuf/JSON |', '|---|---:|---:|---:|', ...sizeRows].join('\n'));
