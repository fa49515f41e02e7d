/**
 * `mesh-manifest.json`: what the review needs beyond `cdk.tf.json` — every
 * product's contract shape, principals, suppressions and every derived value
 * with its reason, per stack the ACLs with their reasons and the cost inputs,
 * the environment's bounds and prices, the policy findings and the retired
 * versions. Deterministic: sorted, no timestamps.
 */
import { pgSchemaName, pgTableName } from '../contracts/derive/names';
import { planSinks } from '../contracts/sql/sink-plan';
import type { CommittedFiles } from '../contracts/sql/migrations';
import { sinkConsumers } from '../contracts/sql/sink-tables';
import { productWarnings, type ContractPlan, type MeshPlan, type ProductPlan } from '../contracts/mesh';
import type { TopicPlan } from '../contracts/derive/topic-config';
import type { CostInputs } from '../contracts/cost/estimate';
import { SIZE_SAMPLE_METHOD } from '../contracts/codec/size-sample';
import type { Finding } from '../contracts/policy/rule';
import type { Retirement } from '../contracts/retire/retired';

export const MANIFEST_VERSION = 2;

function topic(t: TopicPlan) {
  return {
    name: t.name,
    partitions: t.partitions,
    replicationFactor: t.replicationFactor,
    config: Object.fromEntries(Object.keys(t.config).sort().map((k) => [k, t.config[k]])),
    unset: Object.fromEntries(Object.keys(t.unset).sort().map((k) => [k, t.unset[k]])),
  };
}

/** The measured protobuf/JSON size ratio (rounded, deterministic), when the plan has one. */
export function encodingOf(c: ContractPlan | undefined) {
  const e = c?.encoding;
  if (!e) return {};
  return { encoding: { protoToJsonRatio: Math.round(e.ratio * 1000) / 1000, sampleCount: e.samples, protoBytes: e.protoBytes, jsonBytes: e.jsonBytes, method: SIZE_SAMPLE_METHOD } };
}

function protoOf(c: ContractPlan | undefined) {
  return c ? { file: c.proto.file, package: c.proto.package, message: c.proto.message } : undefined;
}

/** The inputs of the review's cost estimate for one product in one environment. */
export function costInputs(pp: ProductPlan): CostInputs {
  const p = pp.product;
  const main = pp.topics.topic.config;
  const retention = main['retention.ms'] ?? main['delete.retention.ms'];
  return {
    kind: p.kind,
    peakMessagesPerSecond: p.throughput.peakMessagesPerSecond,
    averageMessageBytes: p.throughput.averageMessageBytes,
    ...(p.keyCardinality !== undefined ? { keyCardinality: p.keyCardinality } : {}),
    retentionMs: Number(retention?.value ?? p.retention.ms),
    deadLetterRetentionMs: Number(pp.topics.deadLetter.config['retention.ms']?.value ?? 0),
    replicationFactor: pp.topics.topic.replicationFactor.value,
    partitions: pp.topics.topic.partitions.value,
    deadLetterPartitions: pp.topics.deadLetter.partitions.value,
  };
}

