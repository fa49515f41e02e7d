import { Construct } from 'constructs';
import { GlueRegistry } from '@cdktf/provider-aws/lib/glue-registry';
import { GlueSchema } from '@cdktf/provider-aws/lib/glue-schema';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { RegistryPlan } from '../contracts/derive/schema-registry';

/** Props of {@link DomainSchemaRegistry}. */
export interface DomainSchemaRegistryProps {
  /** The registry plan of one domain in one environment (see `deriveRegistryPlan`). */
  readonly plan: RegistryPlan;
  /** The AWS provider to create the resources with. */
  readonly provider: AwsProvider;
  /**
   * Add `prevent_destroy` to the registry and every schema (deleting a schema deletes every version of it).
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * A domain's AWS Glue Schema Registry in one environment (`Registry`) and one
 * PROTOBUF schema per product major version (`Schema-<name>-v<version>`).
 * The child IDs are API: cdktf derives Terraform addresses from them.
 */
export class DomainSchemaRegistry extends Construct {
  /** The registry. */
  public readonly registry: GlueRegistry;
  /** The schemas, by product id. */
  public readonly schemas: ReadonlyMap<string, GlueSchema>;

  constructor(scope: Construct, id: string, props: DomainSchemaRegistryProps) {
    super(scope, id);
    const preventDestroy = props.preventDestroy ?? false;
    const lifecycle = preventDestroy ? { preventDestroy: true } : undefined;
    this.registry = new GlueRegistry(this, 'Registry', {
      provider: props.provider,
      registryName: props.plan.registryName,
      description: props.plan.description,
      lifecycle,
    });
    const schemas = new Map<string, GlueSchema>();
    const registryArn = this.registry.arn;
    for (const s of props.plan.schemas) {
      schemas.set(
        s.productId,
        new GlueSchema(this, `Schema-${s.id}`, {
          provider: props.provider,
          registryArn,
          schemaName: s.schemaName,
          dataFormat: s.dataFormat,
          compatibility: s.compatibility.value,
          schemaDefinition: s.definition,
          description: s.description,
          lifecycle,
        }),
      );
    }
    this.schemas = schemas;
  }
}
