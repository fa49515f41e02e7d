/**
 * The compiled encoder: JavaScript generated once per codec from the contract's shape and its locked field
 * numbers, which normalises a record that Zod has already accepted (`normalise.ts`'s rules) and writes its protobuf
 * bytes — byte for byte what protobufjs's reflective `fromObject` + `encode` write (fields in number order;
 * implicit-presence fields at their zero value omitted; packed repeated scalars; map entries in `Object.keys`
 * order with key and value always written).
 *
 * It does not judge: anything unusual — a lone surrogate, a datetime it does not read itself or outside the
 * Timestamp range, a record key `__proto__`, a record near the topic's size limit — makes it give up (`BAIL`), and
 * the codec takes the reference path (`reference.ts`), which decides and builds the violation. Contract strings
 * (field names) enter the generated source only as `JSON.stringify`'d literals; enum tables are passed in as values.
 */
import type { FieldNumber, Numbering } from '../proto/numbering';
import { INT32_MAX, INT32_MIN, type ShapeField, type ShapeType } from '../schema/shape';
import { isoFromMs, TIMESTAMP_MAX_MS, TIMESTAMP_MIN_MS, utcIsoMs } from './timestamp';

/** Thrown inside generated code to give up; never escapes the codec. */
export const BAIL = Symbol('contract-mesh.codec.bail');

/** The compiled encoder of one contract. */
export interface CompiledEncoder {
  /** The normalised value and its bytes, or `undefined` to take the reference path. `value` must satisfy the contract (Zod said so). */
  encode(value: Record<string, unknown>): { bytes: Buffer; value: Record<string, unknown> } | undefined;
  /** The generated source (for tests and curiosity). */
  readonly source: string;
}

/**
 * The writer every generated encoder starts with: a growable scratch Buffer, varints, doubles, strings,
 * length-delimited sections. Fixed text (nothing from the contract).
 */
const PRELUDE = `
let buf = Buffer.allocUnsafeSlow(16384), pos = 0;
const f64 = new Float64Array(1), f64b = new Uint8Array(f64.buffer);
function grow(n) {
  const need = pos + n;
  if (need > hardCap) throw BAIL;
  let size = buf.length * 2;
  while (size < need) size *= 2;
  const next = Buffer.allocUnsafeSlow(Math.min(size, hardCap + 64));
  buf.copy(next, 0, 0, pos);
  buf = next;
}
function u32(v) {
  while (v > 127) { buf[pos++] = (v & 127) | 128; v >>>= 7; }
  buf[pos++] = v;
}
function i32(v) {
  if (v >= 0) { u32(v); return; }
  i64(v);
}
function i64(v) {
  let lo, hi;
  if (v >= 0) { lo = v >>> 0; hi = Math.floor(v / 4294967296) >>> 0; }
  else { const a = -v; lo = a >>> 0; hi = Math.floor(a / 4294967296) >>> 0; lo = (~lo + 1) >>> 0; hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0; }
  while (hi > 0 || lo > 127) {
    buf[pos++] = (lo & 127) | 128;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  buf[pos++] = lo;
}
function dbl(v) {
  f64[0] = v;
  buf[pos] = f64b[0]; buf[pos + 1] = f64b[1]; buf[pos + 2] = f64b[2]; buf[pos + 3] = f64b[3];
  buf[pos + 4] = f64b[4]; buf[pos + 5] = f64b[5]; buf[pos + 6] = f64b[6]; buf[pos + 7] = f64b[7];
  pos += 8;
}
function str(s) {
  const n = s.length;
  if (n < 43) {
    if (pos + 1 + 3 * n > buf.length) grow(1 + 3 * n);
    const start = pos++;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c < 128) buf[pos++] = c;
      else if (c < 2048) { buf[pos++] = (c >> 6) | 192; buf[pos++] = (c & 63) | 128; }
      else if (c < 0xd800 || c > 0xdfff) { buf[pos++] = (c >> 12) | 224; buf[pos++] = ((c >> 6) & 63) | 128; buf[pos++] = (c & 63) | 128; }
      else {
        const d = s.charCodeAt(i + 1);
        if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) throw BAIL; // a lone surrogate
        c = 0x10000 + ((c & 1023) << 10) + (d & 1023);
        i++;
        buf[pos++] = (c >> 18) | 240; buf[pos++] = ((c >> 12) & 63) | 128; buf[pos++] = ((c >> 6) & 63) | 128; buf[pos++] = (c & 63) | 128;
      }
    }
    buf[start] = pos - start - 1;
    return;
  }
  strSlow(s);
}
function strSlow(s) {
  if (!s.isWellFormed()) throw BAIL;
  const len = Buffer.byteLength(s, 'utf8');
  if (pos + 5 + len > buf.length) grow(5 + len);
  u32(len);
  pos += buf.utf8Write(s, pos, len);
}
function ensure(n) { if (pos + n > buf.length) grow(n); }
function open() { if (pos + 16 > buf.length) grow(16); return pos++; }
function close(start) {
  const len = pos - start - 1;
  if (len < 128) { buf[start] = len; return; }
  const k = len < 16384 ? 2 : len < 2097152 ? 3 : len < 268435456 ? 4 : 5;
  ensure(k);
  buf.copyWithin(start + k, start + 1, pos);
  pos += k - 1;
  let p = start, v = len;
  while (v > 127) { buf[p++] = (v & 127) | 128; v >>>= 7; }
  buf[p] = v;
}
let lastStamp = '', lastMs = 0;
function stamp(s) {
  if (s === lastStamp) return lastMs;
  const ms = msFromIso(s);
  if (!(ms >= minMs && ms <= maxMs)) throw BAIL;
  lastStamp = s; lastMs = ms;
  return ms;
}
`;

