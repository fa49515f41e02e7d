/**
 * The compiled decoder: JavaScript generated once per codec from the contract's shape and its locked field
 * numbers, which reads protobuf bytes straight into the contract's value (camelCase names, enum names, datetimes as
 * ISO strings) — the value the reference path (protobufjs's `decode`, then the conversion in `reference.ts`)
 * builds, for every input it takes.
 *
 * It takes only canonical input: anything else — a truncated or over-long varint, a group, field number 0, a
 * singular message sent twice, a map entry without its key or value (or with one twice), invalid UTF-8, an enum
 * number the contract does not have, a missing required message, a Timestamp outside its range, a record key
 * `__proto__` — makes it give up (`BAIL`), and the codec takes the reference path, which decides and builds the
 * violation. Unknown fields (wire types 0, 1, 2, 5) are skipped, as protobufjs does. Contract strings (field
 * names) enter the generated source only as `JSON.stringify`'d literals; enum tables are passed in as values.
 */
import { isUtf8 } from 'node:buffer';
import type { FieldNumber, Numbering } from '../proto/numbering';
import type { ShapeField, ShapeType } from '../schema/shape';
import { BAIL, is32, wireOf } from './compile-encoder';
import { isoFromMs, TIMESTAMP_MAX_NANOS, TIMESTAMP_MAX_SECONDS, TIMESTAMP_MIN_SECONDS } from './timestamp';

/** The compiled decoder of one contract. */
export interface CompiledDecoder {
  /** The value of the bytes, or `undefined` to take the reference path. */
  decode(bytes: Uint8Array): Record<string, unknown> | undefined;
  /** The generated source. */
  readonly source: string;
}

