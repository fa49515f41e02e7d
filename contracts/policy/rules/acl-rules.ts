/** Rules over Kafka ACLs (`kafka_acl`) and over what a product's consumers are granted. */
import { COMPLIANT, hasAllowAcl, NOT_APPLICABLE, nonCompliant, topicOwner, type PolicyRule } from '../rule';

const ACL = { kinds: ['resource'] as const, types: ['kafka_acl'] };

/** CM-ACL-1: ACLs are Literal and name one principal, one resource and one operation. */
export const NO_WILDCARD_ACL: PolicyRule = {
  id: 'CM-ACL-1',
  level: 'error',
  message: 'No wildcard or Prefixed ACL.',
  explanation: 'A Prefixed pattern, a `*` resource or principal, or the operation All/Any grants access to topics and groups that do not exist yet — access no contract declares.',
  appliesTo: ACL,
  check: (r) => {
    const c = r.config;
    const found: string[] = [];
    const pattern = c.resource_pattern_type_filter ?? 'Literal';
    if (pattern !== 'Literal') found.push(`pattern ${String(pattern)}`);
    if (String(c.resource_name ?? '').includes('*')) found.push(`resource "${String(c.resource_name)}"`);
    if (String(c.acl_principal ?? '').includes('*')) found.push(`principal "${String(c.acl_principal)}"`);
    if (['All', 'Any'].includes(String(c.acl_operation))) found.push(`operation ${String(c.acl_operation)}`);
    return found.length ? nonCompliant(`ACL ${String(c.acl_principal)} → ${String(c.resource_type)} "${String(c.resource_name)}" has ${found.join(', ')}; use Literal names and explicit operations.`) : COMPLIANT;
  },
};

/** CM-ACL-2: only principals that a contract names (or the environment's admin) get ACLs. */
export const ACL_PRINCIPAL_NAMED: PolicyRule = {
  id: 'CM-ACL-2',
  level: 'error',
  message: 'No ACL for a principal that no contract names.',
  explanation: "Every grant must trace back to a contract's producer, consumer or owner; the environment's administrative identity is exempt by name.",
  appliesTo: ACL,
  check: (r, ctx) => {
    const p = String(r.config.acl_principal ?? '');
    if (p === ctx.environment.kafka.adminPrincipal || ctx.principals.has(p)) return COMPLIANT;
    return nonCompliant(`ACL principal "${p}" is named by no contract (nor is it ${ctx.environment.name}'s admin ${ctx.environment.kafka.adminPrincipal}).`);
  },
};

/** CM-ACL-3: every consumer can read the topic and commit in its own group. */
export const CONSUMER_HAS_GROUP_ACL: PolicyRule = {
  id: 'CM-ACL-3',
  level: 'error',
  message: 'Every consumer has Read on the topic and on its own consumer group.',
  explanation: 'A consumer the contract names but the ACLs forget fails at runtime with GROUP_AUTHORIZATION_FAILED; checked on the product topic.',
  appliesTo: { kinds: ['resource'], types: ['kafka_topic'] },
  check: (r, ctx) => {
    const owner = topicOwner(r.config.name, ctx);
    if (!owner || owner.role !== 'topic' || owner.plan.product.consumers.length === 0) return NOT_APPLICABLE;
    const missing: string[] = [];
    for (const c of owner.plan.product.consumers) {
      if (!hasAllowAcl(ctx, c.principal, 'Group', c.group, 'Read')) missing.push(`${c.name} (${c.principal}): Read on group "${c.group}"`);
      if (!hasAllowAcl(ctx, c.principal, 'Topic', owner.plan.product.topic, 'Read')) missing.push(`${c.name} (${c.principal}): Read on topic "${owner.plan.product.topic}"`);
    }
    return missing.length ? nonCompliant(`missing ACLs for ${missing.join('; ')}.`) : COMPLIANT;
  },
};

export const ACL_RULES: readonly PolicyRule[] = [NO_WILDCARD_ACL, ACL_PRINCIPAL_NAMED, CONSUMER_HAS_GROUP_ACL];
