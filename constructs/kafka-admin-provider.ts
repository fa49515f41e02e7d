import { Construct } from 'constructs';
import { KafkaProvider } from '../.gen/providers/kafka/provider';
import type { EnvironmentConfig } from '../contracts/environment';

/**
 * The Kafka provider, authenticated as the environment's administrative identity.
 *
 * No credential is written to the configuration: with `aws-iam` the provider
 * uses the AWS default credential chain of whoever runs `cdktf deploy`; with
 * `scram-sha512` it reads `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD`.
 * TLS is the environment's (`kafka.tls`, on by default); a private CA is read
 * from `KAFKA_CA_CERT` (a path would depend on where Terraform runs).
 */
export function kafkaAdminProvider(scope: Construct, env: EnvironmentConfig): KafkaProvider {
  const auth = env.kafka.adminAuth;
  return new KafkaProvider(scope, 'Kafka', {
    bootstrapServers: [...env.kafka.bootstrapServers],
    tlsEnabled: env.kafka.tls?.enabled ?? true,
    saslMechanism: auth.mechanism,
    ...(auth.mechanism === 'aws-iam' ? { saslAwsRegion: auth.region } : {}),
  });
}