/** The reader every generated decoder starts with. Fixed text (nothing from the contract). */
const PRELUDE = `
let buf, bb, pos = 0;
const f64 = new Float64Array(1), f64b = new Uint8Array(f64.buffer);
function rv(end) {
  if (pos >= end) throw BAIL;
  let b = buf[pos++];
  if (b < 128) return b;
  let v = b & 127;
  if (pos >= end) throw BAIL; b = buf[pos++]; v |= (b & 127) << 7; if (b < 128) return v;
  if (pos >= end) throw BAIL; b = buf[pos++]; v |= (b & 127) << 14; if (b < 128) return v;
  if (pos >= end) throw BAIL; b = buf[pos++]; v |= (b & 127) << 21; if (b < 128) return v;
  if (pos >= end) throw BAIL; b = buf[pos++]; v |= (b & 15) << 28; if (b < 128) return v >>> 0;
  for (let i = 0; i < 5; i++) { if (pos >= end) throw BAIL; if (buf[pos++] < 128) return v >>> 0; }
  throw BAIL;
}
function rt(end) {
  if (pos >= end) throw BAIL;
  let b = buf[pos++];
  if (b < 128) { if (b < 8) throw BAIL; return b; }
  let v = b & 127;
  if (pos >= end) throw BAIL; b = buf[pos++]; v |= (b & 127) << 7;
  if (b >= 128) {
    if (pos >= end) throw BAIL; b = buf[pos++]; v |= (b & 127) << 14;
    if (b >= 128) {
      if (pos >= end) throw BAIL; b = buf[pos++]; v |= (b & 127) << 21;
      if (b >= 128) { if (pos >= end) throw BAIL; b = buf[pos++]; if (b >= 16) throw BAIL; v = (v | (b << 28)) >>> 0; }
    }
  }
  if (v < 8) throw BAIL;
  return v;
}
function rl(end) {
  if (pos >= end) throw BAIL;
  let b = buf[pos++];
  if (b < 128) return b;
  let v = b & 127;
  if (pos >= end) throw BAIL; b = buf[pos++]; v |= (b & 127) << 7; if (b < 128) return v;
  if (pos >= end) throw BAIL; b = buf[pos++]; v |= (b & 127) << 14; if (b < 128) return v;
  if (pos >= end) throw BAIL; b = buf[pos++]; v |= (b & 127) << 21; if (b < 128) return v;
  throw BAIL;
}
function r64(end) {
  let lo = 0, hi = 0, b;
  for (let s = 0; s < 28; s += 7) { if (pos >= end) throw BAIL; b = buf[pos++]; lo |= (b & 127) << s; if (b < 128) return lo >>> 0; }
  if (pos >= end) throw BAIL; b = buf[pos++]; lo |= (b & 127) << 28; hi = (b & 127) >> 4;
  if (b < 128) return (hi | 0) * 4294967296 + (lo >>> 0);
  for (let s = 3; s < 32; s += 7) { if (pos >= end) throw BAIL; b = buf[pos++]; hi |= (b & 127) << s; if (b < 128) return (hi | 0) * 4294967296 + (lo >>> 0); }
  throw BAIL;
}
function rb(end) {
  let v = false;
  for (let i = 0; i < 10; i++) { if (pos >= end) throw BAIL; const b = buf[pos++]; if (b & 127) v = true; if (b < 128) return v; }
  throw BAIL;
}
function rd(end) {
  if (pos + 8 > end) throw BAIL;
  f64b[0] = buf[pos]; f64b[1] = buf[pos + 1]; f64b[2] = buf[pos + 2]; f64b[3] = buf[pos + 3];
  f64b[4] = buf[pos + 4]; f64b[5] = buf[pos + 5]; f64b[6] = buf[pos + 6]; f64b[7] = buf[pos + 7];
  pos += 8;
  return f64[0];
}
function rs(end) {
  const n = rl(end), start = pos, e = pos + n;
  if (e > end) throw BAIL;
  pos = e;
  if (n < 16) {
    let s = '';
    for (let i = start; i < e; i++) { const c = buf[i]; if (c >= 128) return utf8(start, e); s += String.fromCharCode(c); }
    return s;
  }
  for (let i = start; i < e; i++) if (buf[i] >= 128) return utf8(start, e);
  return bb.latin1Slice(start, e);
}
function utf8(start, e) {
  if (e - start > 64) {
    if (!isUtf8(buf.subarray(start, e))) throw BAIL;
    return bb.utf8Slice(start, e);
  }
  // Short strings: decoded here, valid UTF-8 only (Unicode's table 3-7); anything else is the reference's to judge.
  let s = '';
  for (let i = start; i < e; ) {
    const b0 = buf[i];
    if (b0 < 128) { s += String.fromCharCode(b0); i++; continue; }
    let cp, need, lo = 128, hi = 191;
    if (b0 >= 0xc2 && b0 <= 0xdf) { need = 1; cp = b0 & 31; }
    else if (b0 >= 0xe0 && b0 <= 0xef) { need = 2; cp = b0 & 15; if (b0 === 0xe0) lo = 0xa0; else if (b0 === 0xed) hi = 0x9f; }
    else if (b0 >= 0xf0 && b0 <= 0xf4) { need = 3; cp = b0 & 7; if (b0 === 0xf0) lo = 0x90; else if (b0 === 0xf4) hi = 0x8f; }
    else throw BAIL;
    if (i + need >= e) throw BAIL;
    const b1 = buf[i + 1];
    if (!(b1 >= lo && b1 <= hi)) throw BAIL;
    cp = (cp << 6) | (b1 & 63);
    for (let k = 2; k <= need; k++) { const b = buf[i + k]; if (!(b >= 128 && b <= 191)) throw BAIL; cp = (cp << 6) | (b & 63); }
    i += need + 1;
    if (cp < 0x10000) s += String.fromCharCode(cp);
    else { cp -= 0x10000; s += String.fromCharCode(0xd800 + (cp >> 10), 0xdc00 + (cp & 1023)); }
  }
  return s;
}
function skip(t, end) {
  switch (t & 7) {
    case 0: for (let i = 0; ; i++) { if (i === 10 || pos >= end) throw BAIL; if (buf[pos++] < 128) return; }
    case 1: if (pos + 8 > end) throw BAIL; pos += 8; return;
    case 2: { const n = rl(end); if (pos + n > end) throw BAIL; pos += n; return; }
    case 5: if (pos + 4 > end) throw BAIL; pos += 4; return;
    default: throw BAIL;
  }
}
function sub(end) { const n = rl(end), e = pos + n; if (e > end) throw BAIL; return e; }
function stamp(end) {
  const e = sub(end);
  let sec = 0, nanos = 0;
  while (pos < e) {
    const t = rt(e);
    if (t === 8) sec = r64(e);
    else if (t === 16) nanos = rv(e) | 0;
    else skip(t, e);
  }
  if (!(sec >= minSec && sec <= maxSec) || nanos < 0 || nanos > maxNanos) throw BAIL;
  return isoFromMs(sec * 1000 + Math.floor(nanos / 1000000));
}
`;


