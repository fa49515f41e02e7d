/**
 * Compiles a declared product into a plain, validated, framework-free object
 * (a {@link CompiledProduct}): every name derived, the schema read into a
 * {@link Shape}. Constructs and generators take compiled products only.
 */
import type { Classification, Compatibility, DataProduct, DeploymentSpec, Principal, ProductKind, SinkSpec, SuppressionSpec } from './dsl/data-product';
import {
  consumerGroupName,
  deadLetterTopicName,
  productId,
  replayGroupName,
  topicName,
} from './derive/names';
import type { Problem } from './problems';
import { shapeOf, type Shape } from './schema/shape';
import { PRODUCT_RULES } from './validate/product-rules';

export interface CompiledConsumer {
  readonly name: string;
  readonly principal: Principal;
  /** `<topic>.<name>`. */
  readonly group: string;
  /** The consumer's sink, as declared (absent: no sink). */
  readonly sink?: SinkSpec;
  /** The consumer's service, when contract-mesh deploys it. */
  readonly deployment?: DeploymentSpec;
}

export interface CompiledProduct {
  /** `<domain>/<name>@v<version>`. */
  readonly id: string;
  readonly domain: string;
  readonly name: string;
  readonly version: number;
  readonly description: string;
  /** `replay: true` only when the contract opts in (the owner may then write the main topic). */
  readonly owner: { readonly team: string; readonly contact: string; readonly principal?: Principal; readonly replay?: true };
  readonly producer: { readonly principal: Principal };
  readonly kind: ProductKind;
  readonly key: string;
  readonly classification: Classification;
  readonly compatibility: Compatibility;
  /** The contract's retention in ms, and as the contract wrote it. */
  readonly retention: { readonly ms: number; readonly text: string };
  readonly throughput: { readonly peakMessagesPerSecond: number; readonly averageMessageBytes: number };
  readonly consumers: readonly CompiledConsumer[];
  readonly shape: Shape;
  /** Expected distinct keys, when the contract declares it. */
  readonly keyCardinality?: number;
  /** Policy suppressions declared in the contract (empty when none). */
  readonly suppressions: readonly SuppressionSpec[];
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly replayGroup: string;
  /** Partition growth the contract asks for, per environment (events only). @default - none */
  readonly partitionGrowth?: Readonly<Record<string, number>>;
  /** The file that declared it, relative to the project, when discovered from disk. */
  readonly source?: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A label for messages, usable even when the name itself is broken; names the file when known. */
export function labelOf(product: DataProduct, source?: string): string {
  const s = product.spec as unknown as Record<string, unknown>;
  const ok = (v: unknown) => (typeof v === 'string' && v ? v : '?');
  const id = `${ok(s.domain)}/${ok(s.name)}@v${typeof s.version === 'number' ? s.version : '?'}`;
  return source ? `${id} (${source})` : id;
}

/** Validates one product and compiles it; returns every problem found. */
export function compileProduct(product: DataProduct, source?: string): { product?: CompiledProduct; problems: Problem[] } {
  const spec = product.spec as unknown as Record<string, unknown>;
  const label = labelOf(product, source);
  const { shape, problems: shapeProblems } = spec.schema === undefined ? { shape: undefined, problems: [{ path: 'schema', message: 'schema is missing.', fix: 'declare the record as schema: z.object({ ... }).' }] } : shapeOf(spec.schema);
  const problems: Problem[] = shapeProblems.map((p) => ({ product: label, field: p.path, message: p.message, fix: p.fix }));
  const complete = shapeProblems.length === 0;
  for (const rule of PRODUCT_RULES) {
    for (const p of rule(spec, shapeProblems.some((x) => x.path === 'schema') ? undefined : shape, complete)) {
      problems.push({ product: label, ...p });
    }
  }
  if (problems.length > 0 || !shape) return { problems };

  const s = product.spec;
  const topic = topicName(s.domain, s.name, s.version);
  const dlq = deadLetterTopicName(topic);
  const retention = 'days' in s.retention && s.retention.days !== undefined
    ? { ms: Math.round(s.retention.days * DAY_MS), text: `${s.retention.days} day${s.retention.days === 1 ? '' : 's'}` }
    : { ms: Math.round((s.retention.hours as number) * HOUR_MS), text: `${s.retention.hours} hour${s.retention.hours === 1 ? '' : 's'}` };
  const compiled: CompiledProduct = {
    id: productId(s.domain, s.name, s.version),
    domain: s.domain,
    name: s.name,
    version: s.version,
    description: s.description,
    owner: { team: s.owner.team, contact: s.owner.contact, ...(s.owner.principal ? { principal: s.owner.principal } : {}), ...(s.owner.replay === true ? { replay: true as const } : {}) },
    producer: { principal: s.producer.principal },
    kind: s.kind,
    key: s.key,
    classification: s.classification,
    compatibility: s.compatibility ?? 'BACKWARD',
    retention,
    throughput: { peakMessagesPerSecond: s.throughput.peakMessagesPerSecond, averageMessageBytes: s.throughput.averageMessageBytes },
    consumers: (s.consumers ?? []).map((c) => ({
      name: c.name,
      principal: c.principal,
      group: consumerGroupName(topic, c.name),
      ...(c.sink ? { sink: { postgres: { mode: c.sink.postgres.mode } } } : {}),
      ...(c.deployment ? { deployment: { ...c.deployment } } : {}),
    })),
    shape,
    ...(s.keyCardinality !== undefined ? { keyCardinality: s.keyCardinality } : {}),
    suppressions: (s.suppressions ?? []).map((x) => ({ rule: x.rule, resource: x.resource, reason: x.reason })),
    topic,
    deadLetterTopic: dlq,
    replayGroup: replayGroupName(dlq),
    ...(s.partitions?.grow ? { partitionGrowth: { ...s.partitions.grow } } : {}),
    ...(source ? { source } : {}),
  };
  return { product: compiled, problems: [] };
}
