/**
 * Generates N realistic data-product contract files for the synth benchmark:
 * events and entities over ~25 domains, 2–4 consumers each, every
 * classification, bounded and unbounded schemas (nested objects, arrays,
 * records, optional fields), retention in days or hours, with or without an
 * owner principal, a few products with a second major version, about 20 %
 * with one consumer sinking into Postgres (upsert for entities, append for
 * events) and 10 % with one consumer deployed as an ECS service.
 *
 * Deterministic: the same N and seed give byte-identical files. Every
 * generated product is valid in every environment of `stacks/environments.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { recordSizeBound } from '../contracts/derive/message-size';
import { shapeOf } from '../contracts/schema/shape';

/** The bound of one record of a schema given by its field declarations (`z` code), or undefined when unbounded. */
function boundOf(fields: readonly string[]): number | undefined {
  const schema = new Function('z', `return z.object({ ${fields.join(', ')} });`)(z) as unknown;
  const { shape } = shapeOf(schema);
  return recordSizeBound(shape).bytes;
}

/** The ~25 domains products are spread over. */
export const BENCH_DOMAINS: readonly string[] = [
  'payments', 'orders', 'customers', 'inventory', 'shipping', 'billing', 'catalog', 'pricing', 'marketing',
  'loyalty', 'fraud', 'identity', 'search', 'reviews', 'returns', 'warehouse', 'suppliers', 'finance',
  'hr', 'support', 'notifications', 'analytics', 'risk', 'compliance', 'partners',
];

const NOUNS = [
  'payment', 'order', 'invoice', 'refund', 'shipment', 'parcel', 'customer', 'account', 'session', 'cart',
  'product', 'price', 'discount', 'coupon', 'campaign', 'reward', 'ticket', 'review', 'return', 'stock',
  'supplier', 'contract', 'ledger', 'transfer', 'device', 'alert', 'case', 'claim', 'quote', 'subscription',
];
const EVENT_SUFFIXES = ['events', 'changes', 'audit', 'signals', 'updates'];
const ENTITY_SUFFIXES = ['state', 'profile', 'snapshot', 'status'];
const CONSUMERS = [
  'analytics', 'ledger', 'search-indexer', 'fraud-scoring', 'crm-sync', 'billing', 'reporting', 'ml-features',
  'audit', 'notifications', 'data-lake', 'customer-care', 'forecasting', 'risk-engine',
];
/** Shared consumer principals, as in a real organisation where one loader reads many products. */
const SHARED_PRINCIPALS: Record<string, string> = {
  analytics: 'User:analytics-loader',
  'data-lake': 'User:data-lake-loader',
  reporting: 'User:reporting-etl',
};
const CLASSIFICATIONS = ['public', 'internal', 'internal', 'confidential', 'confidential', 'pii'] as const;
type Classification = (typeof CLASSIFICATIONS)[number];
/** Retention choices allowed in prod for each classification (prod errors on overflow; dev clamps). */
const RETENTIONS: Record<Classification, readonly string[]> = {
  public: ['{ days: 7 }', '{ days: 30 }', '{ days: 90 }', '{ days: 365 }', '{ hours: 48 }'],
  internal: ['{ days: 3 }', '{ days: 7 }', '{ days: 14 }', '{ days: 30 }', '{ hours: 72 }'],
  confidential: ['{ days: 7 }', '{ days: 30 }', '{ days: 90 }', '{ hours: 12 }'],
  pii: ['{ days: 1 }', '{ days: 7 }', '{ days: 30 }', '{ hours: 36 }'],
};
/** Share of products with one Postgres sink consumer, and with one deployed consumer. */
export const SINK_SHARE = 0.2;
export const DEPLOYMENT_SHARE = 0.1;
const COMPATIBILITIES = [undefined, 'BACKWARD', 'FORWARD', 'FULL'] as const;

