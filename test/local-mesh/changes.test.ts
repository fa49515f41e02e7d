/** mesh:apply's pure parts: reading the stacks as the Mongey provider maps them, and planning the changes. */
import { planChanges, describeChange, type ActualState } from '../../local-mesh/changes';
import { desiredState, type DesiredState } from '../../local-mesh/desired';
import type { AclBinding, ConfigEntry } from '../../runtime/kafka';

const provider = { kafka: [{ bootstrap_servers: ['127.0.0.1:19092'], sasl_mechanism: 'scram-sha512', tls_enabled: true }] };
const topic = (over: Record<string, unknown> = {}) => ({ name: 'payments.payment-events.v1', partitions: 4, replication_factor: 1, config: { 'cleanup.policy': 'delete', 'retention.ms': '604800000' }, provider: 'kafka', ...over });
const acl = (over: Record<string, unknown> = {}) => ({ acl_principal: 'User:payments-api', acl_host: '*', acl_operation: 'Write', acl_permission_type: 'Allow', resource_type: 'Topic', resource_name: 'payments.payment-events.v1', resource_pattern_type_filter: 'Literal', ...over });

function desired(resource: Record<string, unknown>): DesiredState {
  const r = desiredState(new Map([['payments-local', { provider, resource }]]));
  if (!r.state) throw new Error(r.problems.join('\n'));
  return r.state;
}
const problems = (resource: Record<string, unknown>) => desiredState(new Map([['payments-local', { provider, resource }]])).problems;

const binding = (a: ReturnType<typeof acl>): AclBinding => ({ principal: a.acl_principal, host: a.acl_host, operation: a.acl_operation as 'Write', permissionType: 'Allow', resourceType: a.resource_type as 'Topic', resourceName: a.resource_name, patternType: 'Literal' });
const entry = (name: string, value: string, source: ConfigEntry['source']): ConfigEntry => ({ name, value, source, readOnly: false });

function actual(over: Partial<ActualState> = {}): ActualState {
  return {
    topics: new Map([['payments.payment-events.v1', { name: 'payments.payment-events.v1', partitions: 4, replicasPerPartition: [1, 1, 1, 1] }]]),
    configs: new Map([['payments.payment-events.v1', [
      entry('cleanup.policy', 'delete', 'DYNAMIC_TOPIC_CONFIG'),
      entry('retention.ms', '604800000', 'DYNAMIC_TOPIC_CONFIG'),
      entry('min.insync.replicas', '1', 'STATIC_BROKER_CONFIG'),
      entry('segment.bytes', '1073741824', 'DEFAULT_CONFIG'),
    ]]]),
    acls: [binding(acl())],
    scramUsers: new Set(['payments-api']),
    ...over,
  };
}
const NONE = { topics: [], users: [] };

