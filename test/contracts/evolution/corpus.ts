/**
 * The evolution corpus: pairs and chains of contract versions, each with the
 * modes that must accept its last version (judged against every earlier one).
 */
import { z } from '../../../contracts/index';
import type { Compatibility, ProductKind } from '../../../contracts/dsl/data-product';

export interface Step {
  readonly schema: z.ZodObject;
  /** @default 'id' */
  readonly key?: string;
  /** @default 'event' */
  readonly kind?: ProductKind;
}

export interface EvolutionCase {
  readonly name: string;
  /** Oldest first; the last one is judged against all the others. */
  readonly chain: readonly Step[];
  /** The modes that accept the last step. */
  readonly accepts: readonly Compatibility[];
}

const ALL: Compatibility[] = ['BACKWARD', 'FORWARD', 'FULL', 'NONE'];
const B: Compatibility[] = ['BACKWARD', 'NONE'];
const F: Compatibility[] = ['FORWARD', 'NONE'];
const N: Compatibility[] = ['NONE'];
const NOTHING: Compatibility[] = [];

const id = z.uuid();
const base = { id, amount: z.int().min(0).max(1000), note: z.string().max(100).optional() };
const s = (shape: Record<string, z.ZodType>): Step => ({ schema: z.object(shape) });

export const CASES: readonly EvolutionCase[] = [
  { name: 'no change', chain: [s(base), s(base)], accepts: ALL },
  { name: 'fields reordered', chain: [s(base), s({ note: base.note, amount: base.amount, id })], accepts: ALL },
  { name: 'optional field added', chain: [s(base), s({ ...base, extra: z.string().optional() })], accepts: ALL },
  { name: 'required field added', chain: [s(base), s({ ...base, extra: z.string() })], accepts: F },
  { name: 'optional field removed', chain: [s(base), s({ id, amount: base.amount })], accepts: ALL },
  { name: 'required field removed', chain: [s(base), s({ id, note: base.note })], accepts: B },
  { name: 'field renamed (removal + addition, required)', chain: [s(base), s({ id, total: base.amount, note: base.note })], accepts: N },
  { name: 'optional field renamed', chain: [s(base), s({ id, amount: base.amount, comment: base.note })], accepts: ALL },
  { name: 'required → optional', chain: [s(base), s({ ...base, amount: base.amount.optional() })], accepts: B },
  { name: 'optional → required', chain: [s(base), s({ ...base, note: z.string().max(100) })], accepts: F },
  { name: 'int → string', chain: [s(base), s({ ...base, amount: z.string() })], accepts: N },
  { name: 'int32 → int64 (bounds beyond 32 bits)', chain: [s(base), s({ ...base, amount: z.int().min(0) })], accepts: N },
  { name: 'int bounds widened within int32', chain: [s(base), s({ ...base, amount: z.int().min(0).max(5000) })], accepts: B },
  { name: 'int bounds narrowed', chain: [s(base), s({ ...base, amount: z.int().min(0).max(10) })], accepts: F },
  { name: 'int bounds moved', chain: [s(base), s({ ...base, amount: z.int().min(10).max(2000) })], accepts: N },
  { name: 'string max length raised', chain: [s(base), s({ ...base, note: z.string().max(200).optional() })], accepts: B },
  { name: 'string max length lowered', chain: [s(base), s({ ...base, note: z.string().max(50).optional() })], accepts: F },
  { name: 'string → uuid', chain: [s({ id, ref: z.string() }), s({ id, ref: z.uuid() })], accepts: N },
  { name: 'string → datetime', chain: [s({ id, at: z.string() }), s({ id, at: z.iso.datetime() })], accepts: N },
  { name: 'double bounds widened', chain: [s({ id, lat: z.number().min(-90).max(90) }), s({ id, lat: z.number() })], accepts: B },
  { name: 'double → int', chain: [s({ id, v: z.number() }), s({ id, v: z.int().min(0).max(9) })], accepts: N },
  { name: 'boolean → enum', chain: [s({ id, ok: z.boolean() }), s({ id, ok: z.enum(['YES', 'NO']) })], accepts: N },
  { name: 'enum value added', chain: [s({ id, st: z.enum(['A', 'B']) }), s({ id, st: z.enum(['A', 'B', 'C']) })], accepts: B },
  { name: 'enum value removed', chain: [s({ id, st: z.enum(['A', 'B']) }), s({ id, st: z.enum(['A']) })], accepts: F },
  { name: 'enum values reordered', chain: [s({ id, st: z.enum(['A', 'B']) }), s({ id, st: z.enum(['B', 'A']) })], accepts: ALL },
  { name: 'enum value renamed', chain: [s({ id, st: z.enum(['A', 'B']) }), s({ id, st: z.enum(['A', 'BEE']) })], accepts: N },
  { name: 'nested optional field added', chain: [s({ id, addr: z.object({ city: z.string() }) }), s({ id, addr: z.object({ city: z.string(), zip: z.string().optional() }) })], accepts: ALL },
  { name: 'nested required field added', chain: [s({ id, addr: z.object({ city: z.string() }) }), s({ id, addr: z.object({ city: z.string(), zip: z.string() }) })], accepts: F },
  { name: 'nested required field removed', chain: [s({ id, addr: z.object({ city: z.string(), zip: z.string() }) }), s({ id, addr: z.object({ city: z.string() }) })], accepts: B },
  { name: 'nested field type changed', chain: [s({ id, addr: z.object({ zip: z.string() }) }), s({ id, addr: z.object({ zip: z.int() }) })], accepts: N },
  { name: 'array item required field added', chain: [s({ id, lines: z.array(z.object({ sku: z.string() })) }), s({ id, lines: z.array(z.object({ sku: z.string(), qty: z.int() })) })], accepts: F },
  { name: 'array item type changed', chain: [s({ id, tags: z.array(z.string()) }), s({ id, tags: z.array(z.int()) })], accepts: N },
  { name: 'array max items raised', chain: [s({ id, tags: z.array(z.string()).max(3) }), s({ id, tags: z.array(z.string()).max(10) })], accepts: B },
  { name: 'scalar → array', chain: [s({ id, tag: z.string() }), s({ id, tag: z.array(z.string()) })], accepts: N },
  { name: 'record value enum value added', chain: [s({ id, m: z.record(z.string(), z.enum(['A'])) }), s({ id, m: z.record(z.string(), z.enum(['A', 'B'])) })], accepts: B },
  { name: 'record value type changed', chain: [s({ id, m: z.record(z.string(), z.string()) }), s({ id, m: z.record(z.string(), z.int()) })], accepts: N },
  { name: 'optional nested object removed', chain: [s({ id, addr: z.object({ city: z.string() }).optional() }), s({ id })], accepts: ALL },
  { name: 'key changed', chain: [{ schema: z.object({ id, other: z.uuid() }) }, { schema: z.object({ id, other: z.uuid() }), key: 'other' }], accepts: NOTHING },
  { name: 'kind changed', chain: [s(base), { schema: z.object(base), kind: 'entity' }], accepts: NOTHING },
  // Chains: transitive judgement against every earlier shape.
  {
    name: 'chain: optional field removed then re-added required (breaks against shape #1 under BACKWARD)',
    chain: [s({ id, extra: z.string().optional() }), s({ id }), s({ id, extra: z.string() })],
    accepts: F,
  },
  {
    name: 'chain: bounds widened then narrowed below the first (narrowed against both)',
    chain: [s({ id, n: z.int().min(0).max(100) }), s({ id, n: z.int().min(0).max(200) }), s({ id, n: z.int().min(0).max(50) })],
    accepts: F,
  },
  {
    name: 'chain: bounds widened, then moved (widened against #2 only, moved against #1)',
    chain: [s({ id, n: z.int().min(10).max(100) }), s({ id, n: z.int().min(0).max(100) }), s({ id, n: z.int().min(0).max(50) })],
    accepts: N,
  },
  {
    name: 'chain: enum value added then removed again (FORWARD accepts: back to the first shape, and removal is fine for old consumers)',
    chain: [s({ id, st: z.enum(['A']) }), s({ id, st: z.enum(['A', 'B']) }), s({ id, st: z.enum(['A']) })],
    accepts: F,
  },
  {
    name: 'chain: two optional fields added one by one',
    chain: [s({ id }), s({ id, a: z.string().optional() }), s({ id, a: z.string().optional(), b: z.int().optional() })],
    accepts: ALL,
  },
  {
    name: 'chain: required field removed, then an optional field of the same name with another type',
    chain: [s({ id, v: z.string() }), s({ id }), s({ id, v: z.int().optional() })],
    accepts: N,
  },
];
