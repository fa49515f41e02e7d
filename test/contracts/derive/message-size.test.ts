import { z } from 'zod';
import {
  deriveDeadLetterMaxMessageBytes,
  deriveMaxMessageBytes,
  MIN_MAX_MESSAGE_BYTES,
  recordSizeBound,
} from '../../../contracts/derive/message-size';
import { shapeOf } from '../../../contracts/schema/shape';

const shape = (s: z.ZodObject) => shapeOf(s).shape;

describe('record size bound', () => {
  it('bounds a record whose every field is bounded, by the larger of JSON and protobuf', () => {
    const b = recordSizeBound(shape(z.object({ id: z.uuid(), name: z.string().max(10), ok: z.boolean() })));
    // JSON: {} 2 + "id": 2+4+38 + "name": 4+4+62 + "ok": 2+4+5 = 127
    expect(b.bytes).toBe(127);
    expect(b.unbounded).toEqual([]);
  });

  it('is unbounded when a string, an array or a record has no maximum, and names them', () => {
    const b = recordSizeBound(shape(z.object({ a: z.string(), b: z.array(z.int()), c: z.record(z.string(), z.string()).optional(), d: z.string().max(3) })));
    expect(b.bytes).toBeUndefined();
    expect(b.unbounded).toEqual(['schema.a', 'schema.b', 'schema.c']);
  });

  it('multiplies an array bound by its maximum number of items', () => {
    const one = recordSizeBound(shape(z.object({ xs: z.array(z.string().max(100)).max(1) }))).bytes!;
    const ten = recordSizeBound(shape(z.object({ xs: z.array(z.string().max(100)).max(10) }))).bytes!;
    expect(ten - 2).toBeGreaterThanOrEqual(10 * (one - 10));
  });
});

describe('max.message.bytes', () => {
  it('is set where the schema bounds the record: the bound + 8 KiB, at least 64 KiB', () => {
    const small = deriveMaxMessageBytes(shape(z.object({ id: z.uuid() })));
    expect(small.value).toBe(MIN_MAX_MESSAGE_BYTES);
    expect(small.reason).toMatch(/raised to the 64 KiB floor/);
    const big = deriveMaxMessageBytes(shape(z.object({ body: z.string().max(100_000) })));
    // JSON bound: 2 + 4 + 4 + 600,002 = 600,012; + 8,192 → ⌈608,204 / 1024⌉ × 1024 = 608,256
    expect(big.value).toBe(608_256);
  });

  it('is not set where the schema leaves the size unbounded, and says which field', () => {
    const d = deriveMaxMessageBytes(shape(z.object({ note: z.string() })));
    expect(d.value).toBeUndefined();
    expect(d.reason).toMatch(/schema\.note has no maximum/);
  });

  it("gives dead letters the larger of the main topic's and the broker's limit, plus 64 KiB of headers", () => {
    expect(deriveDeadLetterMaxMessageBytes(65_536, 1_048_588).value).toBe(1_048_588 + 65_536);
    expect(deriveDeadLetterMaxMessageBytes(2_000_000, 1_048_588).value).toBe(2_000_000 + 65_536);
    expect(deriveDeadLetterMaxMessageBytes(undefined, 1_048_588).value).toBe(1_048_588 + 65_536);
  });
});
