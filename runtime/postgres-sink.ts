/**
 * The zero-code Postgres sink: a consumer that writes its product into the
 * sink table the contract declares for it (contracts/sql: the table and its
 * migrations, `sinkStatements` for the writes).
 *
 * Per fetch (the batches of every partition one fetch brought):
 * 1. every record is decoded and checked; the ones that fail (and tombstones
 *    on an event topic) are set aside for the dead-letter topic;
 * 2. the valid ones are written in ONE transaction with the derived statements
 *    in their set-wise form — one statement per run of writes or of
 *    tombstones, each column passed as an array (upsert: latest offset wins, a
 *    tombstone deletes the key's row; append: one row per record, a
 *    redelivered (partition, offset) is ignored). A row the database refuses
 *    for its data (a value PostgreSQL cannot store, a CHECK) is found by
 *    writing the records again one by one, each behind a savepoint; it is left
 *    out and dead-lettered;
 * 3. the set-aside records go to the dead-letter topic;
 * 4. only then are the offsets committed, every partition's in one request.
 * A crash anywhere replays the batch, and the statements make a replay leave
 * the table as if the batch had been applied once.
 *
 * PostgreSQL down (or the table missing, or a permission lacking): the sink
 * pauses — retries the transaction with backoff, heartbeating, committing
 * nothing — and resumes when it is back.
 */
import type { Client } from 'pg';
import { ident, qualified } from '../contracts/sql/identifiers';
import type { Column } from '../contracts/sql/columns';
import { planSinks } from '../contracts/sql/sink-plan';
import { INGESTION_COLUMNS } from '../contracts/sql/sink-tables';
import { planSinkBatch, rowParams, sinkBatchStatements, tombstoneParams, type SinkOperation, type SinkStatement, type SinkStatements } from '../contracts/sql/statements';
import type { DataProduct } from '../contracts/dsl/data-product';
import type { ContractViolation } from '../contracts/codec';
import { backoffDelay, pause } from './backoff';
import { runtimeIssue, runtimeViolation } from './dead-letters';
import { nextOffset, startContractConsumer, type ConsumerRuntimeOptions, type DecodedRecord, type FetchWork, type RunningConsumer } from './consumer';
import { messageOf, RuntimeError } from './errors';
import type { ConsumedRecord } from './kafka';
import { consoleLog } from './log';
import { isRecordRefusal, openClient, refusalMessage, sqlState, type PostgresConnection } from './postgres';
import { findConsumer, prepareProduct } from './products';

/** Options of {@link runPostgresSink}. */
export interface PostgresSinkOptions extends ConsumerRuntimeOptions {
  /** The database, as the sink consumer's login role. */
  readonly postgres: PostgresConnection;
  /**
   * Called after each batch is committed (rows in the table, offsets committed), e.g. for metrics.
   * @default - nothing
   */
  readonly onCommitted?: (batch: CommittedBatch) => void;
}

/** A batch the sink has finished. */
export interface CommittedBatch {
  readonly partition: number;
  /** Every record of the batch (written, skipped or dead-lettered), in offset order. */
  readonly records: readonly ConsumedRecord[];
  /** Rows written (inserted, updated or deleted; a redelivered record counts too). */
  readonly written: number;
  readonly deadLettered: number;
  /** When the database transaction committed (ms since the epoch). */
  readonly committedAt: number;
}

/** A running sink. */
export interface RunningSink extends RunningConsumer {
  /** The sink table, `"<schema>"."<table>"`. */
  readonly table: string;
}

/** PostgreSQL's "ON CONFLICT DO UPDATE command cannot affect row a second time". */
const CARDINALITY_VIOLATION = '21000';

/** SQLSTATEs that mean the sink is misconfigured rather than the database unreachable: reported at start-up. */
const CONFIGURATION_ERRORS: Record<string, string> = {
  '42P01': 'the sink table does not exist: apply the migrations (`npm run mesh:apply` locally; `cdktf deploy` of the domain stack elsewhere)',
  '3F000': 'the sink schema does not exist: apply the migrations (`npm run mesh:apply` locally; `cdktf deploy` of the domain stack elsewhere)',
  '42501': 'the login role may not use the sink table: apply the migrations, which grant it',
  '28P01': 'the database refused the login role\'s password (PG_LOGIN)',
  '28000': 'the database refused the login role (PG_LOGIN)',
  '3D000': 'the database does not exist (PG_DATABASE)',
};

