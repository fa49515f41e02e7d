/**
 * `npm run dlq:replay -- <domain>/<name>@v<n> [--dry-run] [--limit <n>]`:
 * re-checks a product's dead letters against its current contract and
 * re-produces those that now pass to its topic, as the product's owner
 * principal on the local mesh (runtime/replay.ts; docs/runtime.md).
 */
import { compileProduct } from '../contracts/compile';
import { RuntimeError } from '../runtime/errors';
import { findProduct } from '../runtime/products';
import { formatReplayReport, replayDeadLetters } from '../runtime/replay';
import { loadMesh, localConnection, localKafka } from './local-runtime';

const USAGE = 'usage: npm run dlq:replay -- <domain>/<name>@v<version> [--dry-run] [--limit <n>]';

async function main(args: string[]): Promise<number> {
  let id: string | undefined;
  let dryRun = false;
  let limit: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--dry-run') dryRun = true;
    else if (a === '--limit') {
      limit = Number(args[++i]);
      if (!Number.isInteger(limit) || limit < 1) throw new RuntimeError(`--limit takes a positive whole number, got ${JSON.stringify(args[i])}. ${USAGE}`);
    } else if (a.startsWith('-') || id) throw new RuntimeError(`unknown argument ${a}. ${USAGE}`);
    else id = a;
  }
  if (!id) throw new RuntimeError(USAGE);
  const root = process.cwd();
  const entry = findProduct(loadMesh(root), id);
  const compiled = compileProduct(entry.product).product;
  if (!compiled) throw new RuntimeError(`${id}: the contract does not compile: run \`npm run synth\` for the problems.`);
  if (!compiled.owner.principal) throw new RuntimeError(`${id} has no owner principal, so no one may read its dead letters: set owner.principal in the contract.`);
  const report = await replayDeadLetters(entry.product, { connection: localKafka(localConnection(root), compiled.owner.principal), lock: entry.lock, dryRun, ...(limit !== undefined ? { limit } : {}) });
  for (const line of formatReplayReport(report)) console.log(line);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`contract-mesh: ${err instanceof RuntimeError ? err.message : `the replay failed: ${err instanceof Error ? err.message : String(err)}`}`);
    process.exitCode = 1;
  },
);
