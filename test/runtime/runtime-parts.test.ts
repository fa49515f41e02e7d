/**
 * The runtime's pure parts, without a broker: the backoff's bounds, the sink
 * container's configuration, what a PostgreSQL error means for a record, and
 * the errors that list what exists.
 */
import { backoffDelay } from '../../runtime/backoff';
import { RuntimeError } from '../../runtime/errors';
import { isRecordRefusal, refusalMessage, tlsOfSslMode, clientConfig } from '../../runtime/postgres';
import { findConsumer, findProduct, findProductByTopic, prepareProduct } from '../../runtime/products';
import { readSinkEnvironment } from '../../runtime/sink-environment';
import { fixtureProducts } from '../support/runtime-mesh';
import { SINK_NODE_FLAGS } from '../../scripts/sink-bundle';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ENV = {
  KAFKA_BOOTSTRAP_SERVERS: 'b-1.mesh:9096,b-2.mesh:9096',
  KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
  KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
  KAFKA_USERNAME: 'ledger-sink',
  KAFKA_PASSWORD: 's3cret-kafka',
  KAFKA_TOPIC: 'payments.payment-events.v1',
  KAFKA_DEAD_LETTER_TOPIC: 'payments.payment-events.v1.dlq',
  KAFKA_GROUP_ID: 'payments.payment-events.v1.ledger',
  PG_HOST: 'mesh.abc.eu-west-1.rds.amazonaws.com',
  PG_PORT: '5432',
  PG_DATABASE: 'mesh',
  PG_SCHEMA: 'payments',
  PG_TABLE: 'payment_events_v1__ledger',
  PG_LOGIN: JSON.stringify({ engine: 'postgres', host: 'x', port: 5432, dbname: 'mesh', username: 'payments__ledger', password: 's3cret-pg' }),
};

describe('backoff', () => {
  it('grows from the initial wait, jittered between half and all of it, and never exceeds the bound', () => {
    expect(backoffDelay(0, { initialMs: 200, maxMs: 30_000 }, () => 0)).toBe(100);
    expect(backoffDelay(0, { initialMs: 200, maxMs: 30_000 }, () => 1)).toBe(200);
    expect(backoffDelay(3, { initialMs: 200, maxMs: 30_000 }, () => 1)).toBe(1600);
    for (let attempt = 0; attempt < 100; attempt++) {
      const d = backoffDelay(attempt, { initialMs: 200, maxMs: 30_000 });
      expect(d).toBeLessThanOrEqual(30_000);
      expect(d).toBeGreaterThanOrEqual(Math.min(30_000, 200 * 2 ** attempt) / 2);
    }
  });
});

