/**
 * The Kafka client interface (runtime/kafka.ts) against the run's real broker:
 * SCRAM-SHA-512 over TLS, the idempotent acks=all producer with headers, a
 * consumer group with manual commits, and the admin calls the mesh uses.
 */
import { randomBytes } from 'node:crypto';
import { connectAs } from '../../local-mesh/connection';
import { randomPassword } from '../../local-mesh/broker';
import { upsertScramUsers } from '../../local-mesh/scram';
import { KafkaClientError, type ConsumedRecord } from '../../runtime/kafka';
import { describeBroker, type TestBroker } from '../support/broker';

const suffix = randomBytes(3).toString('hex');
const topic = `kafka-client-test.${suffix}`;

async function withPrincipal(b: TestBroker, name: string) {
  const login = { username: name, password: randomPassword() };
  await upsertScramUsers({ java: b.java, kafka: b.kafka, dir: b.stateDir, bootstrap: b.connection.bootstrapServers[0], caFile: b.connection.caFile, admin: b.connection.admin }, [login]);
  return { ...b.connection, principals: { [`User:${name}`]: login } };
}

describeBroker('the Kafka client interface', (broker) => {
  it('creates a topic and reads back its partitions, replication and config with sources', async () => {
    const admin = connectAs(broker().connection);
    try {
      await admin.withAdmin(async (a) => {
        await a.createTopics([{ name: topic, partitions: 3, replicationFactor: 1, config: { 'retention.ms': '3600000', 'cleanup.policy': 'delete' } }]);
        expect(await a.describeTopics([topic])).toEqual([{ name: topic, partitions: 3, replicasPerPartition: [1, 1, 1] }]);
        const entries = (await a.describeTopicConfigs([topic])).get(topic) ?? [];
        const byName = new Map(entries.map((e) => [e.name, e]));
        expect(byName.get('retention.ms')).toMatchObject({ value: '3600000', source: 'DYNAMIC_TOPIC_CONFIG' });
        expect(byName.get('segment.bytes')?.source).toBe('DEFAULT_CONFIG');
        expect(byName.get('min.insync.replicas')).toMatchObject({ value: '1', source: 'STATIC_BROKER_CONFIG' });
        await a.createPartitions(topic, 4);
        expect((await a.describeTopics([topic]))[0].partitions).toBe(4);
      });
    } finally {
      await admin.close();
    }
  });

  it('produces idempotently with headers and consumes in a group that commits only when told to', async () => {
    const name = `client-test-${suffix}`;
    const conn = await withPrincipal(broker(), name);
    const group = `${topic}.reader`;
    const admin = connectAs(conn);
    await admin.withAdmin((a) =>
      a.createAcls([
        { principal: `User:${name}`, host: '*', operation: 'Write', permissionType: 'Allow', resourceType: 'Topic', resourceName: topic, patternType: 'Literal' },
        { principal: `User:${name}`, host: '*', operation: 'Read', permissionType: 'Allow', resourceType: 'Topic', resourceName: topic, patternType: 'Literal' },
        { principal: `User:${name}`, host: '*', operation: 'Read', permissionType: 'Allow', resourceType: 'Group', resourceName: group, patternType: 'Literal' },
      ]),
    );
    const client = connectAs(conn, `User:${name}`);
    try {
      const producer = await client.producer();
      const sent = await producer.send(topic, [{ key: 'k1', value: 'v1', headers: { 'content-type': 'application/x-protobuf' } }]);
      expect(sent[0].topic).toBe(topic);
      const consumer = await client.consumer({ groupId: group, topics: [topic] });
      const got: ConsumedRecord[] = [];
      let seen!: () => void;
      const one = new Promise<void>((r) => (seen = r));
      await consumer.run(async (rec) => {
        got.push(rec);
        seen();
      });
      await one;
      expect(got[0].key?.toString()).toBe('k1');
      expect(got[0].headers['content-type'].toString()).toBe('application/x-protobuf');
      const before = await admin.withAdmin((a) => a.committedOffsets(group, topic));
      expect(before.every((p) => p.offset === '-1')).toBe(true);
      await consumer.commit([{ topic, partition: got[0].partition, offset: String(Number(got[0].offset) + 1) }]);
      await consumer.stop();
      await consumer.stopped;
      const after = await admin.withAdmin((a) => a.committedOffsets(group, topic));
      expect(after.find((p) => p.partition === got[0].partition)?.offset).toBe(String(Number(got[0].offset) + 1));
      await producer.disconnect();
    } finally {
      await client.close();
      await admin.close();
    }
  });

  it('fails with the broker\'s error name when a principal lacks the ACL', async () => {
    const name = `client-test-denied-${suffix}`;
    const conn = await withPrincipal(broker(), name);
    const client = connectAs(conn, `User:${name}`, { retries: 0 });
    try {
      // With Write on no topic at all, the idempotent producer gets no producer id (KIP-679: Write on any topic or IdempotentWrite on the cluster).
      const noId = await client.producer().catch((e: unknown) => e);
      expect((noId as KafkaClientError).type).toBe('CLUSTER_AUTHORIZATION_FAILED');
      const other = `${topic}.writable`;
      await connectAs(conn).withAdmin(async (a) => {
        await a.createTopics([{ name: other, partitions: 1, replicationFactor: 1, config: {} }]);
        await a.createAcls([{ principal: `User:${name}`, host: '*', operation: 'Write', permissionType: 'Allow', resourceType: 'Topic', resourceName: other, patternType: 'Literal' }]);
      });
      const producer = await client.producer();
      await producer.send(other, [{ key: 'k', value: 'v' }]);
      const err = await producer.send(topic, [{ key: 'k', value: 'v' }]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KafkaClientError);
      expect((err as KafkaClientError).type).toBe('TOPIC_AUTHORIZATION_FAILED');
    } finally {
      await client.close();
    }
  });

  it('refuses a wrong password', async () => {
    const c = broker().connection;
    const client = connectAs({ ...c, admin: { ...c.admin, password: 'wrong' } }, c.admin.principal, { retries: 0 });
    const err = await client.withAdmin((a) => a.listTopics()).catch((e: unknown) => e);
    expect((err as KafkaClientError).type).toBe('SASL_AUTHENTICATION_FAILED');
    await client.close();
  });
});
