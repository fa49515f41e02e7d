/**
 * The edge-validating producer across a broker restart: a broker of this file's
 * own (the run's shared broker must stay up for the other files) is stopped and
 * started again while records are being produced. The idempotent producer with
 * acks=all retries through it: nothing is lost, nothing is duplicated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, randomPassword, startBroker, stopBroker } from '../../local-mesh/broker';
import { createProducer } from '../../runtime/producer';
import { describeBroker, type TestBroker } from '../support/broker';
import { applyTestMesh, fixtureProducts, newTag, readTopic, renamed, type TestMesh, type TestProduct } from '../support/runtime-mesh';

describeBroker('the producer across a broker restart', (shared) => {
  const tag = newTag();
  const product = renamed(fixtureProducts().find((p) => p.compiled.id === 'payments/payment-events@v1') as TestProduct, tag);
  let dir: string;
  let own: TestBroker;
  let mesh: TestMesh;
  let ports: { port: number; controllerPort: number };
  const admin = { username: 'mesh-admin-restart', password: randomPassword() };

  const start = () => startBroker({ dir: join(dir, 'kafka'), ...ports, admin, java: shared().java, kafka: shared().kafka });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'contract-mesh-restart-'));
    ports = { port: await freePort(), controllerPort: await freePort() };
    const b = await start();
    own = {
      connection: { bootstrapServers: [b.bootstrap], securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', caFile: b.caFile, admin: { principal: `User:${admin.username}`, ...admin }, principals: {}, postgres: { url: '', logins: {} } },
      stateDir: join(dir, 'kafka'),
      java: shared().java,
      kafka: shared().kafka,
    };
    mesh = await applyTestMesh(own, undefined, [product]);
  });
  afterAll(async () => {
    await mesh?.close();
    if (dir) {
      await stopBroker(join(dir, 'kafka'));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loses and duplicates nothing when the broker restarts mid-stream', async () => {
    const producer = await createProducer(product.product, { connection: mesh.kafkaAs(product.compiled.producer.principal), lock: product.lock, retries: 20 });
    const total = 120;
    const batch = 10;
    const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    let restarted: Promise<void> | undefined;
    let down = false;
    let sentWhileDown = 0;
    try {
      for (let b = 0; b < total / batch; b++) {
        if (b === 4) {
          down = true;
          restarted = stopBroker(join(dir, 'kafka')).then(async () => {
            await start();
            down = false;
          });
        }
        if (down) sentWhileDown++;
        const values = Array.from({ length: batch }, (_, k) => {
          const i = b * batch + k;
          return { paymentId: id(i), amountMinor: i, currency: 'EUR', status: 'AUTHORIZED', occurredAt: '2026-01-01T00:00:00Z', merchantId: `m-${i}` };
        });
        const results = await producer.sendBatch(values);
        expect(results.every((r) => r.status === 'sent')).toBe(true);
      }
      await restarted;
      expect(sentWhileDown).toBeGreaterThan(0); // batches were sent while the broker was down or starting
    } finally {
      await producer.close();
    }
    // Exactly `total` records in the topic (a duplicate would be one more), each key once.
    const ends = await mesh.admin.withAdmin((a) => a.topicOffsets(product.compiled.topic));
    expect(ends.reduce((n, o) => n + Number(o.high) - Number(o.low), 0)).toBe(total);
    const records = await readTopic(mesh.admin, product.compiled.topic, total, 60_000);
    expect(new Set(records.map((r) => r.key?.toString())).size).toBe(total);
  });
});
