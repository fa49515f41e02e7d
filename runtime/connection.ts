/**
 * How a runtime component reaches Kafka: connection options (it opens and
 * closes its own client) or a client the caller already opened (left open).
 */
import { connectKafka, kafkaErrorType, type KafkaClient, type KafkaConnectionOptions } from './kafka';
import { messageOf, RuntimeError } from './errors';

/** Connection options for the component's principal, or an open client acting as it. */
export type KafkaConnection = KafkaConnectionOptions | KafkaClient;

function isClient(c: KafkaConnection): c is KafkaClient {
  return typeof (c as KafkaClient).producer === 'function';
}

/** A client for `connection`, and whether the component owns (must close) it. */
export function clientOf(connection: KafkaConnection, defaults: Partial<KafkaConnectionOptions> = {}): { client: KafkaClient; owned: boolean } {
  if (isClient(connection)) return { client: connection, owned: false };
  return { client: connectKafka({ ...defaults, ...connection }), owned: true };
}

/** Errors that mean the broker could not be reached or is not ready yet (worth retrying), as opposed to a refusal. */
export function isUnreachable(err: unknown): boolean {
  const type = kafkaErrorType(err);
  if (type === 'CONNECTION' || type === 'UNKNOWN') return !/AUTHORIZATION|AUTHENTICATION/.test(messageOf(err));
  return ['REQUEST_TIMED_OUT', 'NOT_COORDINATOR', 'GROUP_LOAD_IN_PROGRESS', 'GROUP_COORDINATOR_NOT_AVAILABLE', 'REBALANCE_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION', 'NOT_LEADER_OR_FOLLOWER', 'NETWORK_EXCEPTION', 'BROKER_NOT_AVAILABLE', 'NOT_ENOUGH_REPLICAS', 'KAFKA_STORAGE_ERROR'].includes(type);
}

/** A one-line explanation of a broker refusal for `principal`, naming the fix. */
export function explainKafkaError(err: unknown, principal: string, what: string): RuntimeError {
  const type = kafkaErrorType(err);
  const fix: Record<string, string> = {
    SASL_AUTHENTICATION_FAILED: `the broker refused ${principal}'s password: check KAFKA_USERNAME/KAFKA_PASSWORD (locally: run \`npm run mesh:apply\`, which creates each principal's SCRAM login)`,
    TOPIC_AUTHORIZATION_FAILED: `${principal} lacks an ACL this needs: the contract must name it (producer, consumer or owner) and the mesh's ACLs must be applied (\`npm run mesh:apply\` locally, \`cdktf deploy\` elsewhere)`,
    GROUP_AUTHORIZATION_FAILED: `${principal} may not use this consumer group: each consumer may use only its own group <topic>.<consumer> (and the owner <dlq>.replay)`,
    CLUSTER_AUTHORIZATION_FAILED: `${principal} may write no topic at all, so the broker gives it no producer id: apply the mesh's ACLs`,
  };
  const reason = fix[type] ?? (isUnreachable(err) ? 'no broker answered' : messageOf(err));
  return new RuntimeError(`${what}: ${type !== 'UNKNOWN' ? `${type}: ` : ''}${reason}.`, { cause: err });
}