describe('reading the synthesized stacks', () => {
  it('maps kafka_topic, kafka_acl and kafka_user_scram_credential field by field, with the provider\'s defaults', () => {
    const d = desired({
      kafka_topic: { t: topic() },
      kafka_acl: { a: { ...acl(), resource_pattern_type_filter: undefined } },
      kafka_user_scram_credential: { u: { username: 'payments-api', scram_mechanism: 'SCRAM-SHA-512', password_wo: '${var.scram_passwords["payments-api"]}', password_wo_version: '1' } },
    });
    expect(d.topics).toEqual([{ address: 'payments-local/kafka_topic.t', name: 'payments.payment-events.v1', partitions: 4, replicationFactor: 1, config: { 'cleanup.policy': 'delete', 'retention.ms': '604800000' } }]);
    expect(d.acls[0]).toMatchObject({ patternType: 'Literal', operation: 'Write', principal: 'User:payments-api' });
    expect(d.credentials).toEqual([{ address: 'payments-local/kafka_user_scram_credential.u', username: 'payments-api', mechanism: 'SCRAM-SHA-512', iterations: 4096, passwordKey: 'payments-api' }]);
    expect(d.bootstrapServers).toEqual(['127.0.0.1:19092']);
  });

  it('fails on what the provider would refuse at apply, naming the resource and listing every problem', () => {
    expect(problems({
      kafka_topic: { t: topic({ partitions: 0, retention: 3 }) },
      kafka_acl: { a: acl({ acl_operation: 'read', resource_type: 'topic' }) },
      kafka_user_scram_credential: { u: { username: 'x', scram_mechanism: 'SCRAM-SHA-1', password: 'hunter2' } },
      aws_kms_key: { k: {} },
    })).toEqual([
      'payments-local/kafka_topic.t: "retention" is not an argument of kafka_topic (Mongey/kafka 0.13.1: name, partitions, replication_factor, config).',
      'payments-local/kafka_topic.t: partitions must be a whole number ≥ 1 (got 0).',
      'payments-local/kafka_acl.a: unknown resource type "topic" (valid, case-sensitive: Topic, Group, Cluster, TransactionalID, DelegationToken).',
      'payments-local/kafka_acl.a: unknown operation "read" (valid, case-sensitive: All, Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite).',
      'payments-local/kafka_user_scram_credential.u: scram_mechanism must be SCRAM-SHA-256 or SCRAM-SHA-512 (got "SCRAM-SHA-1").',
      'payments-local/kafka_user_scram_credential.u: sets password, which Terraform stores in state: the mesh uses the write-only password_wo.',
      'payments-local/kafka_user_scram_credential.u: password_wo must be ${var.scram_passwords["<user>"]} (got undefined).',
      expect.stringMatching(/^payments-local\/aws_kms_key\.k: mesh:apply applies only the Kafka provider's/),
    ]);
  });

  it('fails on a Terraform expression it cannot evaluate', () => {
    expect(problems({ kafka_topic: { t: topic({ partitions: '${var.partitions}' }) } })).toContain('payments-local/kafka_topic.t: partitions is a Terraform expression (${var.partitions}), which mesh:apply does not evaluate — the local stacks hold only literal values.');
  });
});

describe('planning the changes', () => {
  const d = () => desired({ kafka_topic: { t: topic() }, kafka_acl: { a: acl() } });

  it('finds nothing to change when the broker matches: broker defaults and static broker config are not changes', () => {
    expect(planChanges(d(), actual(), NONE)).toEqual({ changes: [], refused: [] });
  });

  it('resets a drifted config and reverts a key set behind the mesh\'s back to its default', () => {
    const drifted = actual({ configs: new Map([['payments.payment-events.v1', [entry('cleanup.policy', 'delete', 'DYNAMIC_TOPIC_CONFIG'), entry('retention.ms', '1000', 'DYNAMIC_TOPIC_CONFIG'), entry('segment.ms', '60000', 'DYNAMIC_TOPIC_CONFIG')]]]) });
    const { changes } = planChanges(d(), drifted, NONE);
    expect(changes.map(describeChange)).toEqual(['~ topic payments.payment-events.v1 config: retention.ms 1000 → 604800000, segment.ms 60000 → (default)']);
  });

  it('creates a missing topic, grows partitions in place and refuses to shrink them', () => {
    expect(planChanges(d(), actual({ topics: new Map(), configs: new Map() }), NONE).changes.map((c) => c.kind)).toEqual(['create-topic']);
    const few = actual({ topics: new Map([['payments.payment-events.v1', { name: 'payments.payment-events.v1', partitions: 2, replicasPerPartition: [1, 1] }]]) });
    expect(planChanges(d(), few, NONE).changes.map(describeChange)).toEqual(['~ topic payments.payment-events.v1: partitions 2 → 4 (grown in place; keys move to other partitions)']);
    const many = actual({ topics: new Map([['payments.payment-events.v1', { name: 'payments.payment-events.v1', partitions: 6, replicasPerPartition: [1, 1, 1, 1, 1, 1] }]]) });
    const r = planChanges(d(), many, NONE);
    expect(r.changes).toEqual([]);
    expect(r.refused).toEqual([expect.stringMatching(/^topic payments\.payment-events\.v1 has 6 partitions and the stacks ask for 4: Kafka cannot remove partitions.*Remedy: keep the lock's partitions at 6 or more/)]);
  });

  it('refuses to delete a topic the mesh created that no stack holds any more', () => {
    const gone = actual({ topics: new Map([...actual().topics, ['payments.retired.v1', { name: 'payments.retired.v1', partitions: 1, replicasPerPartition: [1] }]]) });
    const r = planChanges(d(), gone, { topics: ['payments.payment-events.v1', 'payments.retired.v1'], users: [] });
    expect(r.refused).toEqual([expect.stringMatching(/^topic payments\.retired\.v1 is in no synthesized stack any more, and mesh:apply never deletes a topic.*Remedy:/)]);
    // A topic the mesh never created is not its business.
    expect(planChanges(d(), gone, NONE).refused).toEqual([]);
  });

  it('restores a missing ACL and removes ACLs on the mesh\'s topics and groups that no stack holds, but leaves other resources alone', () => {
    const intruder: AclBinding = { ...binding(acl()), principal: 'User:intruder', operation: 'Read' };
    const prefixed: AclBinding = { ...binding(acl()), principal: 'User:intruder', resourceName: 'payments.', patternType: 'Prefixed' };
    const wildcard: AclBinding = { ...binding(acl()), principal: 'User:intruder', resourceName: '*' };
    const elsewhere: AclBinding = { ...binding(acl()), principal: 'User:intruder', resourceName: 'someone-elses-topic' };
    const r = planChanges(d(), actual({ acls: [intruder, prefixed, wildcard, elsewhere] }), NONE);
    expect(r.changes.map(describeChange)).toEqual([
      '+ ACL Allow User:payments-api Write on Topic "payments.payment-events.v1" (Literal, host *)',
      '- ACL Allow User:intruder Read on Topic "payments.payment-events.v1" (Literal, host *): not in the synthesized stacks',
      '- ACL Allow User:intruder Write on Topic "payments." (Prefixed, host *): not in the synthesized stacks',
      '- ACL Allow User:intruder Write on Topic "*" (Literal, host *): not in the synthesized stacks',
    ]);
  });

  it('creates missing SCRAM credentials and deletes those it created for principals no stack names', () => {
    const withUser = desired({ kafka_user_scram_credential: { u: { username: 'payments-api', scram_mechanism: 'SCRAM-SHA-512', password_wo: '${var.scram_passwords["payments-api"]}' } } });
    expect(planChanges(withUser, actual({ scramUsers: new Set() }), NONE).changes.map(describeChange)).toEqual([expect.stringMatching(/^\+ SCRAM credential payments-api \(SCRAM-SHA-512, 4096 iterations/)]);
    expect(planChanges(withUser, actual({ scramUsers: new Set(['payments-api', 'retired-app']) }), { topics: [], users: ['retired-app'] }).changes.map(describeChange)).toEqual(['- SCRAM credential retired-app (its principal is in no synthesized stack any more)']);
  });
});
