/**
 * `mesh-manifest.json`: what the review needs beyond `cdk.tf.json` — every
 * product's contract shape and every derived value with its reason, per
 * stack. Deterministic: sorted, no timestamps.
 */
import type { MeshPlan } from '../contracts/mesh';
import type { TopicPlan } from '../contracts/derive/topic-config';

export const MANIFEST_VERSION = 1;

function topic(t: TopicPlan) {
  return {
    name: t.name,
    partitions: t.partitions,
    replicationFactor: t.replicationFactor,
    config: Object.fromEntries(Object.keys(t.config).sort().map((k) => [k, t.config[k]])),
    unset: Object.fromEntries(Object.keys(t.unset).sort().map((k) => [k, t.unset[k]])),
  };
}

export function buildManifest(plan: MeshPlan) {
  return {
    manifestVersion: MANIFEST_VERSION,
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
      consumers: p.consumers,
      topic: p.topic,
      deadLetterTopic: p.deadLetterTopic,
      source: p.source,
      shape: p.shape,
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
        ...(pp.deployments?.length ? { deployments: pp.deployments } : {}),
      })),
    })),
  };
}
