/** The domain stack registers every product major's proto in Glue Schema Registry. */
import { Testing } from 'cdktf';
import { GlueRegistry } from '@cdktf/provider-aws/lib/glue-registry';
import { GlueSchema } from '@cdktf/provider-aws/lib/glue-schema';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { defineDataProduct, z } from '../../contracts/index';
import { deriveRegistryPlan, GLUE_COMPATIBILITY, GLUE_MAX_DEFINITION_CHARS } from '../../contracts/derive/schema-registry';
import { planMesh } from '../../contracts/mesh';
import { DomainStack } from '../../stacks/domain-stack';
import { dev, prod, spec } from '../helpers';

const products = [
  defineDataProduct(spec({ compatibility: 'FULL' })),
  defineDataProduct(spec({ name: 'refund-events', key: 'refundId', schema: z.object({ refundId: z.uuid() }), compatibility: 'NONE' })),
];
const plan = planMesh(products.map((product) => ({ product })), [dev, prod]);

function synth(stackName: string) {
  const app = Testing.app();
  const stack = new DomainStack(app, plan.stacks.find((s) => s.name === stackName)!);
  return { stack, json: Testing.synth(stack, true) };
}

describe('DomainSchemaRegistry in a domain stack', () => {
  const { stack, json } = synth('payments-dev');

  it('configures the AWS provider with the environment\'s region', () => {
    expect(json).toHaveProviderWithProperties(AwsProvider, { region: 'eu-west-1' });
  });

  it('creates one registry per domain and environment, named with the environment', () => {
    expect(json).toHaveResourceWithProperties(GlueRegistry, { registry_name: 'payments-dev' });
    expect(Object.keys(JSON.parse(json).resource.aws_glue_registry)).toHaveLength(1);
    expect(synth('payments-prod').json).toHaveResourceWithProperties(GlueRegistry, { registry_name: 'payments-prod' });
  });

  it('creates one PROTOBUF schema per product major with the transitive compatibility and the generated proto', () => {
    const pe = plan.contracts.find((c) => c.product.name === 'payment-events')!;
    expect(json).toHaveResourceWithProperties(GlueSchema, {
      schema_name: 'payments.payment-events.v1',
      data_format: 'PROTOBUF',
      compatibility: 'FULL_ALL',
      schema_definition: pe.proto.text,
      registry_arn: '${aws_glue_registry.SchemaRegistry_51BA8F02.arn}',
    });
    expect(json).toHaveResourceWithProperties(GlueSchema, { schema_name: 'payments.refund-events.v1', compatibility: 'NONE' });
    expect(Object.keys(JSON.parse(json).resource.aws_glue_schema)).toHaveLength(2);
  });

  it('uses fixed construct IDs (Terraform addresses are API)', () => {
    expect(stack.schemaRegistry!.node.path).toBe('payments-dev/SchemaRegistry');
    expect([...stack.schemaRegistry!.schemas.values()].map((s) => s.node.id)).toEqual(['Schema-payment-events-v1', 'Schema-refund-events-v1']);
  });

  it('prevents destroying schemas in production only', () => {
    expect(synth('payments-prod').json).toHaveResourceWithProperties(GlueSchema, { lifecycle: { prevent_destroy: true } });
    expect(json).not.toHaveResourceWithProperties(GlueSchema, { lifecycle: { prevent_destroy: true } });
  });
});

describe('deriveRegistryPlan', () => {
  it.each([['BACKWARD', 'BACKWARD_ALL'], ['FORWARD', 'FORWARD_ALL'], ['FULL', 'FULL_ALL'], ['NONE', 'NONE']] as const)('%s → %s', (mode, glue) => {
    expect(GLUE_COMPATIBILITY[mode]).toBe(glue);
  });
  it('fails if a definition exceeds Glue\'s limit', () => {
    const s = plan.stacks[0];
    const big = { ...s, products: [{ ...s.products[0], proto: { ...s.products[0].proto, text: 'x'.repeat(GLUE_MAX_DEFINITION_CHARS + 1) } }] };
    expect(deriveRegistryPlan(big).problems).toEqual([expect.objectContaining({ field: 'schema', message: expect.stringMatching(/at most 170000/) })]);
    expect(deriveRegistryPlan(s).problems).toEqual([]);
  });
});
