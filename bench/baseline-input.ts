/**
 * Writes the hand-written baseline's input (`bench-resources.json`): the
 * literal resources the mesh app synthesizes for a set of contracts. It runs
 * once per size, outside the timed runs; the bench then checks that both
 * apps synthesize byte-identical stacks, so the comparison is like with like.
 */
import { aclKey } from '../contracts/derive/acls';
import type { TopicPlan } from '../contracts/derive/topic-config';
import type { EnvironmentConfig } from '../contracts/environment';
import type { MeshPlan } from '../contracts/mesh';
import type { BaselineInput, BaselineStack, BaselineTopic } from './hand-written/input';

function topic(t: TopicPlan, preventDestroy: boolean): BaselineTopic {
  const config: Record<string, string> = {};
  for (const key of Object.keys(t.config).sort()) config[key] = t.config[key].value;
  return { name: t.name, partitions: t.partitions.value, replicationFactor: t.replicationFactor.value, config, preventDestroy };
}

function backend(name: string, env: EnvironmentConfig): BaselineStack['backend'] {
  const b = env.backend;
  if (b.type === 'local') return { local: { path: `terraform.${name}.tfstate` } };
  return { s3: { bucket: b.bucket, key: `${b.keyPrefix}/${name}.tfstate`, region: b.region, encrypt: true, kmsKeyId: b.kmsKeyId }, useLockfile: true };
}

function provider(env: EnvironmentConfig): BaselineStack['provider'] {
  const auth = env.kafka.adminAuth;
  return {
    bootstrapServers: [...env.kafka.bootstrapServers],
    tlsEnabled: true,
    saslMechanism: auth.mechanism,
    ...(auth.mechanism === 'aws-iam' ? { saslAwsRegion: auth.region } : {}),
  };
}

/** The baseline's input for a planned mesh. */
export function baselineInput(plan: MeshPlan): BaselineInput {
  return {
    stacks: plan.stacks.map((s) => ({
      name: s.name,
      backend: backend(s.name, s.environment),
      provider: provider(s.environment),
      products: s.products.map((p) => ({
        id: `${p.product.name}-v${p.product.version}`,
        topic: topic(p.topics.topic, s.environment.production),
        deadLetter: topic(p.topics.deadLetter, s.environment.production),
        acls: p.acls.map((a) => ({
          id: aclKey(a),
          principal: a.principal,
          operation: a.operation,
          resourceType: a.resourceType,
          resourceName: a.resourceName,
        })),
      })),
    })),
  };
}
