/**
 * The benchmark's baseline: a hand-written cdktf app that declares exactly
 * the resources the mesh app synthesizes — same stacks, backends, provider,
 * topics and ACLs, same construct paths (so even logical IDs match) — with
 * the same generated bindings, and no contract logic at all: it reads the
 * literal values from `bench-resources.json` and news up the resources.
 *
 * The bench runs it with `npm run synth` (`tsx bench/hand-written/main.ts`)
 * in a copy of the project, exactly as it runs the mesh app.
 */
import { readFileSync } from 'node:fs';
import { App, LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Acl } from '../../.gen/providers/kafka/acl';
import { KafkaProvider } from '../../.gen/providers/kafka/provider';
import { Topic } from '../../.gen/providers/kafka/topic';
import type { BaselineInput, BaselineTopic } from './input';

const input = JSON.parse(readFileSync(process.env.BENCH_RESOURCES ?? 'bench-resources.json', 'utf8')) as BaselineInput;
const app = new App({ outdir: 'cdktf.out', stackTraces: false });

function topic(scope: Construct, id: string, t: BaselineTopic, provider: KafkaProvider): Topic {
  return new Topic(scope, id, {
    provider,
    name: t.name,
    partitions: t.partitions,
    replicationFactor: t.replicationFactor,
    config: { ...t.config },
    lifecycle: t.preventDestroy ? { preventDestroy: true } : undefined,
  });
}

for (const s of input.stacks) {
  const stack = new TerraformStack(app, s.name);
  if ('s3' in s.backend) {
    new S3Backend(stack, s.backend.s3);
    if (s.backend.useLockfile) stack.addOverride('terraform.backend.s3.use_lockfile', true);
  } else {
    new LocalBackend(stack, s.backend.local);
  }
  const provider = new KafkaProvider(stack, 'Kafka', s.provider);
  for (const p of s.products) {
    const product = new Construct(stack, p.id);
    topic(product, 'Topic', p.topic, provider);
    topic(product, 'DeadLetter', p.deadLetter, provider);
    const acls = new Construct(product, 'Acls');
    for (const a of p.acls) {
      new Acl(acls, a.id, {
        provider,
        aclPrincipal: a.principal,
        aclHost: '*',
        aclOperation: a.operation,
        aclPermissionType: 'Allow',
        resourceType: a.resourceType,
        resourceName: a.resourceName,
        resourcePatternTypeFilter: 'Literal',
      });
    }
  }
}
app.synth();
console.log(`hand-written baseline: ${input.stacks.length} stacks in cdktf.out`);