/** Optional extra fields a schema may get; each line is a field declaration. */
const EXTRA_FIELDS: readonly string[] = [
  'amountMinor: z.int().nonnegative()',
  "currency: z.enum(['USD', 'EUR', 'GBP', 'CHF'])",
  'note: z.string().max(500).optional()',
  'reference: z.string().min(1).max(64)',
  'attributes: z.record(z.string(), z.string()).optional()',
  'lines: z.array(z.object({ sku: z.string().min(1).max(32), quantity: z.int().min(1).max(1000), unitPriceMinor: z.int().nonnegative() })).min(1).max(100)',
  'address: z.object({ line1: z.string().max(120), city: z.string().max(80), postalCode: z.string().max(16), country: z.string().length(2) }).optional()',
  'score: z.number().min(0).max(1)',
  'active: z.boolean()',
  'businessDate: z.iso.date()',
  'tags: z.array(z.string().max(32)).max(20).optional()',
  'location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional()',
  'channel: z.enum([\'WEB\', \'APP\', \'STORE\', \'PARTNER\'])',
  'quantity: z.int().min(0).max(1_000_000)',
  'comment: z.string().optional()',
];

/** One generated product file. */
export interface GeneratedProduct {
  readonly domain: string;
  readonly name: string;
  readonly version: number;
  /** Path relative to the products folder: `<domain>/<file>.ts`. */
  readonly file: string;
  /** The TypeScript source. */
  readonly source: string;
}

/** Options of {@link generateProducts}. */
export interface GenerateOptions {
  /**
   * Seed of the pseudo-random choices.
   * @default 1
   */
  readonly seed?: number;
  /**
   * How a product file imports the DSL.
   * @default '../../index' (a file in `contracts/products/<domain>/`)
   */
  readonly importFrom?: string;
  /**
   * Number of domains to spread products over (at most 25).
   * @default 25
   */
  readonly domains?: number;
}

