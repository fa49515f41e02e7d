/**
 * `npm run sink -- <domain>/<name>@v<n> <consumer>`: runs a consumer's Postgres
 * sink against the local mesh (`npm run mesh:up`, `npm run synth`,
 * `npm run mesh:apply`), as the consumer's principal and its sink login, until
 * Ctrl-C (or SIGTERM), which finishes the in-flight batch, commits and leaves
 * the group. See docs/runtime.md.
 */
import { loginRoleName } from '../contracts/sql/sink-tables';
import { compileProduct } from '../contracts/compile';
import { RuntimeError } from '../runtime/errors';
import { runPostgresSink } from '../runtime/postgres-sink';
import { findConsumer, findProduct } from '../runtime/products';
import { loadMesh, localConnection, localKafka, localPostgres } from './local-runtime';

const USAGE = 'usage: npm run sink -- <domain>/<name>@v<version> <consumer>   (e.g. npm run sink -- payments/payment-events@v1 ledger)';

async function main(args: string[]): Promise<number> {
  const [id, consumerName, ...rest] = args;
  if (!id || !consumerName || rest.length) throw new RuntimeError(USAGE);
  const root = process.cwd();
  const mesh = loadMesh(root);
  const entry = findProduct(mesh, id);
  const compiled = compileProduct(entry.product).product;
  if (!compiled) throw new RuntimeError(`${id}: the contract does not compile: run \`npm run synth\` for the problems.`);
  const consumer = findConsumer(compiled, consumerName, { sinkOnly: true });
  const connection = localConnection(root);
  const sink = await runPostgresSink(entry.product, consumer.name, {
    connection: localKafka(connection, consumer.principal),
    lock: entry.lock,
    postgres: localPostgres(connection, loginRoleName(compiled.domain, consumer.name)),
  });
  await sink.stopped;
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`contract-mesh: ${err instanceof RuntimeError ? err.message : `the sink failed: ${err instanceof Error ? err.message : String(err)}`}`);
    process.exitCode = 1;
  },
);