function tagOf(n: number, wire: number): number {
  return n * 8 + wire;
}

function tagBytes(tag: number): string {
  const out: number[] = [];
  let v = tag;
  while (v > 127) {
    out.push((v & 127) | 128);
    v >>>= 7;
  }
  out.push(v);
  return out.map((b) => `buf[pos++] = ${b};`).join(' ');
}

/** Wire type of a leaf (the decoder reads what this writes). */
export function wireOf(t: ShapeType): number {
  switch (t.kind) {
    case 'int':
    case 'boolean':
    case 'enum':
      return 0;
    case 'double':
      return 1;
    default:
      return 2;
  }
}

/** Whether an int field is carried as int32 (else int64). */
export const is32 = (t: Extract<ShapeType, { kind: 'int' }>) => t.min >= INT32_MIN && t.max <= INT32_MAX;

interface Gen {
  readonly lines: string[];
  readonly enums: Array<Record<string, number>>;
  readonly keys: string[];
  counter: number;
}

/** Leaf kinds whose normalised value is the value itself (strings and dates as given, enum names, booleans). */
const IDENTITY: ReadonlySet<string> = new Set(['string', 'date', 'enum', 'boolean']);

/** Source of the normalised value of leaf type `t` held in expression `src` (already valid). */
function normLeaf(g: Gen, t: ShapeType, src: string, messages: Map<readonly ShapeField[], number>): string {
  switch (t.kind) {
    case 'uuid':
      return `${src}.toLowerCase()`;
    case 'datetime':
      return `normStamp(${src})`;
    case 'int':
    case 'double':
      return `(${src} === 0 ? 0 : ${src})`;
    case 'object':
      return `N${messages.get(t.fields)}(${src})`;
    default:
      return src;
  }
}

/** Source that writes the (normalised) leaf value `x` with tag `tag` (the tag included). */
function writeLeaf(t: ShapeType, n: FieldNumber, tag: number, x: string, g: Gen, messages: Map<readonly ShapeField[], number>): string {
  const tb = tagBytes(tag);
  switch (t.kind) {
    case 'string':
    case 'uuid':
    case 'date':
      return `ensure(5); ${tb} str(${x});`;
    case 'int':
      return is32(t) ? `ensure(15); ${tb} i32(${x});` : `ensure(15); ${tb} i64(${x});`;
    case 'double':
      return `ensure(13); ${tb} dbl(${x});`;
    case 'boolean':
      return `ensure(6); ${tb} buf[pos++] = ${x} ? 1 : 0;`;
    case 'enum': {
      g.enums.push(Object.fromEntries(t.values.map((v) => [v, n.values?.[v]?.number as number])));
      return `ensure(15); ${tb} i32(E${g.enums.length - 1}[${x}]);`;
    }
    case 'datetime':
      return `ensure(30); ${tb} writeStamp(${x});`;
    case 'object':
      return `ensure(5); ${tb} { const s = open(); W${messages.get(t.fields)}(${x}); close(s); }`;
    default:
      throw new Error(`no leaf writer for ${t.kind}`);
  }
}

