import { compiled } from '../test/helpers';
import { generateProto } from '../contracts/proto/print-proto';
import { z } from '../contracts/index';
const p = compiled({ schema: z.object({ paymentId: z.uuid(), amountMinor: z.int().nonnegative(), big: z.int().min(0).max(2**40), ratio: z.number().optional(), currency: z.enum(['USD','EUR']), occurredAt: z.iso.datetime(), tags: z.array(z.string()), stamps: z.array(z.iso.datetime()).optional(), ok: z.boolean().optional(),
 addr: z.object({ line1: z.string(), kind: z.enum(['HOME','workPlace']).optional() }).optional(), items: z.array(z.object({ sku: z.string(), qty: z.int().min(1).max(5) })), metadata: z.record(z.string(), z.string()).optional(), counts: z.record(z.string(), z.int().min(0).max(10)) }) });
const r = generateProto(p);
console.log(r.problems, r.proto?.text);