/** mulberry32: a small, fast, deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const camel = (kebab: string) => kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Generates `n` products, deterministically. Names are unique; about one in twenty is a second major version. */
export function generateProducts(n: number, options: GenerateOptions = {}): GeneratedProduct[] {
  const rand = prng(options.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const importFrom = options.importFrom ?? '../../index';
  const domains = BENCH_DOMAINS.slice(0, Math.max(1, Math.min(options.domains ?? 25, BENCH_DOMAINS.length)));
  const out: GeneratedProduct[] = [];
  const used = new Set<string>();
  const firstVersions: Array<{ domain: string; name: string; kind: 'event' | 'entity'; noun: string }> = [];

  for (let i = 0; i < n; i++) {
    const domain = domains[i % domains.length];
    let name: string;
    let version = 1;
    let kind: 'event' | 'entity';
    let noun: string;
    if (firstVersions.length > 10 && rand() < 0.05) {
      // A breaking change: the next major version of an existing product, in its own file.
      const base = firstVersions.splice(Math.floor(rand() * firstVersions.length), 1)[0];
      ({ name, kind, noun } = base);
      version = 2;
      out.push(render(base.domain, name, version, kind, noun));
      continue;
    }
    kind = rand() < 0.7 ? 'event' : 'entity';
    noun = pick(NOUNS);
    const suffix = pick(kind === 'event' ? EVENT_SUFFIXES : ENTITY_SUFFIXES);
    name = `${noun}-${suffix}`;
    for (let k = 2; used.has(`${domain}/${name}`); k++) name = `${noun}-${suffix}-${k}`;
    used.add(`${domain}/${name}`);
    firstVersions.push({ domain, name, kind, noun });
    out.push(render(domain, name, version, kind, noun));
  }
  return out;

  function render(domain: string, name: string, version: number, kind: 'event' | 'entity', noun: string): GeneratedProduct {
    const key = `${camel(noun)}Id`;
    const classification = pick(CLASSIFICATIONS);
    const fields: string[] = [`${key}: ${rand() < 0.8 ? 'z.uuid()' : 'z.string().min(1).max(40)'}`];
    const extras = [...EXTRA_FIELDS];
    const count = 2 + Math.floor(rand() * 6);
    for (let f = 0; f < count && extras.length; f++) fields.push(extras.splice(Math.floor(rand() * extras.length), 1)[0]);
    fields.push(`status: z.enum(['NEW', 'ACTIVE', 'SUSPENDED', 'CLOSED'${version > 1 ? ", 'ARCHIVED'" : ''}])`);
    fields.push(kind === 'entity' ? 'updatedAt: z.iso.datetime()' : 'occurredAt: z.iso.datetime()');

    const consumerCount = 2 + Math.floor(rand() * 3);
    const pool = [...CONSUMERS];
    const consumers: string[] = [];
    // About one product in five has a consumer with a Postgres sink, one in ten a consumer deployed as a service.
    const sinkAt = rand() < SINK_SHARE ? Math.floor(rand() * consumerCount) : -1;
    const deploymentAt = rand() < DEPLOYMENT_SHARE ? Math.floor(rand() * consumerCount) : -1;
    for (let c = 0; c < consumerCount; c++) {
      const cname = pool.splice(Math.floor(rand() * pool.length), 1)[0];
      const principal = SHARED_PRINCIPALS[cname] ?? `User:${domain}-${cname}`;
      const extra = [
        ...(c === sinkAt ? [`sink: { postgres: { mode: '${kind === 'entity' ? 'upsert' : 'append'}' } }`] : []),
        ...(c === deploymentAt ? [`deployment: { image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/${cname}:1.${Math.floor(rand() * 10)}.0', cpu: 256, memoryMiB: 512, minTasks: 1, maxTasks: 1 }`] : []),
      ];
      consumers.push(`    { name: '${cname}', principal: '${principal}'${extra.map((e) => `, ${e}`).join('')} },`);
    }
    const team = `${domain}-${pick(['core', 'platform', 'data', 'ops'])}`;
    const ownerPrincipal = rand() < 0.7 ? `, principal: 'User:${domain}-oncall'` : '';
    const compatibility = pick(COMPATIBILITIES);
    const rate = pick([5, 20, 100, 300, 1000, 2500, 8000, 20000]);
    const SIZES = [150, 300, 600, 1200, 3000];
    // A record's average size can be no more than the schema's bound of one record (contract rule).
    const bound = boundOf(fields);
    const picked = pick(SIZES);
    const size = bound === undefined || picked <= bound ? picked : [...SIZES].reverse().find((x) => x <= bound) ?? Math.max(1, Math.floor(bound / 2));
    const exportName = `${camel(name)}V${version}`;
    const source = [
      `import { defineDataProduct, z } from '${importFrom}';`,
      '',
      `/** Generated for the synth benchmark (bench/generate.ts). */`,
      `export const ${exportName} = defineDataProduct({`,
      `  domain: '${domain}',`,
      `  name: '${name}',`,
      `  version: ${version},`,
      `  description: 'Every ${kind === 'event' ? 'change' : 'current state'} of ${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun} in ${domain}.',`,
      `  owner: { team: '${team}', contact: '${team}@example.com'${ownerPrincipal} },`,
      `  producer: { principal: 'User:${domain}-${noun}-service' },`,
      `  kind: '${kind}',`,
      `  key: '${key}',`,
      '  schema: z.object({',
      ...fields.map((f) => `    ${f},`),
      '  }),',
      `  retention: ${pick(RETENTIONS[classification])},`,
      `  throughput: { peakMessagesPerSecond: ${rate}, averageMessageBytes: ${size} },`,
      `  classification: '${classification}',`,
      ...(compatibility ? [`  compatibility: '${compatibility}',`] : []),
      '  consumers: [',
      ...consumers,
      '  ],',
      '});',
      '',
    ].join('\n');
    return { domain, name, version, file: `${domain}/${name}${version > 1 ? `-v${version}` : ''}.ts`, source };
  }
}

/** Writes the products below `productsDir` (creating folders); returns them. */
export function writeProducts(productsDir: string, n: number, options: GenerateOptions = {}): GeneratedProduct[] {
  const products = generateProducts(n, options);
  for (const p of products) {
    const path = join(productsDir, p.file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, p.source);
  }
  return products;
}
