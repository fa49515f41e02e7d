import { Construct } from 'constructs';
import { MeshStack } from '../constructs/mesh-stack';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import type { StackPlan } from '../contracts/mesh';
import { DataProductTopics } from '../constructs/data-product-topics';
import { kafkaAdminProvider } from '../constructs/kafka-admin-provider';
import type { BackendConfig } from '../contracts/environment';
import { deriveRegistryPlan } from '../contracts/derive/schema-registry';
import { DomainSchemaRegistry } from '../constructs/schema-registry';
import { addDeployments } from './domain-deployments';
import { awsProvider } from '../constructs/aws/aws-provider';
import { addPostgresSinks } from './postgres-sinks';

/** Props of {@link DomainStack}. */
export interface DomainStackProps {
  /**
   * Where the committed sink migrations are (`<root>/<domain>/<product>.v<n>/<consumer>/NNNN_*.sql`).
   * @default `contracts/migrations` of this project
   */
  readonly migrationsRoot?: string;
}

/**
 * One domain in one environment (`<domain>-<env>`): what a domain team deploys
 * with `cdktf deploy <domain>-<env>`. One {@link DataProductTopics} per product
 * major version, with the ID `<name>-v<version>` — the product's identity.
 */
export class DomainStack extends MeshStack {
  /** The products' Kafka resources, by product id. */
  public readonly products: ReadonlyMap<string, DataProductTopics>;
  /** The domain's Glue Schema Registry and the products' schemas (none without `aws` settings: no AWS resources there). */
  public readonly schemaRegistry?: DomainSchemaRegistry;
  /** Per product id with deployed consumers: the scope of its services and alarms (empty without `aws` settings). */
  public readonly deployments: ReadonlyMap<string, Construct>;

  constructor(scope: Construct, plan: StackPlan, props: DomainStackProps = {}) {
    super(scope, plan.name);
    configureBackend(this, plan.name, plan.environment.backend);
    const provider = kafkaAdminProvider(this, plan.environment);
    const products = new Map<string, DataProductTopics>();
    for (const p of plan.products) {
      products.set(
        p.product.id,
        new DataProductTopics(this, `${p.product.name}-v${p.product.version}`, {
          plan: p,
          provider,
          preventDestroy: plan.environment.production,
        }),
      );
    }
    this.products = products;
    // An environment without AWS settings (the local mesh) gets no AWS resource and no AWS provider at all.
    if (plan.environment.aws) {
      this.schemaRegistry = new DomainSchemaRegistry(this, 'SchemaRegistry', {
        plan: deriveRegistryPlan(plan),
        provider: awsProvider(this, plan.environment, plan.name),
        preventDestroy: plan.environment.production,
      });
    }
    this.deployments = addDeployments(this, plan);
    addPostgresSinks(this, plan, { migrationsRoot: props.migrationsRoot });
  }
}

/** Local state for `local`; S3 with a per-stack key, KMS encryption and a lock file for `s3`. */
export function configureBackend(stack: TerraformStack, name: string, backend: BackendConfig): void {
  if (backend.type === 'local') {
    new LocalBackend(stack, { path: `terraform.${name}.tfstate` });
    return;
  }
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: `${backend.keyPrefix}/${name}.tfstate`,
    region: backend.region,
    encrypt: true,
    kmsKeyId: backend.kmsKeyId,
  });
  stack.addOverride('terraform.backend.s3.use_lockfile', true);
}
