/** Builders for rule tests: a product plan, a context, and elements as synthesized. */
import { defineDataProduct } from '../../../contracts/index';
import type { EnvironmentConfig } from '../../../contracts/environment';
import { planMesh, type ProductPlan } from '../../../contracts/mesh';
import type { ElementKind, PolicyContext, PolicyResource } from '../../../contracts/policy/rule';
import { dev, prod, spec } from '../../helpers';

export { dev, prod };

/** The plan of the helper's payments/payment-events contract (with overrides) in `env`. */
export function productPlan(env: EnvironmentConfig = prod, overrides: Record<string, unknown> = {}): ProductPlan {
  return planMesh([{ product: defineDataProduct(spec(overrides)) }], [env]).stacks[0].products[0];
}

/** A synthesized kafka_topic as DataProductTopics writes it. */
export function topicElement(plan: ProductPlan, role: 'topic' | 'deadLetter' = 'topic', patch: Record<string, unknown> = {}): PolicyResource {
  const t = plan.topics[role];
  const config: Record<string, string> = {};
  for (const k of Object.keys(t.config)) config[k] = t.config[k].value;
  return {
    kind: 'resource',
    type: 'kafka_topic',
    path: `stack/${plan.product.name}-v1/${role === 'topic' ? 'Topic' : 'DeadLetter'}`,
    config: { name: t.name, partitions: t.partitions.value, replication_factor: t.replicationFactor.value, config, lifecycle: { prevent_destroy: true }, ...patch },
    product: { id: plan.product.id, role, relativePath: role === 'topic' ? 'Topic' : 'DeadLetter' },
  };
}

/** Every ACL of the plan, as synthesized kafka_acl elements. */
export function aclElements(plan: ProductPlan): PolicyResource[] {
  return plan.acls.map((a) => acl({ acl_principal: a.principal, resource_type: a.resourceType, resource_name: a.resourceName, acl_operation: a.operation }));
}

/** One kafka_acl element (Literal, Allow, host * unless patched). */
export function acl(config: Record<string, unknown>): PolicyResource {
  return {
    kind: 'resource',
    type: 'kafka_acl',
    path: `stack/acl/${String(config.acl_principal)}|${String(config.resource_name)}|${String(config.acl_operation)}`,
    config: { acl_host: '*', acl_permission_type: 'Allow', resource_pattern_type_filter: 'Literal', ...config },
  };
}

/** Any element. */
export function element(type: string, config: Record<string, unknown>, kind: ElementKind = 'resource', path = `stack/${type}`): PolicyResource {
  return { kind, type, path, config };
}

/** A context for `plan` in `env` holding `resources` (default: the product's topics and ACLs). */
export function contextOf(plan: ProductPlan, env: EnvironmentConfig = prod, resources?: PolicyResource[]): PolicyContext {
  const p = plan.product;
  return {
    stack: `payments-${env.name}`,
    environment: env,
    products: [plan],
    principals: new Set([p.producer.principal, ...p.consumers.map((c) => c.principal), ...(p.owner.principal ? [p.owner.principal] : [])]),
    resources: resources ?? [topicElement(plan), topicElement(plan, 'deadLetter'), ...aclElements(plan)],
  };
}