interface Gen {
  readonly lines: string[];
  readonly enums: Array<Record<number, string>>;
  counter: number;
}

/** An expression reading one leaf of type `t` (its tag already read), bounded by `end`. */
function readLeaf(g: Gen, t: ShapeType, end: string, messages: Map<readonly ShapeField[], number>): string {
  switch (t.kind) {
    case 'string':
    case 'uuid':
    case 'date':
      return `rs(${end})`;
    case 'int':
      return is32(t) ? `(rv(${end}) | 0)` : `r64(${end})`;
    case 'double':
      return `rd(${end})`;
    case 'boolean':
      return `rb(${end})`;
    case 'enum':
      return `(rv(${end}) | 0)`;
    case 'datetime':
      return `stamp(${end})`;
    case 'object':
      return `D${messages.get(t.fields)}(sub(${end}))`;
    default:
      throw new Error(`no leaf reader for ${t.kind}`);
  }
}

/** The enum table of a field (number → contract value; removed values left out), as a constant name. */
function enumTable(g: Gen, t: Extract<ShapeType, { kind: 'enum' }>, n: FieldNumber): string {
  const table: Record<number, string> = {};
  for (const v of t.values) {
    const e = n.values?.[v];
    if (e && !e.removed) table[e.number] = v;
  }
  g.enums.push(table);
  return `E${g.enums.length - 1}`;
}

/** An expression turning a read leaf `x` into the contract's value (enum number → name, bailing on an unknown one). */
function convert(g: Gen, t: ShapeType, n: FieldNumber, x: string): string {
  if (t.kind !== 'enum') return x;
  return `en(${enumTable(g, t, n)}, ${x})`;
}

function genMessage(g: Gen, k: number, fields: readonly ShapeField[], numbers: Readonly<Record<string, FieldNumber>>, messages: Map<readonly ShapeField[], number>): void {
  const L = g.lines;
  const state: string[] = [];
  const cases: string[] = [];
  const build: string[] = [];
  for (const f of fields) {
    const n = numbers[f.name];
    const key = JSON.stringify(f.name);
    const v = `v${g.counter++}`;
    const t = f.type;
    if (t.kind === 'array') {
      const it = t.items;
      state.push(`let ${v};`);
      const packable = it.kind === 'int' || it.kind === 'double' || it.kind === 'boolean' || it.kind === 'enum';
      cases.push(`case ${n.number * 8 + wireOf(it)}: (${v} || (${v} = [])).push(${readLeaf(g, it, 'end', messages)}); break;`);
      if (packable) cases.push(`case ${n.number * 8 + 2}: { const e = sub(end); if (${v} === undefined) ${v} = []; while (pos < e) ${v}.push(${readLeaf(g, it, 'e', messages)}); break; }`);
      if (it.kind === 'enum') {
        const table = enumTable(g, it, n);
        build.push(`if (${v} !== undefined) for (let i = 0; i < ${v}.length; i++) ${v}[i] = en(${table}, ${v}[i]);`);
      }
      build.push(f.required ? `o[${key}] = ${v} === undefined ? [] : ${v};` : `if (${v} !== undefined && ${v}.length !== 0) o[${key}] = ${v};`);
      continue;
    }
    if (t.kind === 'record') {
      const vt = t.values;
      state.push(`let ${v};`);
      cases.push(
        `case ${n.number * 8 + 2}: { const e = sub(end); let key, val, hk = false, hv = false; ` +
          `while (pos < e) { const t2 = rt(e); if (t2 === 10) { if (hk) throw BAIL; key = rs(e); hk = true; } ` +
          `else if (t2 === ${16 + wireOf(vt)}) { if (hv) throw BAIL; val = ${readLeaf(g, vt, 'e', messages)}; hv = true; } else skip(t2, e); } ` +
          `if (!hk || !hv || key === "__proto__") throw BAIL; (${v} || (${v} = {}))[key] = ${convert(g, vt, n, 'val')}; break; }`,
      );
      build.push(`o[${key}] = ${v} === undefined ? {} : ${v};`);
      continue;
    }
    const message = t.kind === 'object' || t.kind === 'datetime';
    const init = !f.required || message || t.kind === 'enum' ? 'undefined' : t.kind === 'boolean' ? 'false' : t.kind === 'string' || t.kind === 'uuid' || t.kind === 'date' ? '""' : '0';
    state.push(`let ${v} = ${init};`);
    const read = readLeaf(g, t, 'end', messages);
    cases.push(message ? `case ${n.number * 8 + 2}: if (${v} !== undefined) throw BAIL; ${v} = ${read}; break;` : `case ${n.number * 8 + wireOf(t)}: ${v} = ${read}; break;`);
    if (t.kind === 'enum') {
      const table = enumTable(g, t, n);
      build.push(f.required ? `o[${key}] = en(${table}, ${v});` : `if (${v} !== undefined) o[${key}] = en(${table}, ${v});`);
    } else if (f.required && message) build.push(`if (${v} === undefined) throw BAIL; o[${key}] = ${v};`);
    else if (!f.required) build.push(`if (${v} !== undefined) o[${key}] = ${v};`);
    else build.push(`o[${key}] = ${v};`);
  }
  L.push(`function D${k}(end) {`, ...state.map((s) => `  ${s}`), '  while (pos < end) {', '    const t = rt(end);', '    switch (t) {');
  for (const c of cases) L.push(`      ${c}`);
  L.push('      default: skip(t, end);', '    }', '  }', '  const o = {};', ...build.map((b) => `  ${b}`), '  return o;', '}');
}

