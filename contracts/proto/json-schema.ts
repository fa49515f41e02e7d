/**
 * The JSON Schema of a contract (draft 2020-12), written beside its proto:
 * Zod's own `z.toJSONSchema`, titled with the product and its proto message.
 */
import { z } from 'zod';
import type { CompiledProduct } from '../compile';
import { protoMessage } from '../derive/names';

/** The JSON Schema of a product's record, as a plain object. */
export function contractJsonSchema(product: Pick<CompiledProduct, 'id' | 'name' | 'description' | 'topic'>, schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = json;
  return {
    $schema,
    title: protoMessage(product.name),
    description: `${product.description} (data product ${product.id}, topic ${product.topic})`,
    ...rest,
  };
}

/** The JSON Schema file beside the proto: `<…>/<name_snake>.proto` → `<…>/<name_snake>.schema.json`. */
export function jsonSchemaFile(protoFilePath: string): string {
  return protoFilePath.replace(/\.proto$/, '.schema.json');
}
