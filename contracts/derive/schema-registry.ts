/**
 * The AWS Glue Schema Registry plan of one domain stack: one registry per
 * domain and environment, one PROTOBUF schema per product major version
 * (named after its topic, as Glue's Kafka SerDe names schemas by default),
 * with the contract's compatibility mode in its transitive (`_ALL`) form and
 * the generated proto as its definition. Pure.
 */
import type { Compatibility } from '../dsl/data-product';
import type { StackPlan } from '../mesh';
import type { Derived } from './derived';

/** Glue compatibility for each contract mode: the transitive form, as the gate judges. */
export const GLUE_COMPATIBILITY: Readonly<Record<Compatibility, string>> = {
  BACKWARD: 'BACKWARD_ALL',
  FORWARD: 'FORWARD_ALL',
  FULL: 'FULL_ALL',
  NONE: 'NONE',
};

/** Glue's limit on a schema definition, in characters. */
export const GLUE_MAX_DEFINITION_CHARS = 170_000;

export interface RegistrySchemaPlan {
  /** `<domain>/<name>@v<version>`. */
  readonly productId: string;
  /** `<name>-v<version>`: the construct ID (API: the Terraform address derives from it). */
  readonly id: string;
  /** The schema name: the topic name. */
  readonly schemaName: string;
  readonly compatibility: Derived<string>;
  readonly dataFormat: 'PROTOBUF';
  /** The generated proto3 text. */
  readonly definition: string;
  readonly description: string;
}

export interface RegistryPlan {
  /** `<domain>-<env>`. */
  readonly registryName: string;
  readonly description: string;
  readonly schemas: readonly RegistrySchemaPlan[];
  /** Problems (e.g. a definition over Glue's limit). */
  readonly problems: ReadonlyArray<{ readonly product: string; readonly field: string; readonly message: string; readonly fix: string }>;
}

/** The registry of a domain stack. */
export function deriveRegistryPlan(stack: Pick<StackPlan, 'domain' | 'environment' | 'products'>): RegistryPlan {
  const problems: Array<{ product: string; field: string; message: string; fix: string }> = [];
  const schemas = stack.products.map((pp) => {
    const p = pp.product;
    if (pp.proto.text.length > GLUE_MAX_DEFINITION_CHARS) {
      problems.push({ product: p.id, field: 'schema', message: `the generated proto is ${pp.proto.text.length} characters; Glue Schema Registry accepts at most ${GLUE_MAX_DEFINITION_CHARS}.`, fix: 'split the contract into smaller products.' });
    }
    return {
      productId: p.id,
      id: `${p.name}-v${p.version}`,
      schemaName: p.topic,
      compatibility: { value: GLUE_COMPATIBILITY[p.compatibility], reason: `the contract's ${p.compatibility} mode is transitive (against every earlier version), Glue's ${GLUE_COMPATIBILITY[p.compatibility]}` },
      dataFormat: 'PROTOBUF' as const,
      definition: pp.proto.text,
      description: `${p.description} (${p.id}, message ${pp.proto.fullName})`.slice(0, 2048),
    };
  });
  return {
    registryName: `${stack.domain}-${stack.environment.name}`,
    description: `Protobuf schemas of the ${stack.domain} domain's data products in ${stack.environment.name} (contract-mesh).`,
    schemas,
    problems,
  };
}