describe('the sink container\'s environment', () => {
  it('reads what the ECS task definition sets', () => {
    const e = readSinkEnvironment(ENV);
    expect(e.kafka).toEqual({ brokers: ['b-1.mesh:9096', 'b-2.mesh:9096'], sasl: { mechanism: 'scram-sha-512', username: 'ledger-sink', password: 's3cret-kafka' } });
    expect(e.postgres).toMatchObject({ host: ENV.PG_HOST, port: 5432, database: 'mesh', schema: 'payments', table: 'payment_events_v1__ledger', user: 'payments__ledger', password: 's3cret-pg' });
    // Verified TLS to a remote database by default; none on loopback; PGSSLMODE decides when set.
    expect(clientConfig(e.postgres, 'x').ssl).toEqual({ rejectUnauthorized: true });
    expect(clientConfig({ ...e.postgres, host: '127.0.0.1' }, 'x').ssl).toBe(false);
    expect(readSinkEnvironment({ ...ENV, PGSSLMODE: 'require' }).postgres.tls).toBe('no-verify');
  });

  it('names every missing variable at once', () => {
    const { KAFKA_PASSWORD: _p, PG_LOGIN: _l, ...rest } = ENV;
    expect(() => readSinkEnvironment({ ...rest, PG_TABLE: ' ' })).toThrow(/lacks KAFKA_PASSWORD, PG_TABLE, PG_LOGIN: the ECS task definition of a sink consumer sets all of them/);
  });

  it('names what is wrong, quoting no secret', () => {
    const err = (() => {
      try {
        readSinkEnvironment({ ...ENV, KAFKA_SECURITY_PROTOCOL: 'PLAINTEXT', PG_PORT: 'five', PG_LOGIN: 'hunter2', PGSSLMODE: 'maybe' });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(RuntimeError);
    expect(err?.message).toMatch(/KAFKA_SECURITY_PROTOCOL is PLAINTEXT, but the mesh's brokers take SASL_SSL only/);
    expect(err?.message).toMatch(/PG_PORT is "five", not a port number/);
    expect(err?.message).toMatch(/PG_LOGIN is not JSON/);
    expect(err?.message).toMatch(/PGSSLMODE=maybe is not a libpq sslmode/);
    expect(err?.message).not.toContain('hunter2');
    expect(() => readSinkEnvironment({ ...ENV, PG_LOGIN: '{"user":"x"}' })).toThrow(/PG_LOGIN has no "username" and "password"/);
    expect(tlsOfSslMode('verify-full')).toBe('verify');
    expect(tlsOfSslMode('disable')).toBe(false);
  });
});

describe('what a PostgreSQL error means for a record', () => {
  it('dead-letters data errors and limits, pauses on everything else', () => {
    for (const code of ['22021', '22001', '23514', '23502', '54000']) expect(isRecordRefusal({ code })).toBe(true);
    for (const code of ['08006', '57P01', '42P01', '42501', '40001', '53300', '23505', undefined]) expect(isRecordRefusal({ code })).toBe(false);
    expect(isRecordRefusal(new Error('connect ECONNREFUSED'))).toBe(false);
  });

  it('quotes the server only for products that may be quoted', () => {
    const e = { code: '22P02', message: 'invalid input syntax for type uuid: "ada@example.com"', column: 'customer_id' };
    expect(refusalMessage(e, false)).toContain('ada@example.com');
    expect(refusalMessage(e, true)).toBe('SQLSTATE 22P02 (column customer_id); the server\'s message is withheld, as it may quote the value');
  });
});

describe('finding products and consumers', () => {
  const mesh = fixtureProducts().map((p) => ({ product: p.product, lock: p.lock }));

  it('lists what exists, with the closest match', () => {
    expect(() => findProduct(mesh, 'payments/payment-event@v1')).toThrow(/there is no product "payments\/payment-event@v1"; did you mean payments\/payment-events@v1\?.*The products are: customers\/consent-events@v1, customers\/customer-profile@v1, orders\/order-state@v1, orders\/shipment-events@v1, payments\/payment-events@v1, payments\/refund-events@v1\./);
    expect(() => findProduct(mesh, 'payments')).toThrow(/a product is named <domain>\/<name>@v<version>/);
    expect(() => findProductByTopic(mesh, 'payments.payment-events.v2')).toThrow(/The topics are: customers\.consent-events\.v1, .*payments\.refund-events\.v1\. Was the image built from the contracts that were deployed\?/);
    const payments = prepareProduct(findProduct(mesh, 'payments/payment-events@v1').product, findProduct(mesh, 'payments/payment-events@v1').lock).compiled;
    expect(() => findConsumer(payments, 'fraud')).toThrow('payments/payment-events@v1 has no consumer "fraud". Its consumers are: ledger, fraud-scoring.');
    expect(findConsumer(payments, 'ledger', { sinkOnly: true }).name).toBe('ledger');
  });

  it('refuses a lock of another product or one the contract has moved past', () => {
    const [a, b] = fixtureProducts();
    expect(() => prepareProduct(a.product, b.lock)).toThrow(/the lock given is the lock of/);
    const moved = { ...a.lock, history: [...a.lock.history.slice(0, -1), { ...a.lock.history[a.lock.history.length - 1], key: 'other' }] };
    expect(() => prepareProduct(a.product, moved)).toThrow(/the contract differs from the last shape in its lock .*run `npm run contracts:lock`/);
  });
});

describe('the sink container\'s command', () => {
  it('is node with the sink\'s flags, in the Dockerfile that docs/runtime.md ships (the benchmark measures the same command)', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'runtime.md'), 'utf8');
    const cmd = /^CMD (\[.*\])$/m.exec(doc);
    expect(cmd).not.toBeNull();
    expect(JSON.parse(cmd![1])).toEqual(['node', ...SINK_NODE_FLAGS, '/app/sink.js']);
    expect(SINK_NODE_FLAGS).toContain('--max-semi-space-size=4');
  });
});
