import { Construct } from 'constructs';
import { Fn, TerraformStack, Token } from 'cdktf';
import { KafkaProvider } from '../.gen/providers/kafka/provider';
import type { EnvironmentConfig } from '../contracts/environment';
import { adminBrokers } from '../contracts/platform/kafka-brokers';
import { platformState, remoteOutput } from './aws/remote-stacks';

/**
 * The Kafka provider, authenticated as the environment's administrative identity.
 *
 * The brokers (contracts/platform/kafka-brokers.ts): in an environment with `aws` settings, the platform stack's
 * output — `bootstrap_servers = split(",", data.terraform_remote_state.Platform.outputs.bootstrap_brokers_sasl_iam)`
 * — so the provider connects to the cluster that `platform-<env>` deployed; without (the local mesh), the
 * environment's `kafka.bootstrapServers`.
 *
 * No credential is written to the configuration: with `aws-iam` the provider
 * uses the AWS default credential chain of whoever runs `cdktf deploy`; with
 * `scram-sha512` it reads `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD`.
 * TLS is the environment's (`kafka.tls`, on by default); a private CA is read
 * from `KAFKA_CA_CERT` (a path would depend on where Terraform runs).
 */
export function kafkaAdminProvider(scope: Construct, env: EnvironmentConfig): KafkaProvider {
  const auth = env.kafka.adminAuth;
  const brokers = adminBrokers(env);
  const bootstrapServers = brokers.from === 'platform'
    ? Token.asList(Fn.split(',', remoteOutput(platformState(TerraformStack.of(scope), env), brokers.output)))
    : [...brokers.servers];
  return new KafkaProvider(scope, 'Kafka', {
    bootstrapServers,
    tlsEnabled: env.kafka.tls?.enabled ?? true,
    saslMechanism: auth.mechanism,
    ...(auth.mechanism === 'aws-iam' ? { saslAwsRegion: auth.region } : {}),
  });
}
