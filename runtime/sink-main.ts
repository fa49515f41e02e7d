/**
 * The sink container's entry point. `npm run sink:bundle` bundles it with the
 * mesh's contracts and locks into one JavaScript file (`dist/sink/sink.js`),
 * run as `node sink.js`: no TypeScript loader, no node_modules, and nothing
 * written to disk (the task's root filesystem is read-only).
 *
 * It learns which product and consumer it is from the environment the ECS
 * deployment sets (runtime/sink-environment.ts): the product by
 * `KAFKA_TOPIC`, the consumer by `KAFKA_GROUP_ID` (`<topic>.<consumer>`), and
 * checks that the dead-letter topic, schema and table it was given are the
 * ones its contract derives.
 *
 * Exit codes: 0 after a clean stop (SIGTERM/SIGINT); 1 on a configuration
 * error, when no broker answered within the start-up timeout, or when the
 * consumer crashed or could not stop in time.
 */
import { pgSchemaName, pgTableName } from '../contracts/derive/names';
import { messageOf, RuntimeError } from './errors';
import { consoleLog, type RuntimeLog } from './log';
import { runPostgresSink } from './postgres-sink';
import { findConsumer, findProductByTopic, prepareProduct, type MeshProduct } from './products';
import { readSinkEnvironment } from './sink-environment';

/** Options of {@link runSinkFromEnvironment}. */
export interface SinkMainOptions {
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Command-line arguments: `--startup-timeout-seconds <n>` (how long to wait for a broker at start-up).
   * @default process.argv.slice(2)
   */
  readonly argv?: readonly string[];
  /** @default - lines on stdout/stderr */
  readonly log?: RuntimeLog;
}

function startupTimeout(argv: readonly string[]): number | undefined {
  const i = argv.indexOf('--startup-timeout-seconds');
  if (i < 0) {
    if (argv.length) throw new RuntimeError(`unknown argument ${argv[0]}; the sink takes its configuration from the environment (and an optional --startup-timeout-seconds <n>).`);
    return undefined;
  }
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new RuntimeError(`--startup-timeout-seconds takes a positive number of seconds, got ${JSON.stringify(argv[i + 1])}.`);
  return n * 1000;
}

/** Runs the sink the environment describes until it stops; returns the process exit code. */
export async function runSinkFromEnvironment(mesh: readonly MeshProduct[], options: SinkMainOptions = {}): Promise<number> {
  const log0 = options.log ?? consoleLog('contract-mesh sink');
  try {
    const cfg = readSinkEnvironment(options.env ?? process.env);
    const startupTimeoutMs = startupTimeout(options.argv ?? process.argv.slice(2));
    const entry = findProductByTopic(mesh, cfg.topic);
    const { compiled } = prepareProduct(entry.product, entry.lock);
    const prefix = `${compiled.topic}.`;
    if (!cfg.groupId.startsWith(prefix)) {
      throw new RuntimeError(`KAFKA_GROUP_ID ${cfg.groupId} is not a consumer group of ${compiled.topic} (groups are <topic>.<consumer>, e.g. ${compiled.consumers[0]?.group ?? `${prefix}<consumer>`}).`);
    }
    const consumer = findConsumer(compiled, cfg.groupId.slice(prefix.length), { sinkOnly: true });
    const expected: Array<[string, string, string]> = [
      ['KAFKA_DEAD_LETTER_TOPIC', cfg.deadLetterTopic, compiled.deadLetterTopic],
      ['PG_SCHEMA', cfg.postgres.schema, pgSchemaName(compiled.domain)],
      ['PG_TABLE', cfg.postgres.table, pgTableName(compiled.name, compiled.version, consumer.name)],
    ];
    const off = expected.filter(([, got, want]) => got !== want);
    if (off.length) {
      throw new RuntimeError(`${compiled.id} sink ${consumer.name}: ${off.map(([n, got, want]) => `${n} is ${got}, but the contract derives ${want}`).join('; ')}. Was the image built from the contracts that were deployed?`);
    }
    const log = options.log ?? consoleLog(`contract-mesh sink ${compiled.id} ${consumer.name}`);
    const sink = await runPostgresSink(entry.product, consumer.name, {
      connection: { ...cfg.kafka, clientId: `contract-mesh-sink-${consumer.name}` },
      lock: entry.lock,
      postgres: cfg.postgres,
      log,
      ...(startupTimeoutMs !== undefined ? { startupTimeoutMs } : {}),
    });
    await sink.stopped;
    return 0;
  } catch (err) {
    log0.error(err instanceof RuntimeError ? err.message : `unexpected error: ${messageOf(err)}`);
    if (!(err instanceof RuntimeError) && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
