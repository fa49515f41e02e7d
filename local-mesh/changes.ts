/**
 * What `npm run mesh:apply` would change, from the synthesized stacks (the
 * desired state), what the broker reports (with each config entry's source)
 * and what earlier applies recorded. Pure: no broker, no files.
 *
 * It follows the Mongey provider's semantics where they are safe and refuses
 * where Terraform would destroy data:
 * - a missing topic is created; a topic whose config differs is given its
 *   whole synthesized config (AlterConfigs; keys not synthesized revert to the
 *   default). Only entries set on the topic itself (source
 *   `DYNAMIC_TOPIC_CONFIG`) count: a broker default never shows as a change;
 * - more partitions grow the topic in place; fewer are REFUSED (the provider
 *   would destroy and re-create the topic); a topic the mesh created that is
 *   no longer synthesized is REFUSED too (never deleted);
 * - missing ACLs are created; ACLs on the mesh's topics and groups (and
 *   cluster ACLs of its principals) that the stacks do not hold are deleted;
 * - missing SCRAM credentials are created; credentials the mesh created for a
 *   principal no longer synthesized are deleted.
 */
import type { AclBinding, ConfigEntry, TopicDescription } from '../runtime/kafka';
import { aclId, type DesiredCredential, type DesiredState, type DesiredTopic } from './desired';

/** What the broker has. */
export interface ActualState {
  /** Existing topics, described. */
  readonly topics: ReadonlyMap<string, TopicDescription>;
  /** Config entries of the existing desired topics. */
  readonly configs: ReadonlyMap<string, readonly ConfigEntry[]>;
  readonly acls: readonly AclBinding[];
  /** Users with a SCRAM-SHA-512 credential. */
  readonly scramUsers: ReadonlySet<string>;
}

/** What earlier runs of mesh:apply created (`.mesh/local/applied.json`): the mesh's own topics and users. */
export interface AppliedRecord {
  readonly topics: readonly string[];
  readonly users: readonly string[];
}

export type Change =
  | { readonly kind: 'create-user'; readonly credential: DesiredCredential }
  | { readonly kind: 'delete-user'; readonly username: string }
  | { readonly kind: 'create-topic'; readonly topic: DesiredTopic }
  | { readonly kind: 'grow-partitions'; readonly topic: DesiredTopic; readonly from: number }
  | { readonly kind: 'set-config'; readonly topic: DesiredTopic; readonly diffs: ReadonlyArray<{ key: string; from?: string; to?: string }> }
  | { readonly kind: 'create-acl'; readonly acl: AclBinding }
  | { readonly kind: 'delete-acl'; readonly acl: AclBinding };

/** One line per change, as `mesh:plan` prints it. */
export function describeChange(c: Change): string {
  switch (c.kind) {
    case 'create-user':
      return `+ SCRAM credential ${c.credential.username} (${c.credential.mechanism}, ${c.credential.iterations} iterations; ${c.credential.address})`;
    case 'delete-user':
      return `- SCRAM credential ${c.username} (its principal is in no synthesized stack any more)`;
    case 'create-topic':
      return `+ topic ${c.topic.name}: ${c.topic.partitions} partitions, replication ${c.topic.replicationFactor}, config ${Object.entries(c.topic.config).map(([k, v]) => `${k}=${v}`).join(', ') || '(none)'} (${c.topic.address})`;
    case 'grow-partitions':
      return `~ topic ${c.topic.name}: partitions ${c.from} → ${c.topic.partitions} (grown in place; keys move to other partitions)`;
    case 'set-config':
      return `~ topic ${c.topic.name} config: ${c.diffs.map((d) => `${d.key} ${d.from ?? '(default)'} → ${d.to ?? '(default)'}`).join(', ')}`;
    case 'create-acl':
      return `+ ACL ${c.acl.permissionType} ${c.acl.principal} ${c.acl.operation} on ${c.acl.resourceType} "${c.acl.resourceName}" (${c.acl.patternType}, host ${c.acl.host})`;
    case 'delete-acl':
      return `- ACL ${c.acl.permissionType} ${c.acl.principal} ${c.acl.operation} on ${c.acl.resourceType} "${c.acl.resourceName}" (${c.acl.patternType}, host ${c.acl.host}): not in the synthesized stacks`;
  }
}

