/**
 * Regenerates the TypeScript bindings of the Mongey/kafka Terraform provider
 * (0.13.1) into `.gen/providers/kafka`, with cdktf's own provider generator.
 *
 * There is no `@cdktf/provider-kafka` on npm, and `cdktf get` would need
 * terraform and the registry. The generator only needs the provider's schema
 * (the format of `terraform providers schema -json`), which is committed at
 * `.gen/schemas/mongey-kafka.schema.json`.
 *
 * Run: `npm run gen:kafka`. Commit the result.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CodeMaker } from 'codemaker';
import {
  ConstructsMakerProviderTarget,
  LANGUAGES,
  TerraformProviderConstraint,
} from '@cdktf/commons';
import { TerraformProviderGenerator } from '@cdktf/provider-generator/lib/get/generator/provider-generator';

const root = join(__dirname, '..');
const schemaPath = join(root, '.gen', 'schemas', 'mongey-kafka.schema.json');
const outdir = join(root, '.gen');
const PROVIDER = 'mongey/kafka@0.13.1';

async function main(): Promise<void> {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  const code = new CodeMaker();
  const generator = new TerraformProviderGenerator(code, schema);
  generator.generate(
    new ConstructsMakerProviderTarget(new TerraformProviderConstraint(PROVIDER), LANGUAGES[0]),
  );
  rmSync(join(outdir, 'providers', 'kafka'), { recursive: true, force: true });
  await generator.save(outdir);
  console.log(`Generated ${PROVIDER} bindings into ${join('.gen', 'providers', 'kafka')}`);
}

main().catch((err: unknown) => {
  console.error(`Could not generate the Kafka bindings: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
