/**
 * What the hand-written baseline app declares, as plain data: every stack
 * with its backend, its Kafka provider and every topic and ACL, with literal
 * values. `bench/baseline-input.ts` writes it (once, outside the timed run)
 * from the same generated contracts the mesh app reads.
 */
import type { KafkaProviderConfig } from '../../.gen/providers/kafka/provider';
import type { LocalBackendConfig, S3BackendConfig } from 'cdktf';

/** One Kafka topic, with the arguments of `kafka_topic`. */
export interface BaselineTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: Readonly<Record<string, string>>;
  readonly preventDestroy: boolean;
}

/** One ACL, with its construct ID and the arguments of `kafka_acl` that vary. */
export interface BaselineAcl {
  readonly id: string;
  readonly principal: string;
  readonly operation: string;
  readonly resourceType: string;
  readonly resourceName: string;
}

/** One product's resources under the construct `<id>` of its stack. */
export interface BaselineProduct {
  readonly id: string;
  readonly topic: BaselineTopic;
  readonly deadLetter: BaselineTopic;
  readonly acls: readonly BaselineAcl[];
}

/** One stack. */
export interface BaselineStack {
  readonly name: string;
  readonly backend: { readonly local: LocalBackendConfig } | { readonly s3: S3BackendConfig; readonly useLockfile: boolean };
  readonly provider: KafkaProviderConfig;
  readonly products: readonly BaselineProduct[];
}

/** The whole input, stacks in synthesis order. */
export interface BaselineInput {
  readonly stacks: readonly BaselineStack[];
}