/** The changes, in the order mesh:apply makes them, and what it refuses (each with its remedy). */
export function planChanges(desired: DesiredState, actual: ActualState, applied: AppliedRecord): { changes: Change[]; refused: string[] } {
  const changes: Change[] = [];
  const refused: string[] = [];

  const wantedUsers = new Set(desired.credentials.map((c) => c.username));
  for (const c of desired.credentials) if (!actual.scramUsers.has(c.username)) changes.push({ kind: 'create-user', credential: c });

  const wantedTopics = new Set(desired.topics.map((t) => t.name));
  for (const t of desired.topics) {
    const have = actual.topics.get(t.name);
    if (!have) {
      changes.push({ kind: 'create-topic', topic: t });
      continue;
    }
    if (have.partitions < t.partitions) changes.push({ kind: 'grow-partitions', topic: t, from: have.partitions });
    else if (have.partitions > t.partitions) {
      refused.push(
        `topic ${t.name} has ${have.partitions} partitions and the stacks ask for ${t.partitions}: Kafka cannot remove partitions, and Terraform would destroy and re-create the topic (all its records lost). mesh:apply leaves it at ${have.partitions}. Remedy: keep the lock's partitions at ${have.partitions} or more (partitions never shrink), or — if its data may go — delete the topic yourself and run mesh:apply again.`,
      );
    }
    const rf = new Set(have.replicasPerPartition);
    if (rf.size !== 1 || !rf.has(t.replicationFactor)) {
      refused.push(`topic ${t.name} has replication ${[...rf].join('/')} and the stacks ask for ${t.replicationFactor}: mesh:apply does not reassign replicas (a single-node mesh has one broker). Remedy: set the local environment's replicationFactor to 1 in stacks/environments.ts and synthesize again.`);
    }
    const set = new Map<string, string>();
    for (const e of actual.configs.get(t.name) ?? []) if (e.source === 'DYNAMIC_TOPIC_CONFIG' && e.value !== null) set.set(e.name, e.value);
    const diffs: Array<{ key: string; from?: string; to?: string }> = [];
    for (const key of [...new Set([...Object.keys(t.config), ...set.keys()])].sort()) {
      const to = t.config[key];
      const from = set.get(key);
      if (to !== from) diffs.push({ key, from, to });
    }
    if (diffs.length) changes.push({ kind: 'set-config', topic: t, diffs });
  }
  for (const name of applied.topics) {
    if (!wantedTopics.has(name) && actual.topics.has(name)) {
      refused.push(`topic ${name} is in no synthesized stack any more, and mesh:apply never deletes a topic (its records would be lost). Remedy: if it was retired on purpose and its data may go, delete it yourself (Kafka's Admin API as the admin in .mesh/local/connection.json, or \`npm run mesh:down -- --reset\` for the whole local mesh); otherwise restore its product and synthesize again.`);
    }
  }

  const wantedAcls = new Map(desired.acls.map((a) => [aclId(a), a]));
  const actualIds = new Set(actual.acls.map(aclId));
  for (const [id, a] of wantedAcls) {
    if (!actualIds.has(id)) {
      const { address: _address, ...acl } = a;
      changes.push({ kind: 'create-acl', acl });
    }
  }
  const meshTopics = new Set([...wantedTopics, ...applied.topics]);
  const meshGroups = new Set(desired.acls.filter((a) => a.resourceType === 'Group').map((a) => a.resourceName));
  const meshPrincipals = new Set([...desired.acls.map((a) => a.principal), ...desired.credentials.map((c) => `User:${c.username}`)]);
  const covers = (a: AclBinding, names: ReadonlySet<string>) =>
    a.resourceName === '*' || (a.patternType === 'Literal' ? names.has(a.resourceName) : [...names].some((n) => n.startsWith(a.resourceName)));
  for (const a of actual.acls) {
    if (wantedAcls.has(aclId(a))) continue;
    const onMesh =
      (a.resourceType === 'Topic' && covers(a, meshTopics)) ||
      (a.resourceType === 'Group' && covers(a, meshGroups)) ||
      (a.resourceType === 'Cluster' && meshPrincipals.has(a.principal));
    if (onMesh) changes.push({ kind: 'delete-acl', acl: a });
  }

  for (const u of applied.users) if (!wantedUsers.has(u) && actual.scramUsers.has(u)) changes.push({ kind: 'delete-user', username: u });
  return { changes, refused };
}
