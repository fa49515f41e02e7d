/**
 * fast-check arbitraries of values of a contract's Shape: the one generator for
 * every test that needs contract values — the codec's properties, the Postgres
 * sink's round trips — and for the codec benchmark. Generated values are meant
 * to pass the contract's Zod schema (the sink tests assert it; the codec tests
 * filter by it).
 *
 * Besides the normal form, values use the other spellings a contract accepts:
 * upper-case UUIDs, datetimes without a fraction or with more fraction digits.
 */
import fc from 'fast-check';
import type { Shape, ShapeField, ShapeType } from '../../contracts/schema/shape';

/** How values are generated. */
export interface ValueOptions {
  /**
   * Where the other accepted spellings appear: at every depth, or only in top-level fields (a sink's
   * columns; nested values are stored as jsonb exactly as the codec decodes them, so they stay in normal form).
   * @default 'everywhere'
   */
  readonly spellings?: 'everywhere' | 'top-level';
  /**
   * Only values PostgreSQL stores exactly: no U+0000 in strings, no datetime finer than a millisecond.
   * @default false
   */
  readonly storable?: boolean;
}

/** What a sink test needs: values PostgreSQL stores, other spellings only in columns. */
export const STORABLE: ValueOptions = { spellings: 'top-level', storable: true };

const MIN_DATE = new Date('0001-01-01T00:00:00.000Z');
const MAX_DATE = new Date('9999-12-31T23:59:59.999Z');
const isoDate = fc.date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true });
/** Addresses every email validator accepts (fast-check's own emailAddress() spells many that Zod's z.email() refuses). */
const email = fc.tuple(fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.stringMatching(/^[a-z]{1,12}$/)).map(([a, b]) => `${a}.x@${b}.example`);
/** https URLs every URL validator accepts (a host, an optional path and query). */
const url = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/), fc.stringMatching(/^(\/[a-z0-9]{1,8}){0,3}$/), fc.option(fc.stringMatching(/^[a-z]{1,6}=[a-z0-9]{0,6}$/), { nil: undefined }))
  .map(([host, path, query]) => `https://${host}.example${path}${query ? `?${query}` : ''}`);

/** One code point: mostly ASCII, some BMP (no surrogates), some beyond U+FFFF (two UTF-16 units); U+0000 unless storable. */
function codePoints(storable: boolean): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
      { weight: 3, arbitrary: fc.integer({ min: storable ? 1 : 0, max: 0xd7ff }) },
      { weight: 1, arbitrary: fc.integer({ min: 0xe000, max: 0xfffd }) },
      { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }) },
    )
    .map((cp) => String.fromCodePoint(cp));
}

class Generator {
  private readonly codePoint: fc.Arbitrary<string>;

  constructor(private readonly options: Required<ValueOptions>) {
    this.codePoint = codePoints(options.storable);
  }

  object(fields: readonly ShapeField[], top: boolean): fc.Arbitrary<Record<string, unknown>> {
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of fields) model[f.name] = this.type(f.type, top || this.options.spellings === 'everywhere');
    return fc.record(model, { requiredKeys: fields.filter((f) => f.required).map((f) => f.name) }) as fc.Arbitrary<Record<string, unknown>>;
  }

  /** `spelled`: other accepted spellings may be used here. */
  type(t: ShapeType, spelled: boolean): fc.Arbitrary<unknown> {
    switch (t.kind) {
      case 'uuid':
        return spelled ? fc.tuple(fc.uuid(), fc.boolean()).map(([u, upper]) => (upper ? u.toUpperCase() : u)) : fc.uuid();
      case 'string':
        if (t.format === 'email') return email.filter((e) => e.length <= (t.maxLength ?? Infinity) && e.length >= (t.minLength ?? 0));
        if (t.format === 'url' || t.format === 'httpurl') return url.filter((u) => u.length <= (t.maxLength ?? Infinity) && u.length >= (t.minLength ?? 0));
        if (t.format) throw new Error(`no generator for string format ${t.format}`);
        return this.string(t.minLength ?? 0, t.maxLength);
      case 'datetime':
        return spelled ? fc.tuple(isoDate, fc.constantFrom(...this.fractions())).map(([d, f]) => spell(d.toISOString(), f)) : isoDate.map((d) => d.toISOString());
      case 'date':
        return isoDate.map((d) => d.toISOString().slice(0, 10));
      case 'int':
        return t.min >= -(2 ** 31) && t.max <= 2 ** 31 - 1
          ? fc.integer({ min: t.min, max: t.max })
          : fc.bigInt({ min: BigInt(t.min), max: BigInt(t.max) }).map(Number);
      case 'double':
        return fc.double({
          min: t.min ?? -Number.MAX_VALUE,
          max: t.max ?? Number.MAX_VALUE,
          minExcluded: !!t.minExclusive,
          maxExcluded: !!t.maxExclusive,
          noNaN: true,
          noDefaultInfinity: true,
        });
      case 'boolean':
        return fc.boolean();
      case 'enum':
        return fc.constantFrom(...t.values);
      case 'object':
        return this.object(t.fields, false);
      case 'array':
        return fc.array(this.type(t.items, this.options.spellings === 'everywhere'), {
          minLength: t.minItems ?? 0,
          maxLength: Math.max(t.minItems ?? 0, Math.min(t.maxItems ?? 4, 4)),
        });
      case 'record':
        return fc.dictionary(this.string(0, 12).filter((k) => k !== '__proto__'), this.type(t.values, this.options.spellings === 'everywhere'), { maxKeys: 3 });
    }
  }

  /** Lengths are UTF-16 units (Zod's `.length`); a code point beyond U+FFFF counts twice. */
  private string(min: number, max: number | undefined): fc.Arbitrary<string> {
    const cap = Math.min(max ?? 40, 40);
    return fc
      .array(this.codePoint, { minLength: Math.min(min, cap), maxLength: Math.max(Math.min(cap, max ?? cap), min) })
      .map((a) => a.join(''))
      .filter((s) => s.length >= min && (max === undefined || s.length <= max));
  }

  /** Fraction spellings of a datetime: none (when it is a whole second), or more digits (not storable). */
  private fractions(): string[] {
    return this.options.storable ? ['', 'short'] : ['', 'short', '123', '999999'];
  }
}

/** `iso` (`…T…:SS.mmmZ`) in another accepted spelling: `short` drops a zero fraction, digits extend it. */
function spell(iso: string, fraction: string): string {
  if (fraction === 'short') return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
  return iso.replace('Z', `${fraction}Z`);
}

/** Values of a contract's shape. */
export function valueArb(shape: Shape, options: ValueOptions = {}): fc.Arbitrary<Record<string, unknown>> {
  const generator = new Generator({ spellings: options.spellings ?? 'everywhere', storable: options.storable ?? false });
  return generator.object(shape.fields, true);
}

/** The normalised form a sink table gives back: UTC datetimes with ms, lower-case UUIDs, nested values as JSON (no -0). */
export function normaliseForSink(shape: Shape, value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of shape.fields) {
    const v = value[f.name];
    if (v === undefined) continue;
    switch (f.type.kind) {
      case 'datetime':
        out[f.name] = new Date(v as string).toISOString();
        break;
      case 'uuid':
        out[f.name] = (v as string).toLowerCase();
        break;
      case 'object':
      case 'array':
      case 'record':
        out[f.name] = JSON.parse(JSON.stringify(v));
        break;
      default:
        out[f.name] = v;
    }
  }
  return out;
}