function collectMessages(fields: readonly ShapeField[], out: Map<readonly ShapeField[], number>): void {
  if (out.has(fields)) return;
  out.set(fields, out.size);
  for (const f of fields) {
    const t = f.type.kind === 'array' ? f.type.items : f.type.kind === 'record' ? f.type.values : f.type;
    if (t.kind === 'object') collectMessages(t.fields, out);
  }
}

/** Generates N<k> (normalise) and W<k> (write) for one message. */
function genMessage(g: Gen, k: number, fields: readonly ShapeField[], numbers: Readonly<Record<string, FieldNumber>>, messages: Map<readonly ShapeField[], number>): void {
  const L = g.lines;
  // N: normalise, in the shape's order (the order of the value the reference builds).
  L.push(`function N${k}(v) {`, '  const o = {};');
  for (const f of fields) {
    const key = JSON.stringify(f.name);
    const r = `r${g.counter++}`;
    L.push(`  const ${r} = v[${key}];`);
    const t = f.type;
    // The value is Zod's output: fresh objects and arrays the codec owns, so a map or list whose items need no
    // normalisation is kept as it is instead of copied.
    if (t.kind === 'record') {
      L.push(`  if (${r} === undefined) o[${key}] = {}; else {`);
      L.push(`    if (hasOwn.call(${r}, "__proto__")) throw BAIL;`);
      if (IDENTITY.has(t.values.kind)) {
        L.push(`    const ks = Object.keys(${r});`, `    for (let i = 0; i < ks.length; i++) if (!ks[i].isWellFormed()) throw BAIL;`, `    o[${key}] = ${r};`, '  }');
        continue;
      }
      L.push(`    const m = {}, ks = Object.keys(${r});`);
      L.push(`    for (let i = 0; i < ks.length; i++) { const kk = ks[i]; if (!kk.isWellFormed()) throw BAIL; m[kk] = ${normLeaf(g, t.values, `${r}[kk]`, messages)}; }`);
      L.push(`    o[${key}] = m;`, '  }');
      continue;
    }
    if (t.kind === 'array') {
      L.push(`  if (${r} !== undefined${f.required ? '' : ` && ${r}.length !== 0`}) {`);
      if (IDENTITY.has(t.items.kind)) {
        L.push(`    o[${key}] = ${r};`, '  }');
        continue;
      }
      const item = normLeaf(g, t.items, `${r}[i]`, messages);
      L.push(`    const n = ${r}.length, a = new Array(n);`, `    for (let i = 0; i < n; i++) a[i] = ${item};`, `    o[${key}] = a;`, '  }');
      continue;
    }
    L.push(`  if (${r} !== undefined) o[${key}] = ${normLeaf(g, t, r, messages)};`);
  }
  L.push('  return o;', '}');

  // W: write, in field-number order (protobufjs's order).
  L.push(`function W${k}(o) {`);
  const byNumber = [...fields].sort((a, b) => numbers[a.name].number - numbers[b.name].number);
  for (const f of byNumber) {
    const key = JSON.stringify(f.name);
    const n = numbers[f.name];
    const t = f.type;
    const x = `x${g.counter++}`;
    L.push(`  const ${x} = o[${key}];`);
    if (t.kind === 'array') {
      const it = t.items;
      if (it.kind === 'int' || it.kind === 'double' || it.kind === 'boolean' || it.kind === 'enum') {
        // packed
        const one = it.kind === 'int' ? (is32(it) ? 'i32(a[i])' : 'i64(a[i])') : it.kind === 'double' ? 'dbl(a[i])' : it.kind === 'boolean' ? 'buf[pos++] = a[i] ? 1 : 0' : `i32(E${g.enums.push(Object.fromEntries(it.values.map((v) => [v, n.values?.[v]?.number as number]))) - 1}[a[i]])`;
        L.push(`  if (${x} !== undefined && ${x}.length !== 0) {`, `    const a = ${x}; ensure(5); ${tagBytes(tagOf(n.number, 2))} const s = open();`);
        L.push(`    for (let i = 0; i < a.length; i++) { ensure(10); ${one}; }`, '    close(s);', '  }');
      } else {
        L.push(`  if (${x} !== undefined) for (let i = 0; i < ${x}.length; i++) { ${writeLeaf(it, n, tagOf(n.number, wireOf(it)), `${x}[i]`, g, messages)} }`);
      }
      continue;
    }
    if (t.kind === 'record') {
      const v = t.values;
      L.push(`  { const ks = Object.keys(${x}); for (let i = 0; i < ks.length; i++) {`);
      L.push(`    ensure(5); ${tagBytes(tagOf(n.number, 2))} const s = open(); ensure(1); buf[pos++] = 10; str(ks[i]);`);
      L.push(`    ${writeLeaf(v, n, tagOf(2, wireOf(v)), `${x}[ks[i]]`, g, messages)}`);
      L.push('    close(s);', '  } }');
      continue;
    }
    const write = writeLeaf(t, n, tagOf(n.number, wireOf(t)), x, g, messages);
    if (!f.required || t.kind === 'object' || t.kind === 'datetime') L.push(`  if (${x} !== undefined) { ${write} }`);
    else if (t.kind === 'string' || t.kind === 'uuid' || t.kind === 'date') L.push(`  if (${x} !== "") { ${write} }`);
    else if (t.kind === 'boolean') L.push(`  if (${x}) { ${write} }`);
    else L.push(`  if (${x} !== 0) { ${write} }`);
  }
  L.push('}');
}