/**
 * Runs the Postgres sink of `consumerName` for `product`: resolves once the consumer joined its group
 * (its `stopped` settles when it stops). Connects to Kafka as the consumer's principal and to PostgreSQL as its
 * login role.
 */
export async function runPostgresSink(product: DataProduct, consumerName: string, options: PostgresSinkOptions): Promise<RunningSink> {
  const runtime = prepareProduct(product, options.lock);
  const { compiled } = runtime;
  const consumer = findConsumer(compiled, consumerName, { sinkOnly: true });
  const log = options.log ?? consoleLog(`contract-mesh sink ${compiled.id} ${consumer.name}`);
  const plan = planSinks(compiled, runtime.lock.history.map((v) => v.shape));
  if (plan.problems.length) throw new RuntimeError(`${compiled.id}: its sink tables cannot be derived: ${plan.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  const sink = plan.sinks.find((s) => s.table.consumer === consumer.name);
  if (!sink) throw new RuntimeError(`${compiled.id}: consumer ${consumer.name} has no sink table.`);
  const table = qualified(sink.table.schema.value, sink.table.table.value);
  const withheld = compiled.classification === 'pii' || compiled.classification === 'confidential';
  const statements: SinkStatements = sink.statements;
  const batchStatements = sinkBatchStatements(sink.table, sink.columns);
  const columns: readonly Column[] = sink.columns;
  const appName = `contract-mesh sink ${consumer.name}`;

  let db: { client: Client; broken: () => unknown } | undefined;
  const drop = async () => {
    const old = db;
    db = undefined;
    await old?.client.end().catch(() => undefined);
  };
  const connected = async (): Promise<Client> => {
    if (db && db.broken()) await drop();
    db ??= await openClient(options.postgres, appName);
    return db.client;
  };

  // Start-up: PostgreSQL may be down (wait for it); a missing table or a refused login is a configuration error.
  for (let attempt = 0; ; attempt++) {
    try {
      const c = await connected();
      await c.query(`SELECT ${[...columns.map((col) => ident(col.name)), ident(INGESTION_COLUMNS.partition), ident(INGESTION_COLUMNS.offset)].join(', ')} FROM ${table} LIMIT 0`);
      break;
    } catch (err) {
      await drop();
      const state = sqlState(err);
      if (state && CONFIGURATION_ERRORS[state]) {
        throw new RuntimeError(`${compiled.id} sink ${consumer.name}: ${CONFIGURATION_ERRORS[state]} (table ${table}, login ${options.postgres.user}: ${messageOf(err)}).`, { cause: err });
      }
      if (state === '42703') throw new RuntimeError(`${compiled.id} sink ${consumer.name}: table ${table} lacks a column of the contract (${messageOf(err)}): apply the migrations that came with the contract change.`, { cause: err });
      const delay = backoffDelay(attempt, options.retry);
      log.warn(`PostgreSQL at ${options.postgres.host}:${options.postgres.port} is not available (${messageOf(err)}); waiting ${Math.round(delay / 100) / 10} s before connecting again`);
      await pause(delay);
    }
  }

  const exec = (c: Client, item: DecodedRecord) => {
    const { record } = item;
    const ok = item.result as Extract<DecodedRecord['result'], { ok: true }>;
    if (ok.tombstone) {
      // Upsert: delete the key's row (unless it is newer). Append has nothing to append for a deletion.
      if (!statements.tombstone) return Promise.resolve();
      const key = record.key ? record.key.toString('utf8') : null;
      return c.query({ name: 'cm_sink_tombstone', text: statements.tombstone.text, values: tombstoneParams(key, record.partition, record.offset) });
    }
    return c.query({ name: 'cm_sink_write', text: statements.write.text, values: rowParams(columns, ok.value as Record<string, unknown>, record.partition, record.offset) });
  };

  /**
   * Writes the valid records of a fetch in one transaction, with the set-wise statements (one call per run of writes
   * or of tombstones, see planSinkBatch); returns the ones the database refused (none written for them).
   */
  const writeBatch = async (valid: readonly DecodedRecord[]): Promise<Array<{ item: DecodedRecord; error: unknown }>> => {
    const c = await connected();
    const ops: SinkOperation[] = valid.map(({ record, result }) => {
      const ok = result as Extract<DecodedRecord['result'], { ok: true }>;
      return ok.tombstone
        ? { kind: 'tombstone', key: record.key ? record.key.toString('utf8') : null, partition: record.partition, offset: record.offset }
        : { kind: 'write', value: ok.value as Record<string, unknown>, partition: record.partition, offset: record.offset };
    });
    await c.query('BEGIN');
    try {
      const refused: Array<{ item: DecodedRecord; error: unknown }> = [];
      try {
        for (const step of planSinkBatch(sink.table, columns, ops)) {
          const statement = step.statement === 'write' ? batchStatements.write : (batchStatements.tombstone as SinkStatement);
          await c.query({ name: `cm_sink_${step.statement}_many`, text: statement.text, values: step.params });
        }
      } catch (err) {
        // A row refused (or, should two spellings of one key have met in one upsert, "cannot affect row a second
        // time"): write again record by record, each behind a savepoint, to find which.
        if (!isRecordRefusal(err) && sqlState(err) !== CARDINALITY_VIOLATION) throw err;
        await c.query('ROLLBACK');
        await c.query('BEGIN');
        for (const item of valid) {
          await c.query('SAVEPOINT cm_row');
          try {
            await exec(c, item);
            await c.query('RELEASE SAVEPOINT cm_row');
          } catch (e) {
            if (!isRecordRefusal(e)) throw e;
            await c.query('ROLLBACK TO SAVEPOINT cm_row');
            refused.push({ item, error: e });
          }
        }
      }
      await c.query('COMMIT');
      return refused;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  };

  const workFetch: FetchWork = async (batches, control) => {
    const items = batches.flatMap((b) => b.items);
    const valid = items.filter((i) => i.result.ok);
    let refused: Array<{ item: DecodedRecord; error: unknown }> = [];
    let committedAt = 0;
    const partitions = batches.map((b) => b.partition).join(', ');
    for (let attempt = 0; ; attempt++) {
      if (!control.active()) return; // nothing written, nothing committed: the batches come again
      try {
        refused = await writeBatch(valid);
        committedAt = Date.now();
        break;
      } catch (err) {
        await drop();
        log.warn(`PostgreSQL did not take the batch of partition${batches.length > 1 ? 's' : ''} ${partitions} (${messageOf(err)}${sqlState(err) ? `, SQLSTATE ${sqlState(err)}` : ''}): pausing, nothing committed (attempt ${attempt + 1})`);
        if (!(await control.wait(attempt))) return;
      }
    }
    const refusedBy = new Map(refused.map((r) => [r.item, r.error]));
    const dead: Array<{ record: ConsumedRecord; violation: ContractViolation }> = [];
    for (const item of items) {
      if (!item.result.ok) dead.push({ record: item.record, violation: item.result.violation });
      else if (refusedBy.has(item)) {
        const error = refusedBy.get(item);
        dead.push({ record: item.record, violation: runtimeViolation(compiled, 'invalid', `the sink table ${table} refused the record`, [runtimeIssue('sink_refused', refusalMessage(error, withheld), refusalMessage(error, true))]) });
      }
    }
    if (!(await control.deadLetter(dead))) return; // stopping: the rows are idempotent, the batches come again
    await control.commit(batches.map((b) => ({ partition: b.partition, nextOffset: nextOffset(b.items[b.items.length - 1].record) })));
    if (options.onCommitted) {
      for (const b of batches) {
        const written = b.items.filter((i) => i.result.ok && !refusedBy.has(i)).length;
        const deadLettered = b.items.length - b.items.filter((i) => i.result.ok).length + b.items.filter((i) => refusedBy.has(i)).length;
        options.onCommitted({ partition: b.partition, records: b.items.map((i) => i.record), written, deadLettered, committedAt });
      }
    }
  };

  let running: RunningConsumer;
  try {
    running = await startContractConsumer({ runtime, consumer, options, log, what: `sink ${consumer.name}`, workFetch, onStopped: drop });
  } catch (err) {
    await drop();
    throw err;
  }
  log.info(`writing ${compiled.topic} into ${table} (${sink.table.mode})`);
  return { ...running, table };
}
