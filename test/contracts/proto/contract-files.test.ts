/** The files synth writes under cdktf.out/contracts/: proto, JSON Schema, buf.yaml. */
import { defineDataProduct, z } from '../../../contracts/index';
import { planMesh } from '../../../contracts/mesh';
import { BUF_YAML, contractFiles } from '../../../contracts/proto/contract-files';
import { jsonSchemaFile } from '../../../contracts/proto/json-schema';
import { dev, spec } from '../../helpers';

describe('contract files', () => {
  const plan = planMesh([{ product: defineDataProduct(spec()) }], [dev]);
  const files = contractFiles(plan);

  it('writes buf.yaml, the proto and the JSON Schema beside it', () => {
    expect(files.map((f) => f.path)).toEqual([
      'buf.yaml',
      'payments/payment_events/v1/payment_events.proto',
      'payments/payment_events/v1/payment_events.schema.json',
    ]);
    expect(files[0].content).toBe(BUF_YAML);
    expect(jsonSchemaFile('a/b/v1/b.proto')).toBe('a/b/v1/b.schema.json');
  });

  it('the JSON Schema is the contract\'s (draft 2020-12), titled with the proto message', () => {
    const schema = JSON.parse(files[2].content);
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'PaymentEvents',
      type: 'object',
      required: ['paymentId', 'amountMinor', 'currency', 'occurredAt', 'merchantId'],
      additionalProperties: false,
    });
    expect(schema.description).toMatch(/payments\/payment-events@v1, topic payments\.payment-events\.v1/);
    expect(schema.properties.currency).toEqual({ type: 'string', enum: ['USD', 'EUR', 'GBP'] });
    expect(schema.properties.occurredAt).toMatchObject({ type: 'string', format: 'date-time' });
  });

  it('fails if a contract cannot be carried: no files, a problem naming the field', () => {
    expect(() => planMesh([{ product: defineDataProduct(spec({ schema: z.object({ paymentId: z.uuid(), status: z.enum(['UNSPECIFIED']) }) })) }], [dev]))
      .toThrow(/payments\/payment-events@v1: schema\.status: enum value "UNSPECIFIED" becomes STATUS_UNSPECIFIED/);
  });
});