/** Extra facts known only after synth. */
export interface ManifestExtras {
  /** Policy findings (suppressed ones included). @default - none */
  readonly findings?: readonly Finding[];
  /** Retired versions. @default - none */
  readonly retired?: readonly Retirement[];
  /** The committed sink migrations, so that the manifest lists what will run. @default - none committed */
  readonly committedMigrations?: CommittedFiles;
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The product's sink tables and the gate's verdict on its lock history (synth only runs when the gate
 * accepted every shape, so a manifest always records an accepted history).
 */
function sinksOf(pp: ProductPlan | undefined) {
  if (!pp) return {};
  const tables = sinkConsumers(pp.product).map((c) => ({ consumer: c.name, table: `${pgSchemaName(pp.product.domain)}.${pgTableName(pp.product.name, pp.product.version, c.name)}`, mode: c.sink.postgres.mode }));
  const shapes = pp.history.length;
  return {
    gate: {
      verdict: 'accepted',
      reasons: [`${shapes} accepted shape${shapes === 1 ? '' : 's'} in the lock history, compatible under ${pp.product.compatibility} (transitive)`],
    },
    ...(tables.length ? { sinks: tables } : {}),
  };
}

/** The SQL migrations of the product's sink tables, derived from its lock history and the committed files. */
function migrationsOf(pp: ProductPlan, committed?: CommittedFiles) {
  const migrations = planSinks(pp.product, pp.history, committed).sinks.flatMap((s) => s.migrations.map((m) => ({ name: m.id, sql: m.sql })));
  return migrations.length ? { migrations } : {};
}

/** What synth warned about the product in this stack (e.g. partitions locked below what its throughput needs). */
function warningsOf(pp: ProductPlan) {
  const warnings = productWarnings(pp);
  return warnings.length ? { warnings } : {};
}

export function buildManifest(plan: MeshPlan, extras: ManifestExtras = {}) {
  const environments = new Map(plan.stacks.map((s) => [s.environment.name, s.environment]));
  // Looked up once per product: a find() per product would be quadratic at mesh scale.
  const contractsById = new Map(plan.contracts.map((c) => [c.product.id, c]));
  const plansById = new Map<string, ProductPlan>();
  for (const st of plan.stacks) for (const pp of st.products) if (!plansById.has(pp.product.id)) plansById.set(pp.product.id, pp);
  return {
    manifestVersion: MANIFEST_VERSION,
    environments: [...environments.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((e) => ({
      name: e.name,
      production: e.production,
      ...(e.loopback ? { loopback: true } : {}),
      adminPrincipal: e.kafka.adminPrincipal,
      replicationFactor: e.kafka.replicationFactor,
      minInsyncReplicas: e.kafka.minInsyncReplicas,
      retentionMaxMs: Object.fromEntries(Object.keys(e.retention).sort().map((k) => [k, e.retention[k as keyof typeof e.retention].maxMs])),
      ...(e.pricing ? { pricing: { currency: 'USD', ...e.pricing } } : {}),
      ...(e.aws?.databaseTls ? { databaseTls: e.aws.databaseTls } : {}),
    })),
    products: plan.products.map((p) => ({
      id: p.id,
      domain: p.domain,
      name: p.name,
      version: p.version,
      description: p.description,
      owner: p.owner,
      producer: p.producer,
      kind: p.kind,
      key: p.key,
      classification: p.classification,
      compatibility: p.compatibility,
      retention: p.retention,
      throughput: p.throughput,
      ...(p.keyCardinality !== undefined ? { keyCardinality: p.keyCardinality } : {}),
      consumers: p.consumers,
      principals: [
        { principal: p.producer.principal, role: 'producer' },
        ...p.consumers.map((c) => ({ principal: c.principal, role: `consumer ${c.name}` })),
        ...(p.owner.principal ? [{ principal: p.owner.principal, role: 'owner' }] : []),
      ],
      topic: p.topic,
      deadLetterTopic: p.deadLetterTopic,
      replayGroup: p.replayGroup,
      suppressions: p.suppressions,
      source: p.source,
      shape: p.shape,
      proto: protoOf(contractsById.get(p.id)),
      ...encodingOf(contractsById.get(p.id)),
      ...sinksOf(plansById.get(p.id)),
    })),
    stacks: plan.stacks.map((s) => ({
      name: s.name,
      domain: s.domain,
      environment: s.environment.name,
      production: s.environment.production,
      products: s.products.map((pp) => ({
        id: pp.product.id,
        topic: topic(pp.topics.topic),
        deadLetter: topic(pp.topics.deadLetter),
        acls: pp.acls,
        costInputs: costInputs(pp),
        ...(pp.deployments?.length ? { deployments: pp.deployments } : {}),
        ...migrationsOf(pp, extras.committedMigrations),
        ...warningsOf(pp),
      })),
    })),
    policy: {
      findings: [...(extras.findings ?? [])],
      suppressions: plan.products.flatMap((p) => p.suppressions.map((s) => ({ product: p.id, ...s }))),
    },
    retired: [...(extras.retired ?? [])].sort(byId),
  };
}

/** The manifest's type, as the review reads it. */
export type MeshManifest = ReturnType<typeof buildManifest>;