function collect(fields: readonly ShapeField[], numbers: Readonly<Record<string, FieldNumber>>, out: Map<readonly ShapeField[], number>, nums: Map<readonly ShapeField[], Readonly<Record<string, FieldNumber>>>): void {
  if (out.has(fields)) return;
  out.set(fields, out.size);
  nums.set(fields, numbers);
  for (const f of fields) {
    const t = f.type.kind === 'array' ? f.type.items : f.type.kind === 'record' ? f.type.values : f.type;
    if (t.kind === 'object') collect(t.fields, numbers[f.name].fields ?? {}, out, nums);
  }
}

/** Compiles the decoder of a shape with its locked numbers. */
export function compileDecoder(fields: readonly ShapeField[], numbering: Numbering): CompiledDecoder {
  const messages = new Map<readonly ShapeField[], number>();
  const nums = new Map<readonly ShapeField[], Readonly<Record<string, FieldNumber>>>();
  collect(fields, numbering.fields, messages, nums);
  const g: Gen = { lines: [], enums: [], counter: 0 };
  for (const [fs, k] of messages) genMessage(g, k, fs, nums.get(fs) as Readonly<Record<string, FieldNumber>>, messages);
  const body = [
    PRELUDE,
    `function en(table, n) { const name = table[n]; if (name === undefined) throw BAIL; return name; }`,
    ...g.lines,
    'return function decode(bytes) {',
    '  buf = bytes; bb = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength); pos = 0;',
    '  try { return D0(bytes.length); } catch (e) { if (e === BAIL) return undefined; throw e; } finally { buf = undefined; bb = undefined; }',
    '};',
  ].join('\n');
  const enumNames = g.enums.map((_, i) => `E${i}`);
  const factory = new Function('BAIL', 'Buffer', 'isUtf8', 'isoFromMs', 'minSec', 'maxSec', 'maxNanos', ...enumNames, body) as (...args: unknown[]) => CompiledDecoder['decode'];
  const decode = factory(BAIL, Buffer, isUtf8, isoFromMs, TIMESTAMP_MIN_SECONDS, TIMESTAMP_MAX_SECONDS, TIMESTAMP_MAX_NANOS, ...g.enums.map((e) => Object.assign(Object.create(null), e)));
  return { decode, source: body };
}
