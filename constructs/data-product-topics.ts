import { Construct } from 'constructs';
import { Acl } from '../.gen/providers/kafka/acl';
import type { KafkaProvider } from '../.gen/providers/kafka/provider';
import { Topic } from '../.gen/providers/kafka/topic';
import { aclKey, type AclPlan } from '../contracts/derive/acls';
import type { TopicPlan } from '../contracts/derive/topic-config';
import type { ProductPlan } from '../contracts/mesh';

/** Props of {@link DataProductTopics}. */
export interface DataProductTopicsProps {
  /** The product's plan in this environment (already validated; see `planMesh`). */
  readonly plan: ProductPlan;
  /** The Kafka provider to create the resources with. */
  readonly provider: KafkaProvider;
  /**
   * Add `prevent_destroy` to both topics, so that Terraform refuses any plan that
   * would delete or re-create them (production).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * A data product's Kafka resources: its topic (`Topic`), its dead-letter topic
 * (`DeadLetter`) and its ACLs (under `Acls`).
 *
 * The child IDs are API: cdktf derives Terraform addresses from them, and a
 * changed address destroys and re-creates the topic. An ACL's ID is its
 * identity (principal, resource, operation): ACLs have no update in the
 * provider, so a changed ACL is a new one either way.
 */
export class DataProductTopics extends Construct {
  /** The product topic. */
  public readonly topic: Topic;
  /** The dead-letter topic. */
  public readonly deadLetter: Topic;
  /** Every ACL, keyed by {@link aclKey}. */
  public readonly acls: ReadonlyMap<string, Acl>;

  constructor(scope: Construct, id: string, props: DataProductTopicsProps) {
    super(scope, id);
    const preventDestroy = props.preventDestroy ?? false;
    const { plan, provider } = props;
    this.topic = topicResource(this, 'Topic', plan.topics.topic, provider, preventDestroy);
    this.deadLetter = topicResource(this, 'DeadLetter', plan.topics.deadLetter, provider, preventDestroy);
    const aclScope = new Construct(this, 'Acls');
    const acls = new Map<string, Acl>();
    for (const acl of plan.acls) acls.set(aclKey(acl), aclResource(aclScope, acl, provider));
    this.acls = acls;
  }
}

function topicResource(scope: Construct, id: string, plan: TopicPlan, provider: KafkaProvider, preventDestroy: boolean): Topic {
  const config: Record<string, string> = {};
  for (const key of Object.keys(plan.config).sort()) config[key] = plan.config[key].value;
  return new Topic(scope, id, {
    provider,
    name: plan.name,
    partitions: plan.partitions.value,
    replicationFactor: plan.replicationFactor.value,
    config,
    lifecycle: preventDestroy ? { preventDestroy: true } : undefined,
  });
}

function aclResource(scope: Construct, acl: AclPlan, provider: KafkaProvider): Acl {
  return new Acl(scope, aclKey(acl), {
    provider,
    aclPrincipal: acl.principal,
    aclHost: '*',
    aclOperation: acl.operation,
    aclPermissionType: 'Allow',
    resourceType: acl.resourceType,
    resourceName: acl.resourceName,
    resourcePatternTypeFilter: 'Literal',
  });
}
