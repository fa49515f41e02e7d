/**
 * The ACLs of a product: exactly and only what its contract grants.
 *
 * - producer: Write + Describe on the topic, Write on the dead-letter topic;
 * - each consumer: Read + Describe on the topic, Read on its own group
 *   `<topic>.<consumer>`, Write on the dead-letter topic;
 * - the owner's principal, when given: Read + Describe on the dead-letter topic
 *   and Read on the replay group `<dlq>.replay`; with `owner.replay: true`, also
 *   Write + Describe on the topic, to re-produce dead letters that pass the
 *   contract again (`npm run dlq:replay`).
 *
 * Every ACL is Literal, host `*`, Allow, for a principal the contract names.
 */
import type { CompiledProduct } from '../compile';

export type AclResourceType = 'Topic' | 'Group';
export type AclOperation = 'Read' | 'Write' | 'Describe';

export interface AclPlan {
  readonly principal: string;
  readonly resourceType: AclResourceType;
  readonly resourceName: string;
  readonly operation: AclOperation;
  /** Who needs it and why, e.g. "producer writes the topic". */
  readonly reason: string;
}

/** A stable identity of an ACL; also used as its construct ID (an ACL is never updated in place). */
export function aclKey(a: Pick<AclPlan, 'principal' | 'resourceType' | 'resourceName' | 'operation'>): string {
  return `${a.principal}|${a.resourceType}|${a.resourceName}|${a.operation}`;
}

/** The product's ACLs, de-duplicated (one principal can hold several roles) and sorted. */
export function deriveAcls(product: CompiledProduct): AclPlan[] {
  const acls = new Map<string, AclPlan>();
  const add = (principal: string, resourceType: AclResourceType, resourceName: string, operation: AclOperation, reason: string) => {
    const acl = { principal, resourceType, resourceName, operation, reason };
    const key = aclKey(acl);
    const existing = acls.get(key);
    acls.set(key, existing ? { ...existing, reason: `${existing.reason}; ${reason}` } : acl);
  };
  const { topic, deadLetterTopic: dlq } = product;
  const p = product.producer.principal;
  add(p, 'Topic', topic, 'Write', 'producer writes the topic');
  add(p, 'Topic', topic, 'Describe', 'producer reads the topic\'s metadata');
  add(p, 'Topic', dlq, 'Write', 'producer sends records that fail the contract to the dead-letter topic');
  for (const c of product.consumers) {
    add(c.principal, 'Topic', topic, 'Read', `consumer ${c.name} reads the topic`);
    add(c.principal, 'Topic', topic, 'Describe', `consumer ${c.name} reads the topic's metadata`);
    add(c.principal, 'Group', c.group, 'Read', `consumer ${c.name} commits offsets in its own group`);
    add(c.principal, 'Topic', dlq, 'Write', `consumer ${c.name} sends records it cannot process to the dead-letter topic`);
  }
  if (product.owner.principal) {
    const o = product.owner.principal;
    add(o, 'Topic', dlq, 'Read', 'owner inspects dead letters');
    add(o, 'Topic', dlq, 'Describe', 'owner reads the dead-letter topic\'s metadata');
    add(o, 'Group', product.replayGroup, 'Read', 'owner replays dead letters in the replay group');
    if (product.owner.replay) {
      add(o, 'Topic', topic, 'Write', 'owner re-produces replayed dead letters to the topic (owner.replay)');
      add(o, 'Topic', topic, 'Describe', 'owner reads the topic\'s metadata to replay dead letters (owner.replay)');
    }
  }
  // Sorted by key (the map's own keys: not rebuilt for every comparison).
  return [...acls.keys()].sort().map((key) => acls.get(key) as AclPlan);
}
