import { z } from '../contracts/index';
console.log(JSON.stringify(z.toJSONSchema(z.object({ a: z.uuid(), b: z.iso.datetime(), c: z.int().min(0), d: z.record(z.string(), z.string()).optional(), e: z.enum(['A','B']), f: z.iso.date() }), { target: 'draft-2020-12' }), null, 1));