/**
 * Compiles the encoder of a shape. `maxMessageBytes` bounds the scratch buffer: a record that grows past it gives
 * up, and the reference path reports it too large.
 */
export function compileEncoder(fields: readonly ShapeField[], numbering: Numbering, maxMessageBytes: number): CompiledEncoder {
  const messages = new Map<readonly ShapeField[], number>();
  collectMessages(fields, messages);
  const numbersOf = new Map<readonly ShapeField[], Readonly<Record<string, FieldNumber>>>();
  const walk = (fs: readonly ShapeField[], ns: Readonly<Record<string, FieldNumber>>) => {
    numbersOf.set(fs, ns);
    for (const f of fs) {
      const t = f.type.kind === 'array' ? f.type.items : f.type.kind === 'record' ? f.type.values : f.type;
      if (t.kind === 'object') walk(t.fields, ns[f.name].fields ?? {});
    }
  };
  walk(fields, numbering.fields);
  const g: Gen = { lines: [], enums: [], keys: [], counter: 0 };
  for (const [fs, k] of messages) genMessage(g, k, fs, numbersOf.get(fs) as Readonly<Record<string, FieldNumber>>, messages);
  const body = [
    PRELUDE,
    // a UTC datetime stamp() has read: kept as it is in the form …:SS.mmmZ, else its digits cut or padded to it
    `function normStamp(s) { const ms = stamp(s), n = s.length; if (n === 24) return s; const iso = n === 20 ? s.slice(0, 19) + '.000Z' : n > 24 ? s.slice(0, 23) + 'Z' : isoFromMs(ms); lastStamp = iso; return iso; }`,
    `function writeStamp(s) { const ms = stamp(s); const sec = Math.floor(ms / 1000), nanos = (ms - sec * 1000) * 1000000; const st = pos++; if (sec !== 0) { buf[pos++] = 8; i64(sec); } if (nanos !== 0) { buf[pos++] = 16; u32(nanos); } buf[st] = pos - st - 1; }`,
    ...g.lines,
    `return function encode(v) {`,
    `  pos = 0;`,
    `  let o;`,
    `  try { o = N0(v); W0(o); } catch (e) { if (e === BAIL) return undefined; throw e; }`,
    `  const bytes = Buffer.allocUnsafe(pos);`,
    `  if (pos < 256) for (let i = 0; i < pos; i++) bytes[i] = buf[i]; else buf.copy(bytes, 0, 0, pos);`,
    `  return { bytes, value: o };`,
    `};`,
  ].join('\n');
  const enumNames = g.enums.map((_, i) => `E${i}`);
  // A datetime's normalised string is kept as given only in the exact form `YYYY-MM-DDTHH:MM:SS.mmmZ` (24 chars),
  // which stamp() has read digit by digit; any other spelling is rebuilt from its instant.
  const factory = new Function('BAIL', 'Buffer', 'hasOwn', 'msFromIso', 'isoFromMs', 'minMs', 'maxMs', 'hardCap', ...enumNames, body) as (...args: unknown[]) => CompiledEncoder['encode'];
  const hardCap = maxMessageBytes + 1024;
  const encode = factory(BAIL, Buffer, Object.prototype.hasOwnProperty, utcIsoMs, isoFromMs, TIMESTAMP_MIN_MS, TIMESTAMP_MAX_MS, hardCap, ...g.enums.map((e) => Object.assign(Object.create(null), e)));
  return { encode, source: body };
}
